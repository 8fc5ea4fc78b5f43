package dev.parley.client;

/**
 * A read cursor moved: {@code userId} has read {@code conversationId} up to {@code seq}. Comes
 * for the user's own other devices and, in a direct conversation, from the peer.
 */
public record ReadReceipt(String conversationId, String userId, long seq) {}
