package dev.parley.functions.store;

/** A live WebSocket connection of one device of a user. Times are epoch milliseconds. */
public record Connection(String userId, String connectionId, String deviceId, long connectedAt, long lastActiveAt) {}
