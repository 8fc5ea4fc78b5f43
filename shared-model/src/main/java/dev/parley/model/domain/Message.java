package dev.parley.model.domain;

/**
 * An accepted message. {@code bodyJson} is the body as compact JSON text, validated once on the
 * way in and passed through untouched afterwards (stored as a string, pushed as raw JSON).
 */
public record Message(String conversationId, long seq, String senderId, String clientMsgId,
                      String bodyJson, long sentAt) implements TimelineEntry {}
