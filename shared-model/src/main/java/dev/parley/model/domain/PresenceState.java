package dev.parley.model.domain;

/** Whether a user is online, and when they were last active (epoch ms; 0 if never seen). */
public record PresenceState(String userId, boolean online, long lastActiveAt) {}
