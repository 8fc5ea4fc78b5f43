package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.functions.store.ConversationStore;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.ConversationKind;
import dev.parley.model.errors.BlockedException;
import dev.parley.model.errors.NotFoundException;
import dev.parley.model.tables.Tables.Conversations;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/** {@link ConversationStore} on the conversations table: a {@code #meta} item and member items. */
public final class DynamoConversationStore implements ConversationStore {
    static final String MEMBERS_RECORDED = "membersRecorded";

    /**
     * The seq counter. {@code ADD} on a missing attribute starts from 0, so the first seq is 1,
     * and it is atomic: concurrent sends each get their own value. The same write stamps the
     * conversation's kind and creation time the first time only.
     */
    static final String ALLOCATE_SEQ = "ADD #lastSeq :one SET #lastSeqAt = :now, #kind = if_not_exists(#kind, :kind), "
            + "#created = if_not_exists(#created, :now)";
    /**
     * A direct send's seq is drawn only if the peer has not blocked the sender: the condition of the
     * counter update itself (a missing set contains nothing), so a block costs a send no read and a
     * refused send draws no seq.
     */
    static final String NOT_BLOCKED = "NOT contains(#blocked, :sender)";
    static final String LAST_SEQ_AT = "lastSeqAt";
    static final String DEVICE_ITEM_PREFIX = "d#";
    static final String ACK_SEQ = "ackSeq";
    /** Members of a group, kept on its meta item so the cap is one conditional write. */
    static final String MEMBER_COUNT = "memberCount";
    /** A member item that exists and is no admin's. */
    static final String NO_ADMIN = "attribute_exists(#item) AND (attribute_not_exists(#admin) OR #admin <> :true)";
    static final String IS_ADMIN = "#admin = :true";
    /** The group keeps an admin: another one remains. */
    static final String ANOTHER_ADMIN = "#admins > :one";
    /** ...or the leaving admin is the group's only member (the group is left empty). */
    static final String ANOTHER_ADMIN_OR_ALONE = "#admins > :one OR #count <= :one";
    /** Room for n more: the count after adding stays at most the cap. */
    static final String ROOM_FOR_MORE = "attribute_exists(#item) AND #count <= :limit";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoConversationStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public SeqAllocation allocateSeq(String conversationId, String senderId, long now) {
        Map<String, String> names = new HashMap<>(Map.of(
                "#lastSeq", Conversations.LAST_SEQ,
                "#lastSeqAt", LAST_SEQ_AT,
                "#kind", Conversations.KIND,
                "#created", Conversations.CREATED_AT));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":one", n(1),
                ":kind", s(ConversationKind.of(conversationId).wire()),
                ":now", n(now)));
        boolean checkBlock = senderId != null && ConversationId.isDirect(conversationId);
        if (checkBlock) {
            names.put("#blocked", Conversations.BLOCKED);
            values.put(":sender", s(senderId));
        }
        UpdateItemResponse response;
        try {
            response = dynamo.updateItem(update -> update.tableName(table)
                    .key(metaKey(conversationId))
                    .updateExpression(ALLOCATE_SEQ)
                    .conditionExpression(checkBlock ? NOT_BLOCKED : null)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW));
        } catch (ConditionalCheckFailedException blocked) {
            throw new BlockedException("you cannot write to " + conversationId + ": the other member blocked you");
        }
        Map<String, AttributeValue> item = response.attributes();
        AttributeValue recorded = item.get(MEMBERS_RECORDED);
        return new SeqAllocation(Attr.number(item, Conversations.LAST_SEQ, 0),
                recorded != null && Boolean.TRUE.equals(recorded.bool()));
    }

    @Override
    public void recordDirectMembers(String conversationId, List<String> members, long now) {
        for (String member : members) {
            try {
                dynamo.putItem(put -> put.tableName(table)
                        .item(memberItem(conversationId, member, ConversationKind.DIRECT, 0, now))
                        .conditionExpression("attribute_not_exists(#item)")
                        .expressionAttributeNames(Map.of("#item", Conversations.ITEM)));
            } catch (ConditionalCheckFailedException alreadyMember) {
                // Written by an earlier send; its cursors stay as they are.
            }
        }
        dynamo.updateItem(update -> update.tableName(table)
                .key(metaKey(conversationId))
                .updateExpression("SET #recorded = :true")
                .expressionAttributeNames(Map.of("#recorded", MEMBERS_RECORDED))
                .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))));
    }

    @Override
    public boolean isMember(String conversationId, String userId) {
        return dynamo.getItem(get -> get.tableName(table)
                .key(memberKey(conversationId, userId))
                .projectionExpression("#item")
                .expressionAttributeNames(Map.of("#item", Conversations.ITEM))).hasItem();
    }

    @Override
    public Optional<Meta> meta(String conversationId) {
        GetItemResponse response = dynamo.getItem(get -> get.tableName(table).key(metaKey(conversationId)).consistentRead(true));
        if (!response.hasItem() || response.item().isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = response.item();
        return Optional.of(new Meta(conversationId, Attr.string(item, Conversations.KIND),
                Attr.number(item, Conversations.LAST_SEQ, 0), Attr.number(item, LAST_SEQ_AT, 0),
                Attr.string(item, Conversations.NAME), Attr.string(item, Conversations.CREATED_BY),
                !ConversationKind.GROUP.wire().equals(Attr.string(item, Conversations.KIND))
                        || item.containsKey(Conversations.ADMIN_COUNT)));
    }

    @Override
    public void createGroup(String conversationId, String name, String createdBy, List<String> members, long now) {
        Map<String, AttributeValue> meta = new HashMap<>(metaKey(conversationId));
        meta.put(Conversations.KIND, s(ConversationKind.GROUP.wire()));
        meta.put(Conversations.NAME, s(name));
        meta.put(Conversations.CREATED_BY, s(createdBy));
        meta.put(Conversations.LAST_SEQ, n(0));
        meta.put(LAST_SEQ_AT, n(now));
        meta.put(Conversations.CREATED_AT, n(now));
        meta.put(MEMBERS_RECORDED, AttributeValue.fromBool(true));
        meta.put(MEMBER_COUNT, n(members.size()));
        meta.put(Conversations.ADMIN_COUNT, n(1));
        dynamo.putItem(put -> put.tableName(table).item(meta)
                .conditionExpression("attribute_not_exists(#item)")
                .expressionAttributeNames(Map.of("#item", Conversations.ITEM)));
        List<WriteRequest> writes = new ArrayList<>();
        for (String member : members) {
            Map<String, AttributeValue> item = new HashMap<>(memberItem(conversationId, member, ConversationKind.GROUP, 0, now));
            if (member.equals(createdBy)) {
                item.put(Conversations.ADMIN, AttributeValue.fromBool(true));
            }
            writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        }
        for (int from = 0; from < writes.size(); from += 25) {
            Map<String, List<WriteRequest>> batch = Map.of(table, writes.subList(from, Math.min(from + 25, writes.size())));
            for (int attempt = 0; !batch.isEmpty(); attempt++) {
                if (attempt == 10) {
                    throw new IllegalStateException("group members could not all be written");
                }
                Map<String, List<WriteRequest>> current = batch;
                var unprocessed = dynamo.batchWriteItem(b -> b.requestItems(current)).unprocessedItems();
                batch = unprocessed == null || unprocessed.isEmpty() ? Map.of() : unprocessed;
            }
        }
    }

    @Override
    public boolean reserveMembers(String conversationId, int count, int max) {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                dynamo.updateItem(update -> update.tableName(table).key(metaKey(conversationId))
                        .updateExpression("SET #count = #count + :n")
                        .conditionExpression(ROOM_FOR_MORE)
                        .expressionAttributeNames(Map.of("#count", MEMBER_COUNT, "#item", Conversations.ITEM))
                        .expressionAttributeValues(Map.of(":n", n(count), ":limit", n(max - count)))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                return true;
            } catch (ConditionalCheckFailedException refused) {
                boolean counted = refused.hasItem() && refused.item().containsKey(MEMBER_COUNT);
                if (counted || !refused.hasItem() || refused.item().isEmpty() || attempt > 0) {
                    return false;
                }
                countMembers(conversationId); // a group from before the count was kept
            }
        }
        return false;
    }

    /** Starts the count of a group created before counts were kept, from its member items. */
    private void countMembers(String conversationId) {
        int current = memberships(conversationId).size();
        try {
            dynamo.updateItem(update -> update.tableName(table).key(metaKey(conversationId))
                    .updateExpression("SET #count = :current")
                    .conditionExpression("attribute_exists(#item) AND attribute_not_exists(#count)")
                    .expressionAttributeNames(Map.of("#count", MEMBER_COUNT, "#item", Conversations.ITEM))
                    .expressionAttributeValues(Map.of(":current", n(current))));
        } catch (ConditionalCheckFailedException countedMeanwhile) {
            // Another request started the count: use theirs.
        }
    }

    @Override
    public void releaseMembers(String conversationId, int count) {
        try {
            dynamo.updateItem(update -> update.tableName(table).key(metaKey(conversationId))
                    .updateExpression("SET #count = #count - :n")
                    .conditionExpression("attribute_exists(#count)")
                    .expressionAttributeNames(Map.of("#count", MEMBER_COUNT))
                    .expressionAttributeValues(Map.of(":n", n(count))));
        } catch (ConditionalCheckFailedException notCounted) {
            // A group from before counts were kept: its count starts at the next addition.
        }
    }

    @Override
    public List<String> addMembers(String conversationId, List<String> members, long joinedSeq, long now) {
        List<String> added = new ArrayList<>();
        for (String member : members) {
            try {
                dynamo.putItem(put -> put.tableName(table)
                        .item(memberItem(conversationId, member, ConversationKind.GROUP, joinedSeq, now))
                        .conditionExpression("attribute_not_exists(#item)")
                        .expressionAttributeNames(Map.of("#item", Conversations.ITEM)));
                added.add(member);
            } catch (ConditionalCheckFailedException alreadyMember) {
                // Adding a member twice changes nothing, and keeps their cursors.
            }
        }
        return added;
    }

    /**
     * A member who is no admin: removed with one conditional delete. An admin: in one transaction
     * with the admin count, which must stay at least 1 unless they are the group's only member.
     * Each path's condition refuses the other case (promoted or demoted meanwhile), and the
     * member item is then read again to take the right path.
     */
    @Override
    public Removal removeMember(String conversationId, String userId) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<Membership> membership = membership(conversationId, userId);
            if (membership.isEmpty()) {
                return Removal.NOT_MEMBER;
            }
            if (!membership.get().admin()) {
                try {
                    dynamo.deleteItem(delete -> delete.tableName(table).key(memberKey(conversationId, userId))
                            .conditionExpression(NO_ADMIN)
                            .expressionAttributeNames(Map.of("#item", Conversations.ITEM, "#admin", Conversations.ADMIN))
                            .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))));
                    return Removal.REMOVED;
                } catch (ConditionalCheckFailedException goneOrPromoted) {
                    continue;
                }
            }
            Set<Integer> failed = Transactions.write(dynamo, List.of(
                    TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(memberKey(conversationId, userId))
                            .conditionExpression(IS_ADMIN)
                            .expressionAttributeNames(Map.of("#admin", Conversations.ADMIN))
                            .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))).build()).build(),
                    TransactWriteItem.builder().update(Update.builder().tableName(table).key(metaKey(conversationId))
                            .updateExpression("SET #admins = #admins - :one")
                            .conditionExpression(ANOTHER_ADMIN_OR_ALONE)
                            .expressionAttributeNames(Map.of("#admins", Conversations.ADMIN_COUNT, "#count", MEMBER_COUNT))
                            .expressionAttributeValues(Map.of(":one", n(1))).build()).build()));
            if (failed.isEmpty()) {
                return Removal.REMOVED;
            }
            if (!failed.contains(0)) {
                return Removal.LAST_ADMIN;
            }
        }
        throw new IllegalStateException(userId + " in " + conversationId + " kept changing role during a removal");
    }

    @Override
    public boolean promote(String conversationId, String userId) {
        Set<Integer> failed = Transactions.write(dynamo, List.of(
                TransactWriteItem.builder().update(Update.builder().tableName(table).key(memberKey(conversationId, userId))
                        .updateExpression("SET #admin = :true")
                        .conditionExpression(NO_ADMIN)
                        .expressionAttributeNames(Map.of("#item", Conversations.ITEM, "#admin", Conversations.ADMIN))
                        .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))).build()).build(),
                TransactWriteItem.builder().update(Update.builder().tableName(table).key(metaKey(conversationId))
                        .updateExpression("SET #admins = if_not_exists(#admins, :zero) + :one")
                        .conditionExpression("attribute_exists(#item)")
                        .expressionAttributeNames(Map.of("#admins", Conversations.ADMIN_COUNT, "#item", Conversations.ITEM))
                        .expressionAttributeValues(Map.of(":one", n(1), ":zero", n(0))).build()).build()));
        if (failed.isEmpty()) {
            return true;
        }
        if (membership(conversationId, userId).isEmpty()) {
            throw new NotFoundException(userId + " is not a member of " + conversationId);
        }
        return false;
    }

    @Override
    public Demotion demote(String conversationId, String userId) {
        Set<Integer> failed = Transactions.write(dynamo, List.of(
                TransactWriteItem.builder().update(Update.builder().tableName(table).key(memberKey(conversationId, userId))
                        .updateExpression("REMOVE #admin")
                        .conditionExpression(IS_ADMIN)
                        .expressionAttributeNames(Map.of("#admin", Conversations.ADMIN))
                        .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))).build()).build(),
                TransactWriteItem.builder().update(Update.builder().tableName(table).key(metaKey(conversationId))
                        .updateExpression("SET #admins = #admins - :one")
                        .conditionExpression(ANOTHER_ADMIN)
                        .expressionAttributeNames(Map.of("#admins", Conversations.ADMIN_COUNT))
                        .expressionAttributeValues(Map.of(":one", n(1))).build()).build()));
        if (failed.isEmpty()) {
            return Demotion.DEMOTED;
        }
        return failed.contains(0) ? Demotion.NOT_ADMIN : Demotion.LAST_ADMIN;
    }

    @Override
    public boolean adoptCreator(String conversationId, String creator) {
        return Transactions.write(dynamo, List.of(
                TransactWriteItem.builder().update(Update.builder().tableName(table).key(metaKey(conversationId))
                        .updateExpression("SET #admins = :one")
                        .conditionExpression("attribute_not_exists(#admins) AND #createdBy = :creator")
                        .expressionAttributeNames(Map.of("#admins", Conversations.ADMIN_COUNT,
                                "#createdBy", Conversations.CREATED_BY))
                        .expressionAttributeValues(Map.of(":one", n(1), ":creator", s(creator))).build()).build(),
                TransactWriteItem.builder().update(Update.builder().tableName(table).key(memberKey(conversationId, creator))
                        .updateExpression("SET #admin = :true")
                        .conditionExpression("attribute_exists(#item)")
                        .expressionAttributeNames(Map.of("#admin", Conversations.ADMIN, "#item", Conversations.ITEM))
                        .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))).build()).build()))
                .isEmpty();
    }

    @Override
    public void rename(String conversationId, String name) {
        dynamo.updateItem(update -> update.tableName(table).key(metaKey(conversationId))
                .updateExpression("SET #name = :name")
                .conditionExpression("attribute_exists(#item)")
                .expressionAttributeNames(Map.of("#name", Conversations.NAME, "#item", Conversations.ITEM))
                .expressionAttributeValues(Map.of(":name", s(name))));
    }

    private static Map<String, AttributeValue> memberItem(String conversationId, String member, ConversationKind kind,
                                                          long joinedSeq, long now) {
        return Map.of(
                Conversations.CONVERSATION_ID, s(conversationId),
                Conversations.ITEM, s(Conversations.memberItem(member)),
                Conversations.MEMBER_ID, s(member),
                Conversations.KIND, s(kind.wire()),
                Conversations.JOINED_SEQ, n(joinedSeq),
                Conversations.READ_SEQ, n(joinedSeq),
                Conversations.CREATED_AT, n(now));
    }

    @Override
    public Optional<Membership> membership(String conversationId, String userId) {
        GetItemResponse response = dynamo.getItem(get -> get.tableName(table)
                .key(memberKey(conversationId, userId)).consistentRead(true));
        return response.hasItem() && !response.item().isEmpty()
                ? Optional.of(toMembership(response.item()))
                : Optional.empty();
    }

    @Override
    public List<Membership> conversationsOf(String userId) {
        return dynamo.queryPaginator(query -> query.tableName(table)
                        .indexName(Conversations.BY_MEMBER_INDEX)
                        .keyConditionExpression("#member = :member")
                        .expressionAttributeNames(Map.of("#member", Conversations.MEMBER_ID))
                        .expressionAttributeValues(Map.of(":member", s(userId))))
                .items().stream().map(DynamoConversationStore::toMembership).toList();
    }


    @Override
    public boolean advanceRead(String conversationId, String userId, long seq) {
        try {
            dynamo.updateItem(update -> update.tableName(table)
                    .key(memberKey(conversationId, userId))
                    .updateExpression("SET #read = :seq")
                    .conditionExpression("attribute_exists(#item) AND #read < :seq")
                    .expressionAttributeNames(Map.of("#read", Conversations.READ_SEQ, "#item", Conversations.ITEM))
                    .expressionAttributeValues(Map.of(":seq", n(seq))));
            return true;
        } catch (ConditionalCheckFailedException alreadyThere) {
            return false;
        }
    }

    @Override
    public void advanceAck(String conversationId, String userId, String deviceId, long seq) {
        try {
            dynamo.updateItem(update -> update.tableName(table)
                    .key(Map.of(Conversations.CONVERSATION_ID, s(conversationId),
                            Conversations.ITEM, s(DEVICE_ITEM_PREFIX + userId + "#" + deviceId)))
                    .updateExpression("SET #ack = :seq")
                    .conditionExpression("attribute_not_exists(#ack) OR #ack < :seq")
                    .expressionAttributeNames(Map.of("#ack", ACK_SEQ))
                    .expressionAttributeValues(Map.of(":seq", n(seq))));
        } catch (ConditionalCheckFailedException alreadyThere) {
            // Acks never move backwards; an older ack arriving late changes nothing.
        }
    }

    private static Membership toMembership(Map<String, AttributeValue> item) {
        return new Membership(Attr.string(item, Conversations.CONVERSATION_ID), Attr.string(item, Conversations.MEMBER_ID),
                Attr.string(item, Conversations.KIND), Attr.number(item, Conversations.READ_SEQ, 0),
                Attr.number(item, Conversations.JOINED_SEQ, 0),
                item.get(Conversations.ADMIN) != null && Boolean.TRUE.equals(item.get(Conversations.ADMIN).bool()));
    }

    private static Map<String, AttributeValue> memberKey(String conversationId, String userId) {
        return Map.of(Conversations.CONVERSATION_ID, s(conversationId), Conversations.ITEM, s(Conversations.memberItem(userId)));
    }

    @Override
    public boolean exists(String conversationId) {
        return dynamo.getItem(get -> get.tableName(table)
                .key(metaKey(conversationId))
                .projectionExpression("#item")
                .expressionAttributeNames(Map.of("#item", Conversations.ITEM))).hasItem();
    }

    @Override
    public List<String> members(String conversationId) {
        return memberships(conversationId).stream().map(Membership::userId).toList();
    }

    @Override
    public List<Membership> memberships(String conversationId) {
        return dynamo.queryPaginator(query -> query.tableName(table)
                        .keyConditionExpression("#conv = :conv AND begins_with(#item, :prefix)")
                        .expressionAttributeNames(Map.of("#conv", Conversations.CONVERSATION_ID,
                                "#item", Conversations.ITEM))
                        .expressionAttributeValues(Map.of(":conv", s(conversationId),
                                ":prefix", s(Conversations.MEMBER_ITEM_PREFIX)))
                        .consistentRead(true))
                .items().stream().map(DynamoConversationStore::toMembership).toList();
    }


    private static Map<String, AttributeValue> metaKey(String conversationId) {
        return Map.of(Conversations.CONVERSATION_ID, s(conversationId), Conversations.ITEM, s(Conversations.META_ITEM));
    }

    @Override
    public MemberPage memberPage(String conversationId, String afterUserId, int limit) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table)
                .keyConditionExpression("#conv = :conv AND begins_with(#item, :prefix)")
                .expressionAttributeNames(Map.of("#conv", Conversations.CONVERSATION_ID, "#item", Conversations.ITEM))
                .expressionAttributeValues(Map.of(":conv", s(conversationId), ":prefix", s(Conversations.MEMBER_ITEM_PREFIX)))
                .limit(limit + 1); // one more than asked: a last page says so without an empty page after it
        if (afterUserId != null) {
            query.exclusiveStartKey(memberKey(conversationId, afterUserId));
        }
        List<Membership> members = new ArrayList<>(dynamo.query(query.build()).items().stream()
                .map(DynamoConversationStore::toMembership).toList());
        if (members.size() <= limit) {
            return new MemberPage(List.copyOf(members), null);
        }
        List<Membership> page = List.copyOf(members.subList(0, limit));
        return new MemberPage(page, page.get(limit - 1).userId());
    }

    @Override
    public long memberCount(String conversationId) {
        GetItemResponse response = dynamo.getItem(get -> get.tableName(table).key(metaKey(conversationId))
                .projectionExpression("#count").expressionAttributeNames(Map.of("#count", MEMBER_COUNT))
                .consistentRead(true));
        return response.hasItem() && response.item().containsKey(MEMBER_COUNT)
                ? Attr.number(response.item(), MEMBER_COUNT, -1) : -1;
    }

    @Override
    public Set<String> adminOf(String userId, java.util.Collection<String> conversationIds) {
        Set<String> admins = new java.util.HashSet<>();
        List<String> distinct = conversationIds.stream().distinct().toList();
        for (int from = 0; from < distinct.size(); from += 100) {
            List<Map<String, AttributeValue>> keys = distinct.subList(from, Math.min(from + 100, distinct.size()))
                    .stream().map(conversationId -> memberKey(conversationId, userId)).toList();
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys)
                    .projectionExpression("#conv, #admin")
                    .expressionAttributeNames(Map.of("#conv", Conversations.CONVERSATION_ID, "#admin", Conversations.ADMIN))
                    .build());
            for (int attempt = 0; !request.isEmpty(); attempt++) {
                if (attempt == 10) {
                    throw new IllegalStateException("member items could not all be read");
                }
                Map<String, KeysAndAttributes> current = request;
                var response = dynamo.batchGetItem(batch -> batch.requestItems(current));
                response.responses().getOrDefault(table, List.of()).forEach(item -> {
                    AttributeValue admin = item.get(Conversations.ADMIN);
                    if (admin != null && Boolean.TRUE.equals(admin.bool())) {
                        admins.add(Attr.string(item, Conversations.CONVERSATION_ID));
                    }
                });
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return admins;
    }
}
