package dev.parley.model.domain;

/**
 * What a conversation holds at one seq: a message, or a gap marker saying that the seq was
 * allocated but will never hold a message (SPEC section 3.2).
 */
public sealed interface TimelineEntry permits Message, Gap {
    String conversationId();

    long seq();
}
