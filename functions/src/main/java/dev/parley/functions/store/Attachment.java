package dev.parley.functions.store;

/**
 * An attachment as its owner declared it with {@code POST /attachments}, and what the
 * object-created function learned since ({@code state}, {@code thumbnailKey}, null until then).
 */
public record Attachment(String attachmentId, String ownerId, String conversationId, String contentType, long size,
                         String fileName, String state, long createdAt, String thumbnailKey) {
    public static final String PENDING = "pending";
    public static final String UPLOADED = "uploaded";
}
