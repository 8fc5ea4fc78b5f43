package dev.parley.client;

/**
 * A frame from the server the client could not use: not JSON, nested deeper than the client
 * reads, or a known type with a missing or mistyped field. The client skips it and goes on;
 * what the frame would have brought is fetched again where it can be (a skipped push is a
 * missing seq that the next sync fills; a skipped history page fails that request).
 *
 * @param type      the frame's {@code type}, or null when it could not be read
 * @param requestId the request the frame answers, or null
 * @param reason    what was wrong, for logs
 * @param frame     the frame's text, cut to at most 1,000 characters
 */
public record ProtocolError(String type, String requestId, String reason, String frame) {
    static final int MAX_FRAME_CHARS = 1_000;

    public static ProtocolError of(String type, String requestId, String reason, String frame) {
        String shown = frame == null || frame.length() <= MAX_FRAME_CHARS ? frame
                : frame.substring(0, MAX_FRAME_CHARS) + "... (" + frame.length() + " characters)";
        return new ProtocolError(type, requestId, reason, shown);
    }
}
