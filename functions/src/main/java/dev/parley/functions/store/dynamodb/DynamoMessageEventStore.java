package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.functions.store.MessageEventStore;
import dev.parley.model.domain.Message;
import dev.parley.model.tables.Tables.Conversations;
import dev.parley.model.tables.Tables.Messages;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * {@link MessageEventStore} on the messages table (the event entry, the target's state) and the
 * conversations table (one item per reaction). One TransactWriteItems per event: the event's
 * write-once put, the target's update, and for reactions the reaction item's put or delete, each
 * with the condition that keeps state and timeline equal (below, pinned by tests).
 */
public final class DynamoMessageEventStore implements MessageEventStore {
    /** The event's seq is written once, as every timeline entry (a gap may have taken it). */
    static final String EVENT_WRITE_ONCE = DynamoMessageStore.WRITE_ONCE;
    /**
     * The target is a message, not deleted, and no event with a higher seq was applied to it:
     * without the last part, two edits committing out of seq order would leave the older body
     * while every client applying the timeline in seq order shows the newer one.
     */
    static final String TARGET_IN_ORDER =
            "#type = :message AND attribute_not_exists(#deleted) AND (attribute_not_exists(#stateSeq) OR #stateSeq < :seq)";
    /** A reaction counts once per (message, user, emoji): the reaction item exists iff it counted. */
    static final String REACTION_NEW = "attribute_not_exists(#item)";
    static final String REACTION_HELD = "attribute_exists(#item)";
    /** A new emoji only while the message has fewer distinct ones than the cap. */
    static final String EMOJI_ROOM = " AND (attribute_not_exists(#rx) OR contains(#rx, :emoji) OR size(#rx) < :maxEmojis)";
    private static final int BATCH_GET_LIMIT = 100;
    private static final int CONFLICT_ATTEMPTS = 5;

    private final DynamoDbClient dynamo;
    private final String messagesTable;
    private final String conversationsTable;

    public DynamoMessageEventStore(DynamoDbClient dynamo, String messagesTable, String conversationsTable) {
        this.dynamo = dynamo;
        this.messagesTable = messagesTable;
        this.conversationsTable = conversationsTable;
    }

    @Override
    public Outcome apply(Message event, String originConnectionId, int maxEmojis) {
        List<TransactWriteItem> items = new ArrayList<>(3);
        items.add(TransactWriteItem.builder().put(Put.builder().tableName(messagesTable)
                .item(MessageItems.toItem(event, originConnectionId))
                .conditionExpression(EVENT_WRITE_ONCE)
                .expressionAttributeNames(Map.of("#seq", Messages.SEQ)).build()).build());
        items.add(TransactWriteItem.builder().update(targetUpdate(event, maxEmojis)).build());
        Message.Event what = event.event();
        if (Message.Event.REACTION.equals(what.kind())) {
            Map<String, AttributeValue> key = reactionKey(event.conversationId(), what.targetSeq(), event.senderId(),
                    what.emoji());
            if (what.remove()) {
                items.add(TransactWriteItem.builder().delete(Delete.builder().tableName(conversationsTable).key(key)
                        .conditionExpression(REACTION_HELD)
                        .expressionAttributeNames(Map.of("#item", Conversations.ITEM)).build()).build());
            } else {
                Map<String, AttributeValue> item = new HashMap<>(key);
                item.put(Messages.SEQ, n(event.seq()));
                item.put(Messages.SENT_AT, n(event.sentAt()));
                items.add(TransactWriteItem.builder().put(Put.builder().tableName(conversationsTable).item(item)
                        .conditionExpression(REACTION_NEW)
                        .expressionAttributeNames(Map.of("#item", Conversations.ITEM)).build()).build());
            }
        }
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(write -> write.transactItems(items));
                return Outcome.APPLIED;
            } catch (TransactionCanceledException cancelled) {
                List<CancellationReason> reasons = cancelled.hasCancellationReasons()
                        ? cancelled.cancellationReasons() : List.of();
                if (failed(reasons, 0)) {
                    return Outcome.SEQ_TAKEN;
                }
                if (failed(reasons, 1)) {
                    return whyTargetRefused(event, maxEmojis);
                }
                if (failed(reasons, 2)) {
                    return Outcome.REACTION_UNCHANGED;
                }
                if (attempt >= CONFLICT_ATTEMPTS) {
                    throw cancelled; // conflicts with other transactions on the same items, every time
                }
            }
        }
    }

    private Update targetUpdate(Message event, int maxEmojis) {
        Message.Event what = event.event();
        Map<String, String> names = new HashMap<>(Map.of("#type", Messages.ENTRY_TYPE, "#deleted", Messages.DELETED,
                "#stateSeq", Messages.STATE_SEQ));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":message", s(Messages.TYPE_MESSAGE),
                ":seq", n(event.seq())));
        String update;
        String condition = TARGET_IN_ORDER;
        switch (what.kind()) {
            case Message.Event.EDIT -> {
                update = "SET #body = :body, #editedAt = :at, #stateSeq = :seq";
                condition += " AND #sender = :sender";
                names.put("#body", Messages.BODY);
                names.put("#editedAt", Messages.EDITED_AT);
                names.put("#sender", Messages.SENDER_ID);
                values.put(":body", s(event.bodyJson()));
                values.put(":at", n(event.sentAt()));
                values.put(":sender", s(event.senderId()));
            }
            case Message.Event.DELETE -> {
                update = "SET #deleted = :true, #stateSeq = :seq REMOVE #body";
                names.put("#body", Messages.BODY);
                values.put(":true", AttributeValue.fromBool(true));
            }
            case Message.Event.REACTION -> {
                names.put("#count", Messages.REACTION_COUNT_PREFIX + what.emoji());
                values.put(":delta", n(what.remove() ? -1 : 1));
                if (what.remove()) {
                    update = "SET #stateSeq = :seq ADD #count :delta";
                } else {
                    update = "SET #stateSeq = :seq ADD #count :delta, #rx :emojis";
                    condition += EMOJI_ROOM;
                    names.put("#rx", Messages.REACTION_EMOJIS);
                    values.put(":emojis", AttributeValue.fromSs(List.of(what.emoji())));
                    values.put(":emoji", s(what.emoji()));
                    values.put(":maxEmojis", n(maxEmojis));
                }
            }
            default -> throw new IllegalArgumentException("not an event kind: " + what.kind());
        }
        return Update.builder().tableName(messagesTable)
                .key(Map.of(Messages.CONVERSATION_ID, s(event.conversationId()), Messages.SEQ, n(what.targetSeq())))
                .updateExpression(update).conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values).build();
    }

    /** Reads the target once to say which part of {@link #TARGET_IN_ORDER} (or the emoji cap) refused. */
    private Outcome whyTargetRefused(Message event, int maxEmojis) {
        GetItemResponse target = dynamo.getItem(get -> get.tableName(messagesTable)
                .key(Map.of(Messages.CONVERSATION_ID, s(event.conversationId()), Messages.SEQ, n(event.event().targetSeq())))
                .consistentRead(true));
        Map<String, AttributeValue> item = target.hasItem() ? target.item() : Map.of();
        if (!Messages.TYPE_MESSAGE.equals(Attr.string(item, Messages.ENTRY_TYPE)) || item.containsKey(Messages.DELETED)
                || (event.event().kind().equals(Message.Event.EDIT)
                    && !event.senderId().equals(Attr.string(item, Messages.SENDER_ID)))) {
            return Outcome.TARGET_GONE;
        }
        if (Attr.number(item, Messages.STATE_SEQ, 0) >= event.seq()) {
            return Outcome.SUPERSEDED;
        }
        AttributeValue emojis = item.get(Messages.REACTION_EMOJIS);
        if (emojis != null && emojis.hasSs() && emojis.ss().size() >= maxEmojis) {
            return Outcome.TOO_MANY_EMOJIS;
        }
        return Outcome.SUPERSEDED; // changed between the transaction and this read: try again at a fresh seq
    }

    private static boolean failed(List<CancellationReason> reasons, int index) {
        return reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    @Override
    public boolean hasReacted(String conversationId, long seq, String userId, String emoji) {
        GetItemResponse response = dynamo.getItem(get -> get.tableName(conversationsTable)
                .key(reactionKey(conversationId, seq, userId, emoji))
                .projectionExpression("#item").expressionAttributeNames(Map.of("#item", Conversations.ITEM))
                .consistentRead(true));
        return response.hasItem() && !response.item().isEmpty();
    }

    @Override
    public Set<ReactionKey> reactedBy(String userId, String conversationId, Collection<ReactionKey> candidates) {
        Map<String, ReactionKey> byItem = new LinkedHashMap<>();
        candidates.forEach(key -> byItem.put(Conversations.reactionItem(key.seq(), userId, key.emoji()), key));
        Set<ReactionKey> mine = new HashSet<>();
        List<Map<String, AttributeValue>> pending = new ArrayList<>();
        byItem.keySet().forEach(item -> pending.add(Map.of(Conversations.CONVERSATION_ID, s(conversationId),
                Conversations.ITEM, s(item))));
        while (!pending.isEmpty()) {
            List<Map<String, AttributeValue>> chunk = new ArrayList<>(pending.subList(0, Math.min(BATCH_GET_LIMIT, pending.size())));
            pending.subList(0, chunk.size()).clear();
            BatchGetItemResponse response = dynamo.batchGetItem(batch -> batch.requestItems(Map.of(conversationsTable,
                    KeysAndAttributes.builder().keys(chunk).consistentRead(true)
                            .projectionExpression("#item").expressionAttributeNames(Map.of("#item", Conversations.ITEM))
                            .build())));
            response.responses().getOrDefault(conversationsTable, List.of())
                    .forEach(found -> mine.add(byItem.get(Attr.string(found, Conversations.ITEM))));
            KeysAndAttributes unprocessed = response.unprocessedKeys().get(conversationsTable);
            if (unprocessed != null && unprocessed.hasKeys()) {
                pending.addAll(unprocessed.keys()); // throttled keys come back to be asked again
            }
        }
        return mine;
    }

    private static Map<String, AttributeValue> reactionKey(String conversationId, long seq, String userId, String emoji) {
        return Map.of(Conversations.CONVERSATION_ID, s(conversationId),
                Conversations.ITEM, s(Conversations.reactionItem(seq, userId, emoji)));
    }
}
