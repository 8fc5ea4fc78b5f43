package dev.parley.client;

/**
 * One conversation as the last {@code sync} described it: its kind ({@code direct} or
 * {@code group}), the newest seq allocated, the user's read cursor, and the unread count
 * (messages after {@code readSeq} not sent by the user).
 */
public record ConversationSummary(String conversationId, String kind, long lastSeq, long readSeq, long unread) {}
