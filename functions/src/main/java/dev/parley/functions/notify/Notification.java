package dev.parley.functions.notify;

/**
 * One offline push notification, as docs/protocol.md lists its fields: {@code preview} is at most 100
 * characters of the message's {@code body.text}; {@code badge} is the user's total unread.
 */
public record Notification(String userId, String deviceId, String platform, String pushToken, String conversationId,
                           long seq, String senderId, String preview, long badge) {}
