package dev.parley.functions.attachments;

import dev.parley.functions.service.Budget;
import dev.parley.functions.service.ConversationAccess;
import dev.parley.functions.store.Attachment;
import dev.parley.functions.store.AttachmentStore;
import dev.parley.functions.store.ObjectStore;
import dev.parley.model.errors.BadRequestException;
import dev.parley.model.errors.NotFoundException;
import dev.parley.model.routes.Bucket;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /attachments} and {@code GET /attachments/{id}}. An upload starts with a record of
 * what its owner declared and a presigned PUT that binds the declared type and length in its
 * signature (valid {@link #URL_VALIDITY}); the object store refuses any other upload to that key.
 * Downloads are presigned GETs, for members of the attachment's conversation only.
 */
public final class AttachmentService {
    /** How long a presigned PUT or GET works. */
    public static final Duration URL_VALIDITY = Duration.ofMinutes(15);

    /** A started upload: where to PUT, with which headers, until when. */
    public record Upload(String attachmentId, ObjectStore.Presigned put) {}

    /** A download: the record and a presigned GET, with one for the thumbnail when there is one. */
    public record Download(Attachment attachment, ObjectStore.Presigned get, ObjectStore.Presigned thumbnail) {}

    private final AttachmentStore attachments;
    private final ObjectStore objects;
    private final ConversationAccess access;
    private final AttachmentRules rules;
    private final Budget uploads;
    private final Budget downloads;
    private final Clock clock;

    public AttachmentService(AttachmentStore attachments, ObjectStore objects, ConversationAccess access,
                             AttachmentRules rules, Budget uploads, Budget downloads, Clock clock) {
        this.attachments = attachments;
        this.objects = objects;
        this.access = access;
        this.rules = rules;
        this.uploads = uploads;
        this.downloads = downloads;
        this.clock = clock;
    }

    /** Validates the declaration, spends the caller's upload budget, checks membership, records and presigns. */
    public Upload start(String userId, Map<String, Object> body) {
        if (!(body.get("conversationId") instanceof String conversationId) || conversationId.isEmpty()
                || conversationId.length() > 256) {
            throw new BadRequestException("conversationId must be a conversation id");
        }
        String contentType = rules.contentType(body.get("contentType"));
        long size = rules.size(body.get("size"));
        String fileName = rules.fileName(body.get("fileName"));
        uploads.spend(userId);
        access.check(conversationId, userId);
        String attachmentId = UUID.randomUUID().toString();
        attachments.create(new Attachment(attachmentId, userId, conversationId, contentType, size, fileName,
                Attachment.PENDING, clock.millis(), null));
        return new Upload(attachmentId, objects.presignPut(Bucket.uploadKey(attachmentId), contentType, size, URL_VALIDITY));
    }

    /**
     * A presigned GET for a member of the attachment's conversation; NOT_FOUND for an unknown id or
     * an attachment whose upload has not arrived.
     */
    public Download download(String userId, String attachmentId) {
        if (!AttachmentRules.plausibleId(attachmentId)) {
            throw new NotFoundException("no attachment " + attachmentId);
        }
        downloads.spend(userId);
        Attachment attachment = attachments.get(attachmentId)
                .orElseThrow(() -> new NotFoundException("no attachment " + attachmentId));
        access.check(attachment.conversationId(), userId);
        if (objects.head(Bucket.uploadKey(attachmentId)).isEmpty()) {
            throw new NotFoundException("attachment " + attachmentId + " has not been uploaded");
        }
        ObjectStore.Presigned thumbnail = attachment.thumbnailKey() == null ? null
                : objects.presignGet(attachment.thumbnailKey(), URL_VALIDITY);
        return new Download(attachment, objects.presignGet(Bucket.uploadKey(attachmentId), URL_VALIDITY), thumbnail);
    }
}
