package dev.parley.client;

/**
 * The server's confirmation of a send: the message is stored under {@code seq} and will reach
 * every member. Every retry of one {@code clientMsgId} is confirmed with the same seq and sentAt.
 */
public record Sent(String conversationId, String clientMsgId, long seq, long sentAt) {}
