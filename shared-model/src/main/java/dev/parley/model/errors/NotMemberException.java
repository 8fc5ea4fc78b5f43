package dev.parley.model.errors;

/** The caller is not a member of the conversation. */
public final class NotMemberException extends ParleyException {
    public NotMemberException(String message) {
        super(message);
    }
}
