package dev.parley.client;

/** The protocol's error codes, plus {@link #OTHER} for a code this client version does not know. */
public enum ErrorCode {
    BAD_REQUEST,
    UNKNOWN_ACTION,
    PAYLOAD_TOO_LARGE,
    NOT_MEMBER,
    /** Allowed for nobody in the caller's role (a non-sender editing, a non-admin renaming). */
    FORBIDDEN,
    NOT_FOUND,
    /** A {@code clientMsgId} reused with different content: the first content stays. */
    CONFLICT,
    /** The recipient blocked the sender; nothing was stored. */
    BLOCKED,
    RATE_LIMITED,
    INTERNAL,
    OTHER;

    public static ErrorCode of(String code) {
        for (ErrorCode known : values()) {
            if (known.name().equals(code)) {
                return known;
            }
        }
        return OTHER;
    }

    /**
     * Whether the same request may succeed when repeated: {@code RATE_LIMITED} (after
     * {@code retryAfterMs}) and {@code INTERNAL} (never caused by the input). Everything else is
     * an answer about the request itself, and repeating it would get the same answer.
     */
    public boolean retryable() {
        return this == RATE_LIMITED || this == INTERNAL;
    }
}
