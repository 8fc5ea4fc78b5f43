package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.functions.store.Attachment;
import dev.parley.functions.store.AttachmentStore;
import dev.parley.model.tables.Tables.Attachments;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** {@link AttachmentStore} on the attachments table (key: attachmentId). */
public final class DynamoAttachmentStore implements AttachmentStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoAttachmentStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void create(Attachment attachment) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Attachments.ATTACHMENT_ID, s(attachment.attachmentId()));
        item.put(Attachments.OWNER_ID, s(attachment.ownerId()));
        item.put(Attachments.CONVERSATION_ID, s(attachment.conversationId()));
        item.put(Attachments.CONTENT_TYPE, s(attachment.contentType()));
        item.put(Attachments.SIZE, n(attachment.size()));
        item.put(Attachments.FILE_NAME, s(attachment.fileName()));
        item.put(Attachments.STATE, s(attachment.state()));
        item.put(Attachments.CREATED_AT, n(attachment.createdAt()));
        // A random id never collides; the condition makes sure a bug could not overwrite someone's record.
        dynamo.putItem(put -> put.tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#id)")
                .expressionAttributeNames(Map.of("#id", Attachments.ATTACHMENT_ID)));
    }

    @Override
    public Optional<Attachment> get(String attachmentId) {
        Map<String, AttributeValue> item = dynamo.getItem(get -> get.tableName(table).consistentRead(true)
                .key(Map.of(Attachments.ATTACHMENT_ID, s(attachmentId)))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Attachment(Attr.string(item, Attachments.ATTACHMENT_ID),
                Attr.string(item, Attachments.OWNER_ID), Attr.string(item, Attachments.CONVERSATION_ID),
                Attr.string(item, Attachments.CONTENT_TYPE), Attr.number(item, Attachments.SIZE, 0),
                Attr.string(item, Attachments.FILE_NAME), Attr.string(item, Attachments.STATE),
                Attr.number(item, Attachments.CREATED_AT, 0), Attr.string(item, Attachments.THUMBNAIL_KEY)));
    }

    @Override
    public void markUploaded(String attachmentId, String thumbnailKey) {
        Map<String, String> names = new HashMap<>(Map.of("#id", Attachments.ATTACHMENT_ID, "#state", Attachments.STATE));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":uploaded", s(Attachment.UPLOADED)));
        String update = "SET #state = :uploaded";
        if (thumbnailKey != null) {
            names.put("#thumb", Attachments.THUMBNAIL_KEY);
            values.put(":thumb", s(thumbnailKey));
            update += ", #thumb = :thumb";
        }
        String expression = update;
        try {
            // Only an existing record: an object whose record is gone must not make a half record.
            dynamo.updateItem(u -> u.tableName(table).key(Map.of(Attachments.ATTACHMENT_ID, s(attachmentId)))
                    .updateExpression(expression).conditionExpression("attribute_exists(#id)")
                    .expressionAttributeNames(names).expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException noRecord) {
            // nothing to mark
        }
    }
}
