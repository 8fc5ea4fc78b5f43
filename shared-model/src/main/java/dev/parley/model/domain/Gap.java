package dev.parley.model.domain;

/** A seq that holds no message and never will. */
public record Gap(String conversationId, long seq) implements TimelineEntry {}
