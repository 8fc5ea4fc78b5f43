package dev.parley.functions.service;

/** A message accepted at {@code seq} (the same seq for every retry of one clientMsgId). */
public record SendReceipt(String conversationId, String clientMsgId, long seq, long sentAt) {}
