package dev.parley.model.domain;

/** The two kinds of conversation; {@link #wire()} is the value docs/protocol.md puts in {@code kind}. */
public enum ConversationKind {
    DIRECT("direct"),
    GROUP("group");

    private final String wire;

    ConversationKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static ConversationKind of(String conversationId) {
        return ConversationId.isDirect(conversationId) ? DIRECT : GROUP;
    }
}
