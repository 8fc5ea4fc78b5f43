package dev.parley.functions.attachments;

import dev.parley.model.errors.BadRequestException;
import dev.parley.model.errors.PayloadTooLargeException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What an upload may be (docs/protocol.md, "Attachments"): a content type of {@code image/*},
 * {@code video/*}, {@code audio/*}, {@code application/pdf}, {@code application/zip} or
 * {@code text/plain}; a size from 1 byte to the configured maximum (100 MB by default); a file name
 * of 1 to 255 characters without control characters or path separators.
 */
public final class AttachmentRules {
    public static final int MAX_FILE_NAME_CHARS = 255;
    /** A media type without parameters, as RFC 6838 spells type and subtype names. */
    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}");
    /** Attachment ids are the service's own (UUIDs); anything else is no attachment. */
    private static final Pattern ATTACHMENT_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final long maxBytes;

    public AttachmentRules(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The content type, lower-cased, or BAD_REQUEST. */
    public String contentType(Object value) {
        if (!(value instanceof String text)) {
            throw new BadRequestException("contentType must be a string such as image/jpeg");
        }
        String type = text.trim().toLowerCase(Locale.ROOT);
        if (!MEDIA_TYPE.matcher(type).matches()) {
            throw new BadRequestException("contentType must be a media type such as image/jpeg, without parameters");
        }
        if (!(type.startsWith("image/") || type.startsWith("video/") || type.startsWith("audio/")
                || type.equals("application/pdf") || type.equals("application/zip") || type.equals("text/plain"))) {
            throw new BadRequestException("contentType " + type
                    + " is not accepted: image/*, video/*, audio/*, application/pdf, application/zip or text/plain");
        }
        return type;
    }

    /** The declared size in bytes, or BAD_REQUEST (PAYLOAD_TOO_LARGE above the maximum). */
    public long size(Object value) {
        if (!(value instanceof Long size)) {
            if (value instanceof java.math.BigInteger) { // an integer beyond 64 bits
                throw new PayloadTooLargeException("size is over the limit of " + maxBytes + " bytes");
            }
            throw new BadRequestException("size must be an integer number of bytes");
        }
        if (size < 1) {
            throw new BadRequestException("size must be at least 1 byte");
        }
        if (size > maxBytes) {
            throw new PayloadTooLargeException("size " + size + " is over the limit of " + maxBytes + " bytes");
        }
        return size;
    }

    public String fileName(Object value) {
        if (!(value instanceof String name) || name.isBlank()) {
            throw new BadRequestException("fileName must be a non-empty string");
        }
        if (name.codePointCount(0, name.length()) > MAX_FILE_NAME_CHARS) {
            throw new BadRequestException("fileName is longer than " + MAX_FILE_NAME_CHARS + " characters");
        }
        if (name.chars().anyMatch(c -> Character.isISOControl(c) || c == '/' || c == '\\')) {
            throw new BadRequestException("fileName must not hold control characters or path separators");
        }
        return name;
    }

    /** Whether a string could be an attachment id at all (a cheap refusal before any read). */
    public static boolean plausibleId(String id) {
        return id != null && ATTACHMENT_ID.matcher(id).matches();
    }
}
