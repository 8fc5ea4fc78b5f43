package dev.parley.model.errors;

/** The recipient blocked the sender: nothing is stored (docs/protocol.md v2). */
public final class BlockedException extends ParleyException {
    public BlockedException(String message) {
        super(message);
    }
}
