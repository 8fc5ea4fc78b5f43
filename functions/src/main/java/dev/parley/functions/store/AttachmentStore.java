package dev.parley.functions.store;

import java.util.Optional;

/** The attachment records (docs/data-model.md, "attachments"). */
public interface AttachmentStore {
    /** Writes a new record; the id is fresh (random), so nothing is overwritten. */
    void create(Attachment attachment);

    /** The record, read strongly consistently: a send right after the upload finds it. */
    Optional<Attachment> get(String attachmentId);

    /** Records that the object was seen (and its thumbnail, when one was made); only for an existing record. */
    void markUploaded(String attachmentId, String thumbnailKey);
}
