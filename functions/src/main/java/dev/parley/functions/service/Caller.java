package dev.parley.functions.service;

/**
 * Who sent a frame: the user the $connect authorizer verified, the device, and the connection.
 * Never taken from a frame's payload.
 */
public record Caller(String userId, String deviceId, String connectionId) {}
