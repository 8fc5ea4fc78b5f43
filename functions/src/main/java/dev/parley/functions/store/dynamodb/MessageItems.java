package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.TimelineEntry;
import dev.parley.model.tables.Tables.Messages;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The one mapper of the messages table, for SDK items and for the stream images Lambda delivers
 * (which use the aws-lambda-java-events attribute model). Attribute names are short on purpose:
 * they are stored, streamed and billed with every message.
 */
final class MessageItems {
    private MessageItems() {}

    static Map<String, AttributeValue> toItem(Message message, String originConnectionId) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Messages.CONVERSATION_ID, s(message.conversationId()));
        item.put(Messages.SEQ, n(message.seq()));
        item.put(Messages.ENTRY_TYPE, s(Messages.TYPE_MESSAGE));
        item.put(Messages.SENDER_ID, s(message.senderId()));
        item.put(Messages.CLIENT_MSG_ID, s(message.clientMsgId()));
        item.put(Messages.BODY, s(message.bodyJson()));
        item.put(Messages.SENT_AT, n(message.sentAt()));
        if (originConnectionId != null) {
            item.put(Messages.ORIGIN_CONNECTION, s(originConnectionId));
        }
        return item;
    }

    static Map<String, AttributeValue> toItem(Gap gap) {
        return Map.of(
                Messages.CONVERSATION_ID, s(gap.conversationId()),
                Messages.SEQ, n(gap.seq()),
                Messages.ENTRY_TYPE, s(Messages.TYPE_GAP));
    }

    static TimelineEntry fromItem(Map<String, AttributeValue> item) {
        return fromAttributes(name -> {
            AttributeValue value = item.get(name);
            return value == null ? null : value.s() != null ? value.s() : value.n();
        });
    }

    /** A stream record's new image, as delivered to the fan-out function. */
    static TimelineEntry fromStreamImage(
            Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image) {
        return fromAttributes(name -> {
            var value = image.get(name);
            return value == null ? null : value.getS() != null ? value.getS() : value.getN();
        });
    }

    /** The origin connection of a stream image, or null. */
    static String originConnection(
            Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image) {
        var value = image.get(Messages.ORIGIN_CONNECTION);
        return value == null ? null : value.getS();
    }

    private static TimelineEntry fromAttributes(Function<String, String> scalar) {
        String conversationId = scalar.apply(Messages.CONVERSATION_ID);
        long seq = Long.parseLong(scalar.apply(Messages.SEQ));
        if (Messages.TYPE_GAP.equals(scalar.apply(Messages.ENTRY_TYPE))) {
            return new Gap(conversationId, seq);
        }
        return new Message(conversationId, seq,
                scalar.apply(Messages.SENDER_ID),
                scalar.apply(Messages.CLIENT_MSG_ID),
                scalar.apply(Messages.BODY),
                Long.parseLong(scalar.apply(Messages.SENT_AT)));
    }
}
