package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.TimelineEntry;
import dev.parley.model.tables.Tables.Messages;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
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

    /** A message or an event entry as first stored (a message's state is added later, by its events). */
    static Map<String, AttributeValue> toItem(Message message, String originConnectionId) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Messages.CONVERSATION_ID, s(message.conversationId()));
        item.put(Messages.SEQ, n(message.seq()));
        item.put(Messages.ENTRY_TYPE, s(message.isEvent() ? Messages.TYPE_EVENT : Messages.TYPE_MESSAGE));
        item.put(Messages.SENDER_ID, s(message.senderId()));
        item.put(Messages.CLIENT_MSG_ID, s(message.clientMsgId()));
        if (message.bodyJson() != null) {
            item.put(Messages.BODY, s(message.bodyJson()));
        }
        item.put(Messages.SENT_AT, n(message.sentAt()));
        if (message.replyTo() > 0) {
            item.put(Messages.REPLY_TO, n(message.replyTo()));
        }
        Message.Event event = message.event();
        if (event != null) {
            item.put(Messages.KIND, s(event.kind()));
            if (event.targetSeq() > 0) { // a member entry targets no message
                item.put(Messages.TARGET_SEQ, n(event.targetSeq()));
            }
            if (event.emoji() != null) {
                item.put(Messages.EMOJI, s(event.emoji()));
            }
            if (event.remove()) {
                item.put(Messages.REMOVE, AttributeValue.fromBool(true));
            }
        }
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

    /** An item read back, with the message's current state (reactions without {@code me}: see ReactionMarks). */
    static TimelineEntry fromItem(Map<String, AttributeValue> item) {
        TimelineEntry entry = fromAttributes(name -> {
            AttributeValue value = item.get(name);
            return value == null ? null : value.s() != null ? value.s() : value.n() != null ? value.n()
                    : value.bool() != null ? value.bool().toString() : null;
        });
        return entry instanceof Message message && !message.isEvent() ? message.withState(state(item)) : entry;
    }

    /** The state kept on a message's item by its events; null when none ever applied. */
    private static Message.State state(Map<String, AttributeValue> item) {
        long stateSeq = Attr.number(item, Messages.STATE_SEQ, 0);
        if (stateSeq == 0) {
            return null;
        }
        List<Message.Reaction> reactions = new ArrayList<>();
        AttributeValue emojis = item.get(Messages.REACTION_EMOJIS);
        if (emojis != null && emojis.hasSs()) {
            for (String emoji : emojis.ss()) {
                long count = Attr.number(item, Messages.REACTION_COUNT_PREFIX + emoji, 0);
                if (count > 0) {
                    reactions.add(new Message.Reaction(emoji, count, false));
                }
            }
        }
        // Most reacted first, then by emoji, so every reader sees the same order.
        reactions.sort(Comparator.comparingLong(Message.Reaction::count).reversed().thenComparing(Message.Reaction::emoji));
        AttributeValue deleted = item.get(Messages.DELETED);
        return new Message.State(Attr.number(item, Messages.EDITED_AT, 0),
                deleted != null && Boolean.TRUE.equals(deleted.bool()), reactions, stateSeq);
    }

    /** A stream record's new image, as delivered to the fan-out function. */
    static TimelineEntry fromStreamImage(
            Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image) {
        return fromAttributes(name -> {
            var value = image.get(name);
            return value == null ? null : value.getS() != null ? value.getS() : value.getN() != null ? value.getN()
                    : value.getBOOL() != null ? value.getBOOL().toString() : null;
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
        String replyTo = scalar.apply(Messages.REPLY_TO);
        Message.Event event = null;
        if (Messages.TYPE_EVENT.equals(scalar.apply(Messages.ENTRY_TYPE))) {
            String targetSeq = scalar.apply(Messages.TARGET_SEQ);
            event = new Message.Event(scalar.apply(Messages.KIND), targetSeq == null ? 0 : Long.parseLong(targetSeq),
                    scalar.apply(Messages.EMOJI), "true".equals(scalar.apply(Messages.REMOVE)));
        }
        return new Message(conversationId, seq,
                scalar.apply(Messages.SENDER_ID),
                scalar.apply(Messages.CLIENT_MSG_ID),
                scalar.apply(Messages.BODY),
                Long.parseLong(scalar.apply(Messages.SENT_AT)),
                replyTo == null ? 0 : Long.parseLong(replyTo), event, null);
    }
}
