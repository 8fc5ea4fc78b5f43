package dev.parley.functions.store;

/** A device registered for offline push notifications. */
public record Device(String userId, String deviceId, String platform, String pushToken) {}
