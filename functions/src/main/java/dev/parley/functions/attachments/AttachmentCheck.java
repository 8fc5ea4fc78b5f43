package dev.parley.functions.attachments;

import dev.parley.functions.store.Attachment;
import dev.parley.functions.store.AttachmentStore;
import dev.parley.functions.store.ObjectStore;
import dev.parley.model.errors.BadRequestException;
import dev.parley.model.protocol.ClientCommand;
import dev.parley.model.protocol.JsonTree;
import dev.parley.model.routes.Bucket;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The send path's check of {@code body.attachments} (at most {@value #MAX_ATTACHMENTS}
 * {@code {"attachmentId"}}): each must have a record, belong to the sender and to the conversation,
 * and have an object in the bucket (HeadObject) whose size and type are the declared ones. Any
 * failure is BAD_REQUEST, before anything is stored. The stored body's references carry the
 * verified {@code contentType}, {@code size} and {@code fileName} (whatever the client put there is
 * replaced), so recipients and notifications know an attachment's kind without a read.
 *
 * <p>Cost: nothing for a body without attachments; per attachment one strongly consistent GetItem
 * (1 RCU for an item under 4 KB) and one HeadObject.
 */
public final class AttachmentCheck {
    public static final int MAX_ATTACHMENTS = 10;
    public static final String FIELD = "attachments";

    private final AttachmentStore attachments;
    private final ObjectStore objects;

    public AttachmentCheck(AttachmentStore attachments, ObjectStore objects) {
        this.attachments = attachments;
        this.objects = objects;
    }

    /** A check for deployments without attachments (and tests of other things): any reference is refused. */
    public static AttachmentCheck none() {
        return new AttachmentCheck(null, null);
    }

    /** The command itself when its body references no attachment, else with the verified references. */
    @SuppressWarnings("unchecked")
    public ClientCommand.Send verified(String senderId, String conversationId, ClientCommand.Send command) {
        Map<String, Object> body;
        try {
            if (!(JsonTree.parse(command.bodyJson()) instanceof Map<?, ?> parsed)) {
                return command; // the codec admits only objects; nothing to check otherwise
            }
            body = (Map<String, Object>) parsed;
        } catch (IOException unreadable) {
            return command;
        }
        if (!body.containsKey(FIELD)) {
            return command;
        }
        if (!(body.get(FIELD) instanceof List<?> references)) {
            throw new BadRequestException("body.attachments must be a list of {\"attachmentId\"}");
        }
        if (references.size() > MAX_ATTACHMENTS) {
            throw new BadRequestException("body.attachments holds more than " + MAX_ATTACHMENTS + " attachments");
        }
        if (attachments == null && !references.isEmpty()) {
            throw new BadRequestException("attachments are not enabled here");
        }
        Set<String> seen = new HashSet<>();
        List<Object> verified = new ArrayList<>();
        for (Object reference : references) {
            if (!(reference instanceof Map<?, ?> fields) || !(fields.get("attachmentId") instanceof String id)) {
                throw new BadRequestException("each of body.attachments must be {\"attachmentId\": \"...\"}");
            }
            if (!seen.add(id)) {
                throw new BadRequestException("attachment " + id + " is referenced twice");
            }
            verified.add(verify(senderId, conversationId, id));
        }
        Map<String, Object> enriched = new LinkedHashMap<>(body);
        enriched.put(FIELD, verified);
        return command.withBody(JsonTree.write(enriched));
    }

    private Map<String, Object> verify(String senderId, String conversationId, String attachmentId) {
        Optional<Attachment> found = AttachmentRules.plausibleId(attachmentId) ? attachments.get(attachmentId) : Optional.empty();
        Attachment attachment = found.orElseThrow(() -> new BadRequestException("attachment " + attachmentId + " does not exist"));
        if (!attachment.ownerId().equals(senderId)) {
            throw new BadRequestException("attachment " + attachmentId + " belongs to another user");
        }
        if (!attachment.conversationId().equals(conversationId)) {
            throw new BadRequestException("attachment " + attachmentId + " belongs to another conversation");
        }
        ObjectStore.Head head = objects.head(Bucket.uploadKey(attachmentId))
                .orElseThrow(() -> new BadRequestException("attachment " + attachmentId + " has not been uploaded"));
        if (head.size() != attachment.size()) {
            throw new BadRequestException("attachment " + attachmentId + " holds " + head.size()
                    + " bytes, not the " + attachment.size() + " declared");
        }
        if (head.contentType() == null || !head.contentType().equalsIgnoreCase(attachment.contentType())) {
            throw new BadRequestException("attachment " + attachmentId + " is stored as " + head.contentType()
                    + ", not the " + attachment.contentType() + " declared");
        }
        Map<String, Object> reference = new LinkedHashMap<>();
        reference.put("attachmentId", attachmentId);
        reference.put("contentType", attachment.contentType());
        reference.put("size", attachment.size());
        reference.put("fileName", attachment.fileName());
        return reference;
    }
}
