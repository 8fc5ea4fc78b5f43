package dev.parley.client;

/** A presence change of a direct-conversation peer. */
public record Presence(String userId, boolean online, long lastActiveAt) {}
