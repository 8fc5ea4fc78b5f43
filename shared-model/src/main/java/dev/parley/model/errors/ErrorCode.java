package dev.parley.model.errors;

/** The stable error codes of docs/protocol.md. Clients switch on {@link #name()}; never rename one. */
public enum ErrorCode {
    BAD_REQUEST(400),
    UNKNOWN_ACTION(400),
    PAYLOAD_TOO_LARGE(413),
    NOT_MEMBER(403),
    /** A member asking for what only another member may do (e.g. removing others from a group). */
    FORBIDDEN(403),
    NOT_FOUND(404),
    /** A clientMsgId reused with different content: the first content stands. */
    CONFLICT(409),
    /** The recipient has blocked the sender (docs/protocol.md v2). */
    BLOCKED(403),
    RATE_LIMITED(429),
    INTERNAL(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The status the HTTP API answers with for this code. */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The one place where failure kinds become wire codes. Anything that is not a
     * {@link ParleyException} is our fault, never the client's, hence {@link #INTERNAL}.
     */
    public static ErrorCode of(Throwable failure) {
        if (failure instanceof BadRequestException) return BAD_REQUEST;
        if (failure instanceof UnknownActionException) return UNKNOWN_ACTION;
        if (failure instanceof PayloadTooLargeException) return PAYLOAD_TOO_LARGE;
        if (failure instanceof NotMemberException) return NOT_MEMBER;
        if (failure instanceof ForbiddenException) return FORBIDDEN;
        if (failure instanceof NotFoundException) return NOT_FOUND;
        if (failure instanceof RateLimitedException) return RATE_LIMITED;
        if (failure instanceof ConflictException) return CONFLICT;
        if (failure instanceof BlockedException) return BLOCKED;
        return INTERNAL;
    }
}
