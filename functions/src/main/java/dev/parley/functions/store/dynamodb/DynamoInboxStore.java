package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.functions.store.ActivityCursor;
import dev.parley.functions.store.InboxEntry;
import dev.parley.functions.store.InboxStore;
import dev.parley.functions.store.SyncCursor;
import dev.parley.model.domain.ConversationKind;
import dev.parley.model.tables.Tables.Inbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@link InboxStore} on the inbox table (key: userId, item). The conditions below carry the
 * exactness of {@code unread}; {@code DynamoInboxStoreTest} pins each with the bug it prevents.
 *
 * <p>Two ways to apply a timeline entry: the fast path (no read) when the entry is exactly one
 * seq behind, the usual case; otherwise a read of the entry (handed back by the failed fast
 * path's {@code ALL_OLD}) and a write conditioned on the version read.
 */
public final class DynamoInboxStore implements InboxStore {

    /** Fast path, a message from someone else: the next seq, above the read position. */
    static final String NEXT_UNREAD = "#last = :prev AND #read < :seq";
    /** Fast path, anything else (own message, gap): the next seq. */
    static final String NEXT = "#last = :prev";
    /** A jump over seqs not seen yet (they become pending), for a message that counts. */
    static final String JUMP_UNREAD = "#last = :old AND #read < :seq";
    /** A jump for a message from someone else that the user has read already. */
    static final String JUMP_READ = "#last = :old AND #read >= :seq";
    /** A jump for an own message or a gap. */
    static final String JUMP = "#last = :old";
    /** A late arrival (pending), for a message that counts. */
    static final String LATE_UNREAD = "contains(#pending, :seq) AND #read < :seq";
    /** A late arrival of a message from someone else that the user has read already. */
    static final String LATE_READ = "contains(#pending, :seq) AND #read >= :seq";
    /** A late arrival of an own message or a gap. */
    static final String LATE = "contains(#pending, :seq)";
    /** Reads that computed unread from the entry as read: nobody changed it since. */
    static final String UNCHANGED = "#ver = :ver";
    /** The first write of an entry. */
    static final String NEW_ENTRY = "attribute_not_exists(#item)";
    /** A read up to (or past) every applied seq: nothing after it is counted, no count needed. */
    static final String READ_TO_END = "#last <= :seq AND #read < :seq";
    static final String PEER_READ_FORWARD = "attribute_exists(#item) AND (attribute_not_exists(#peer) OR #peer < :seq)";
    static final String ACK_FORWARD = "attribute_not_exists(#ack) OR #ack < :seq";
    static final String MUTE_CHANGES = "attribute_exists(#item) AND (attribute_not_exists(#muted) OR #muted <> :muted)";
    static final String STILL_MEMBER = "attribute_exists(#item)";

    /**
     * Conflicting writers retry at most this often, after a short random pause growing with the
     * attempt, before the caller's own retry takes over (fan-out's batch retry; the client's).
     */
    private static final int MAX_ATTEMPTS = 40;

    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("#item", Inbox.ITEM), Map.entry("#user", Inbox.USER_ID),
            Map.entry("#conv", Inbox.CONVERSATION_ID), Map.entry("#kind", Inbox.KIND), Map.entry("#name", Inbox.NAME),
            Map.entry("#joined", Inbox.JOINED_SEQ), Map.entry("#last", Inbox.LAST_SEQ), Map.entry("#read", Inbox.READ_SEQ),
            Map.entry("#unread", Inbox.UNREAD), Map.entry("#mentions", Inbox.UNREAD_MENTIONS),
            Map.entry("#pending", Inbox.PENDING), Map.entry("#ver", Inbox.VERSION),
            Map.entry("#activity", Inbox.LAST_ACTIVITY), Map.entry("#active", Inbox.ACTIVE_AT),
            Map.entry("#hour", Inbox.ACTIVE_HOUR),
            Map.entry("#changed", Inbox.CHANGED_AT), Map.entry("#muted", Inbox.MUTED),
            Map.entry("#peer", Inbox.PEER_READ_SEQ), Map.entry("#left", Inbox.LEFT),
            Map.entry("#device", Inbox.DEVICE_ID), Map.entry("#ack", Inbox.ACK_SEQ),
            Map.entry("#expires", Inbox.EXPIRES_AT));

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoInboxStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    // ---- applying timeline entries (fan-out) ----

    @Override
    public Applied apply(Arrival arrival, long now, boolean badge) {
        if (arrival.seq() <= arrival.joinedSeq()) {
            return Applied.BEFORE_JOINING;
        }
        boolean counts = arrival.message() && arrival.fromOther();
        Write fast = new Write(entryKey(arrival.userId(), arrival.conversationId()))
                .set("#last", n(arrival.seq())).set("#changed", n(now)).add("#ver", n(1))
                .value(":prev", n(arrival.seq() - 1));
        if (arrival.message()) {
            fast.set("#activity", n(arrival.sentAt())).set("#active", n(now)).set("#hour", n(Inbox.activeHour(now)));
        }
        if (arrival.name() != null) {
            // An entry a read made before fan-out's first write for the member has no name yet.
            fast.setIfAbsent("#name", s(arrival.name()));
        }
        if (counts) {
            fast.add("#unread", n(1)).value(":seq", n(arrival.seq()));
            if (arrival.mentionsMe()) {
                fast.add("#mentions", n(1));
            }
        }
        Map<String, AttributeValue> old;
        try {
            dynamo.updateItem(fast.request(table, counts ? NEXT_UNREAD : NEXT));
            if (badge) {
                adjustBadge(arrival.userId(), counts ? 1 : 0, now);
            }
            return Applied.APPLIED;
        } catch (ConditionalCheckFailedException notNext) {
            old = oldImage(notNext);
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            InboxEntry entry = old == null ? null : toEntry(old);
            long applied = entry == null ? arrival.joinedSeq() : entry.lastSeq();
            if (arrival.seq() - applied - 1 > MAX_PENDING) {
                return Applied.TOO_FAR_BEHIND;
            }
            Conditional slow = applySlowly(arrival, entry, now);
            if (slow == null) {
                return Applied.ALREADY_APPLIED;
            }
            try {
                dynamo.updateItem(slow.write().request(table, slow.condition()));
                if (badge) {
                    adjustBadge(arrival.userId(), slow.unreadDelta(), now);
                }
                return Applied.APPLIED;
            } catch (ConditionalCheckFailedException changedMeanwhile) {
                old = oldImage(changedMeanwhile);
                pause(attempt);
            }
        }
        throw new IllegalStateException("inbox entry of " + arrival.userId() + " in " + arrival.conversationId()
                + " kept changing; the fan-out retry applies seq " + arrival.seq());
    }

    private record Conditional(Write write, String condition, long unreadDelta) {}

    /**
     * The write for an arrival that is not simply the next seq, decided from the entry as read
     * (null: no entry yet) and conditioned on exactly what the decision rested on, so that
     * unrelated concurrent changes (another late arrival, an ack) do not make it retry. Null when
     * the arrival was applied already.
     */
    private static Conditional applySlowly(Arrival arrival, InboxEntry entry, long now) {
        long seq = arrival.seq();
        boolean fromOther = arrival.message() && arrival.fromOther();
        Write write = new Write(entryKey(arrival.userId(), arrival.conversationId())).add("#ver", n(1))
                .value(":seq", n(seq));
        if (entry == null) {
            boolean counts = fromOther; // seq > joinedSeq, the new entry's read position
            write.set("#conv", s(arrival.conversationId()))
                    .set("#kind", s(ConversationKind.of(arrival.conversationId()).wire()))
                    .set("#joined", n(arrival.joinedSeq())).set("#read", n(arrival.joinedSeq()))
                    .set("#last", n(seq)).set("#changed", n(now)).set("#active", n(now))
                    .set("#unread", n(counts ? 1 : 0)).set("#mentions", n(counts && arrival.mentionsMe() ? 1 : 0));
            write.set("#hour", n(Inbox.activeHour(now)));
            if (arrival.message()) {
                write.set("#activity", n(arrival.sentAt()));
            }
            if (arrival.name() != null) {
                write.set("#name", s(arrival.name()));
            }
            if (seq - arrival.joinedSeq() > 1) {
                write.add("#pending", numberSet(LongStream.range(arrival.joinedSeq() + 1, seq).boxed().toList()));
            }
            return new Conditional(write, NEW_ENTRY, counts ? 1 : 0);
        }
        boolean counts = fromOther && seq > entry.readSeq();
        if (entry.name() == null && arrival.name() != null) {
            write.setIfAbsent("#name", s(arrival.name())); // an entry a read made before fan-out's first write
        }
        if (counts) {
            write.add("#unread", n(1));
            if (arrival.mentionsMe()) {
                write.add("#mentions", n(1));
            }
        }
        if (seq > entry.lastSeq()) {
            write.set("#last", n(seq)).set("#changed", n(now)).value(":old", n(entry.lastSeq()));
            if (arrival.message()) {
                write.set("#activity", n(arrival.sentAt())).set("#active", n(now)).set("#hour", n(Inbox.activeHour(now)));
            }
            if (seq - entry.lastSeq() > 1) {
                write.add("#pending", numberSet(LongStream.range(entry.lastSeq() + 1, seq).boxed().toList()));
            }
            return new Conditional(write, !fromOther ? JUMP : counts ? JUMP_UNREAD : JUMP_READ, counts ? 1 : 0);
        }
        if (entry.pending().contains(seq)) {
            write.delete("#pending", numberSet(List.of(seq)));
            if (counts) {
                write.set("#changed", n(now));
            }
            return new Conditional(write, !fromOther ? LATE : counts ? LATE_UNREAD : LATE_READ, counts ? 1 : 0);
        }
        return null;
    }

    // ---- the user's own positions ----

    @Override
    public ReadOutcome markRead(String userId, String conversationId, long seq, long joinedSeq, UnreadTally tally, long now) {
        if (seq <= joinedSeq) {
            return ReadOutcome.ALREADY_THERE;
        }
        Write toEnd = new Write(entryKey(userId, conversationId))
                .set("#read", n(seq)).set("#unread", n(0)).set("#mentions", n(0)).set("#changed", n(now))
                .add("#ver", n(1)).remove("#pending").value(":seq", n(seq));
        Map<String, AttributeValue> old;
        try {
            var before = dynamo.updateItem(toEnd.request(table, READ_TO_END).toBuilder()
                    .returnValues(ReturnValue.UPDATED_OLD).build()).attributes();
            adjustBadge(userId, -Attr.number(before, Inbox.UNREAD, 0), now);
            return ReadOutcome.MOVED;
        } catch (ConditionalCheckFailedException notToTheEnd) {
            old = oldImage(notToTheEnd);
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Write write = new Write(entryKey(userId, conversationId)).add("#ver", n(1))
                    .set("#read", n(seq)).set("#changed", n(now));
            String condition;
            long delta = 0;
            if (old == null) {
                // Nothing applied yet (fan-out behind): entries up to seq will arrive already read.
                write.set("#conv", s(conversationId)).set("#kind", s(ConversationKind.of(conversationId).wire()))
                        .set("#joined", n(joinedSeq)).set("#last", n(joinedSeq)).set("#unread", n(0))
                        .set("#mentions", n(0)).set("#active", n(now)).set("#hour", n(Inbox.activeHour(now)));
                condition = NEW_ENTRY;
            } else {
                InboxEntry entry = toEntry(old);
                if (seq <= entry.readSeq()) {
                    return ReadOutcome.ALREADY_THERE;
                }
                long unread = 0;
                long mentions = 0;
                if (seq < entry.lastSeq()) {
                    Counts counts = tally.count(conversationId, seq, entry.lastSeq(), userId, entry.pending());
                    unread = counts.unread();
                    mentions = counts.mentions();
                }
                // Pending seqs at or below the read position will never count: forget them (a late
                // arrival of one then finds it neither pending nor above lastSeq: already applied).
                List<Long> forget = entry.pending().stream().filter(pendingSeq -> pendingSeq <= seq).toList();
                if (!forget.isEmpty()) {
                    write.delete("#pending", numberSet(forget));
                }
                write.set("#unread", n(unread)).set("#mentions", n(mentions)).value(":ver", n(entry.version()));
                condition = UNCHANGED;
                delta = unread - entry.unread();
            }
            try {
                dynamo.updateItem(write.request(table, condition));
                adjustBadge(userId, delta, now);
                return ReadOutcome.MOVED;
            } catch (ConditionalCheckFailedException changedMeanwhile) {
                old = oldImage(changedMeanwhile);
                pause(attempt);
            }
        }
        throw new IllegalStateException("inbox entry of " + userId + " in " + conversationId + " kept changing during a read");
    }

    @Override
    public boolean advancePeerRead(String userId, String conversationId, long seq, long now) {
        return conditionally(new Write(entryKey(userId, conversationId)).set("#peer", n(seq)).set("#changed", n(now))
                .add("#ver", n(1)).value(":seq", n(seq)), PEER_READ_FORWARD);
    }

    @Override
    public boolean setMuted(String userId, String conversationId, boolean muted, long now) {
        return conditionally(new Write(entryKey(userId, conversationId)).set("#muted", AttributeValue.fromBool(muted))
                .set("#changed", n(now)).add("#ver", n(1)).value(":muted", AttributeValue.fromBool(muted)), MUTE_CHANGES);
    }

    /** A rename reaches the entries of members; one that is gone (left) or already so is left alone. */
    static final String RENAMES = "attribute_exists(#item) AND attribute_not_exists(#left) AND "
            + "(attribute_not_exists(#name) OR #name <> :name)";

    @Override
    public boolean rename(String userId, String conversationId, String name, long now) {
        return conditionally(new Write(entryKey(userId, conversationId)).set("#name", s(name))
                .set("#changed", n(now)).add("#ver", n(1)).value(":name", s(name)), RENAMES);
    }

    @Override
    public boolean muted(String userId, String conversationId) {
        GetItemResponse response = dynamo.getItem(get -> get.tableName(table).key(entryKey(userId, conversationId))
                .projectionExpression("#muted").expressionAttributeNames(Map.of("#muted", Inbox.MUTED)));
        return response.hasItem() && bool(response.item(), Inbox.MUTED);
    }

    @Override
    public void markLeft(String userId, String conversationId, long now, Duration keepFor) {
        Write left = new Write(entryKey(userId, conversationId)).set("#left", AttributeValue.fromBool(true))
                .set("#unread", n(0)).set("#mentions", n(0)).set("#changed", n(now))
                .set("#expires", n((now + keepFor.toMillis()) / 1000)).add("#ver", n(1)).remove("#hour");
        try {
            var before = dynamo.updateItem(left.request(table, STILL_MEMBER).toBuilder()
                    .returnValues(ReturnValue.UPDATED_OLD).build()).attributes();
            adjustBadge(userId, -Attr.number(before, Inbox.UNREAD, 0), now);
        } catch (ConditionalCheckFailedException noEntry) {
            // never listed: nothing for devices to drop
        }
    }

    @Override
    public boolean replace(InboxEntry entry, OptionalLong expectedVersion) {
        Map<String, AttributeValue> item = toItem(entry, expectedVersion.orElse(0) + 1);
        Map<String, AttributeValue> values = new HashMap<>();
        expectedVersion.ifPresent(version -> values.put(":ver", n(version)));
        String condition = expectedVersion.isPresent() ? UNCHANGED : NEW_ENTRY;
        try {
            var before = dynamo.putItem(put -> put.tableName(table).item(item).conditionExpression(condition)
                    .expressionAttributeNames(Write.used(NAMES, condition))
                    .expressionAttributeValues(values.isEmpty() ? null : values)
                    .returnValues(ReturnValue.ALL_OLD)).attributes();
            adjustBadge(entry.userId(), entry.unread() - Attr.number(before == null ? Map.of() : before, Inbox.UNREAD, 0),
                    entry.changedAt());
            return true;
        } catch (ConditionalCheckFailedException changedMeanwhile) {
            return false;
        }
    }

    // ---- reads ----

    @Override
    public Optional<InboxEntry> entry(String userId, String conversationId) {
        GetItemResponse response = dynamo.getItem(get -> get.tableName(table)
                .key(entryKey(userId, conversationId)).consistentRead(true));
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(toEntry(response.item())) : Optional.empty();
    }

    @Override
    public List<InboxEntry> entries(String userId, List<String> conversationIds) {
        return entries(userId, conversationIds, true);
    }

    private List<InboxEntry> entries(String userId, List<String> conversationIds, boolean consistent) {
        List<InboxEntry> found = new ArrayList<>();
        List<String> distinct = conversationIds.stream().distinct().toList();
        for (int from = 0; from < distinct.size(); from += 100) {
            List<Map<String, AttributeValue>> keys = distinct.subList(from, Math.min(from + 100, distinct.size()))
                    .stream().map(conversationId -> entryKey(userId, conversationId)).toList();
            Map<String, KeysAndAttributes> request = Map.of(table,
                    KeysAndAttributes.builder().keys(keys).consistentRead(consistent).build());
            for (int attempt = 0; !request.isEmpty(); attempt++) {
                if (attempt == 10) {
                    throw new IllegalStateException("inbox entries could not all be read");
                }
                Map<String, KeysAndAttributes> current = request;
                var response = dynamo.batchGetItem(batch -> batch.requestItems(current));
                response.responses().getOrDefault(table, List.of()).forEach(item -> found.add(toEntry(item)));
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return found;
    }

    @Override
    public Map<String, Long> readSeqs(String conversationId, java.util.Collection<String> userIds) {
        Map<String, Long> found = new java.util.TreeMap<>();
        List<String> distinct = userIds.stream().distinct().toList();
        for (int from = 0; from < distinct.size(); from += 100) {
            List<Map<String, AttributeValue>> keys = distinct.subList(from, Math.min(from + 100, distinct.size()))
                    .stream().map(userId -> entryKey(userId, conversationId)).toList();
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys)
                    .projectionExpression("#user, #read")
                    .expressionAttributeNames(Map.of("#user", Inbox.USER_ID, "#read", Inbox.READ_SEQ)).build());
            for (int attempt = 0; !request.isEmpty(); attempt++) {
                if (attempt == 10) {
                    throw new IllegalStateException("read positions could not all be read");
                }
                Map<String, KeysAndAttributes> current = request;
                var response = dynamo.batchGetItem(batch -> batch.requestItems(current));
                response.responses().getOrDefault(table, List.of()).forEach(item ->
                        found.put(Attr.string(item, Inbox.USER_ID), Attr.number(item, Inbox.READ_SEQ, 0)));
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return found;
    }

    @Override
    public ChangePage changes(String userId, SyncCursor cursor, int limit, long now) {
        long passFloor = cursor.resuming() ? cursor.passFloor() : now - CHANGE_HORIZON.toMillis();
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(Inbox.BY_CHANGE_INDEX)
                .keyConditionExpression("#user = :user AND #changed > :since")
                .expressionAttributeNames(Map.of("#user", Inbox.USER_ID, "#changed", Inbox.CHANGED_AT))
                .expressionAttributeValues(Map.of(":user", s(userId), ":since", n(cursor.since())))
                .scanIndexForward(true)
                .limit(limit);
        if (cursor.resuming()) {
            Map<String, AttributeValue> start = new HashMap<>(entryKey(userId, cursor.resumeConversationId()));
            start.put(Inbox.CHANGED_AT, n(cursor.resumeChangedAt()));
            query.exclusiveStartKey(start);
        }
        QueryResponse response = dynamo.query(query.build());
        List<InboxEntry> entries = response.items().stream().map(DynamoInboxStore::toEntry).toList();
        if (response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()) {
            Map<String, AttributeValue> last = response.lastEvaluatedKey();
            String conversationId = last.get(Inbox.ITEM).s().substring(Inbox.ENTRY_PREFIX.length());
            return new ChangePage(entries, new SyncCursor(cursor.since(), passFloor,
                    Attr.number(last, Inbox.CHANGED_AT, 0), conversationId), true);
        }
        // Every change stamped at or before passFloor was visible when the pass began; later ones
        // may still have been in flight, so the next pass starts from there.
        return new ChangePage(entries, SyncCursor.resting(Math.max(cursor.since(), passFloor)), false);
    }

    @Override
    public long totalUnread(String userId) {
        return dynamo.queryPaginator(query -> query.tableName(table)
                        .keyConditionExpression("#user = :user AND begins_with(#item, :prefix)")
                        .projectionExpression("#unread")
                        .expressionAttributeNames(Map.of("#user", Inbox.USER_ID, "#item", Inbox.ITEM, "#unread", Inbox.UNREAD))
                        .expressionAttributeValues(Map.of(":user", s(userId), ":prefix", s(Inbox.ENTRY_PREFIX))))
                .items().stream().mapToLong(item -> Attr.number(item, Inbox.UNREAD, 0)).sum();
    }

    /**
     * The badge counter: moved by every write that changes an entry's {@code unread}, right after
     * it. Best effort: a failure here leaves the entry (the truth) right and the counter off until
     * {@link #badge} recomputes it (a missing or negative counter, or one not checked for
     * {@link #BADGE_RECHECK}).
     */
    private void adjustBadge(String userId, long delta, long now) {
        if (delta == 0) {
            return;
        }
        try {
            // A counter this ADD creates starts exact (every write that changes an entry's unread
            // moves it), so it is stamped as checked and not recounted at the user's first badge.
            dynamo.updateItem(update -> update.tableName(table).key(badgeKey(userId))
                    .updateExpression("ADD #unread :delta SET #checked = if_not_exists(#checked, :now)")
                    .expressionAttributeNames(Map.of("#unread", Inbox.UNREAD, "#checked", BADGE_CHECKED_AT))
                    .expressionAttributeValues(Map.of(":delta", n(delta), ":now", n(now))));
        } catch (RuntimeException failed) {
            dev.parley.functions.observability.Telemetry.event("inbox-badge").field("userId", userId)
                    .field("outcome", "failed").field("error", failed.toString())
                    .emit(dev.parley.functions.observability.Telemetry.Level.WARN);
        }
    }

    /** How long a badge counter is trusted before it is recomputed from the entries. */
    static final Duration BADGE_RECHECK = Duration.ofDays(1);

    @Override
    public long badge(String userId, long now) {
        long total = 0;
        for (int attempt = 0; attempt < 3; attempt++) {
            Map<String, AttributeValue> item = dynamo.getItem(get -> get.tableName(table).key(badgeKey(userId))).item();
            item = item == null ? Map.of() : item;
            boolean present = item.containsKey(Inbox.UNREAD);
            long checkedAt = Attr.number(item, BADGE_CHECKED_AT, 0);
            long counted = present ? Attr.number(item, Inbox.UNREAD, -1) : -1;
            boolean registered = item.containsKey(BADGE_REGISTERED_AT);
            long registeredAt = Attr.number(item, BADGE_REGISTERED_AT, 0);
            if (counted >= 0 && checkedAt > now - BADGE_RECHECK.toMillis()) {
                return counted;
            }
            Recount recount = recount(userId);
            total = recount.total();
            long computed = total;
            if (recount.lastChangedAt() > now - BADGE_SETTLE.toMillis()) {
                // An entry changed moments ago: its writer's ADD may still be in flight, and a SET
                // now would count that change twice (the total has it, the ADD adds it again).
                // Answer the total without storing it; a quieter moment stores it.
                return computed;
            }
            if (registeredAt > now - DEVICE_SETTLE.toMillis()) {
                // A fan-out that read the user's devices before the registration skips the ADD and
                // may still write an entry after this recount: stored, the counter would miss it.
                return computed;
            }
            // Conditional on the counter read above: a writer's ADD between that read and this SET
            // would otherwise be overwritten by a total counted before its entry write (lost); a
            // registration in between restarts the settle window.
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":total", n(computed), ":now", n(now)));
            if (present) {
                values.put(":counted", n(counted));
            }
            if (registered) {
                values.put(":registered", n(registeredAt));
            }
            try {
                dynamo.updateItem(update -> update.tableName(table).key(badgeKey(userId))
                        .updateExpression("SET #unread = :total, #checked = :now")
                        .conditionExpression((present ? "#unread = :counted" : "attribute_not_exists(#unread)")
                                + (registered ? " AND #registered = :registered" : " AND attribute_not_exists(#registered)"))
                        .expressionAttributeNames(Map.of("#unread", Inbox.UNREAD, "#checked", BADGE_CHECKED_AT,
                                "#registered", BADGE_REGISTERED_AT))
                        .expressionAttributeValues(values));
                return computed;
            } catch (ConditionalCheckFailedException movedMeanwhile) {
                // recount with the counter as it is now
            }
        }
        return total;
    }

    @Override
    public void deviceRegistered(String userId, long now) {
        // checkedAt 0: not trusted, and kept so by the if_not_exists of later ADDs.
        dynamo.updateItem(update -> update.tableName(table).key(badgeKey(userId))
                .updateExpression("SET #checked = :never, #registered = :now")
                .expressionAttributeNames(Map.of("#checked", BADGE_CHECKED_AT, "#registered", BADGE_REGISTERED_AT))
                .expressionAttributeValues(Map.of(":never", n(0), ":now", n(now))));
    }

    /**
     * How long after a device registration a fan-out that read the user's live item before it
     * (and so did not move the badge counter) may still write entries: the fan-out functions'
     * timeout (60 s, {@code Catalogue.FANOUT} and {@code FANOUT_CHUNKS}); a retry reads the live
     * item again.
     */
    static final Duration DEVICE_SETTLE = Duration.ofSeconds(60);

    /**
     * How long after an entry's last change its writer's badge {@code ADD} may still be in flight
     * (the entry write and the ADD are two calls of one fan-out or read, SDK retries included).
     */
    static final Duration BADGE_SETTLE = Duration.ofSeconds(10);

    private record Recount(long total, long lastChangedAt) {}

    /** The sum of the entries' unread, and the latest change among them. */
    private Recount recount(String userId) {
        long total = 0;
        long lastChangedAt = 0;
        for (Map<String, AttributeValue> item : dynamo.queryPaginator(query -> query.tableName(table)
                        .keyConditionExpression("#user = :user AND begins_with(#item, :prefix)")
                        .projectionExpression("#unread, #changed")
                        .expressionAttributeNames(Map.of("#user", Inbox.USER_ID, "#item", Inbox.ITEM,
                                "#unread", Inbox.UNREAD, "#changed", Inbox.CHANGED_AT))
                        .expressionAttributeValues(Map.of(":user", s(userId), ":prefix", s(Inbox.ENTRY_PREFIX))))
                .items()) {
            total += Attr.number(item, Inbox.UNREAD, 0);
            lastChangedAt = Math.max(lastChangedAt, Attr.number(item, Inbox.CHANGED_AT, 0));
        }
        return new Recount(total, lastChangedAt);
    }

    private static final String BADGE_ITEM = "#badge";
    private static final String BADGE_CHECKED_AT = "checkedAt";
    /** When a push device was last registered (epoch ms): a recount is not stored for {@link #DEVICE_SETTLE} after. */
    private static final String BADGE_REGISTERED_AT = "registeredAt";

    private static Map<String, AttributeValue> badgeKey(String userId) {
        return Map.of(Inbox.USER_ID, s(userId), Inbox.ITEM, s(BADGE_ITEM));
    }

    /** Keys per Query of {@code byActiveHour}: about 100 bytes each, so a call reads about 1.5 RRU at most. */
    private static final int KEYS_PER_QUERY = 100;

    /** Entries an unlisted user's first page backfills at most (the next first page goes on). */
    static final int BACKFILL_PER_PAGE = 500;

    /** The list order: latest activity first, then by conversation id. */
    private static final java.util.Comparator<InboxEntry> NEWEST_FIRST = java.util.Comparator
            .comparingLong(InboxEntry::activeAt).reversed().thenComparing(InboxEntry::conversationId);

    /**
     * The index holds keys and the hour of the last activity only, so a message within the same
     * hour does not write it. A page reads the keys hour by hour, newest first, and each whole
     * hour's entries by key (eventually consistent), sorting them by {@code activeAt}; it stops at
     * the hour where it has more than {@code limit}. The cursor's hour is read again by the next
     * page (its entries before the cursor are dropped).
     */
    @Override
    public ActivityPage byActivity(String userId, ActivityCursor after, int limit) {
        HourlyKeys keys = new HourlyKeys(userId, after == null ? null : Inbox.activeHour(after.activeAt()));
        if (after == null && !keys.listed()) {
            backfillActiveHours(userId); // when not done, this page lists what has its hour so far
            keys = new HourlyKeys(userId, null);
        }
        List<InboxEntry> found = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        while (found.size() <= limit) {
            List<String> hour = keys.nextHour();
            if (hour.isEmpty()) {
                break;
            }
            List<InboxEntry> entries = new ArrayList<>();
            for (InboxEntry entry : entries(userId, hour, false)) {
                if (!entry.left() && (after == null || isAfter(entry, after))
                        && seen.add(entry.conversationId())) {
                    entries.add(entry);
                }
            }
            entries.sort(NEWEST_FIRST);
            found.addAll(entries);
        }
        if (found.size() <= limit) {
            return new ActivityPage(found, null);
        }
        List<InboxEntry> page = List.copyOf(found.subList(0, limit));
        InboxEntry last = page.get(limit - 1);
        return new ActivityPage(page, new ActivityCursor(last.activeAt(), last.conversationId()));
    }

    /** Whether the entry comes after the cursor in {@link #NEWEST_FIRST} order. */
    private static boolean isAfter(InboxEntry entry, ActivityCursor cursor) {
        return entry.activeAt() < cursor.activeAt() || entry.activeAt() == cursor.activeAt()
                && entry.conversationId().compareTo(cursor.conversationId()) > 0;
    }

    /**
     * The user's conversation ids in {@code byActiveHour}, one whole hour at a time, newest first,
     * from {@code fromHour} (null: from the newest, the list marker included).
     */
    private final class HourlyKeys {
        private final String userId;
        private final Long fromHour;
        private final java.util.ArrayDeque<Map<String, AttributeValue>> buffered = new java.util.ArrayDeque<>();
        private Map<String, AttributeValue> startKey;
        private boolean exhausted;
        private boolean listed;

        HourlyKeys(String userId, Long fromHour) {
            this.userId = userId;
            this.fromHour = fromHour;
            fetch();
            Map<String, AttributeValue> first = buffered.peekFirst();
            if (first != null && Inbox.LISTED_ITEM.equals(Attr.string(first, Inbox.ITEM))) {
                listed = true;
                buffered.removeFirst();
            }
        }

        /** Whether the user's list marker is there (every entry has its hour). */
        boolean listed() {
            return listed;
        }

        /** The conversation ids of the next hour (empty: none left). */
        List<String> nextHour() {
            List<String> conversationIds = new ArrayList<>();
            Map<String, AttributeValue> first = peek();
            if (first == null) {
                return conversationIds;
            }
            long hour = Attr.number(first, Inbox.ACTIVE_HOUR, 0);
            for (var key = first; key != null && Attr.number(key, Inbox.ACTIVE_HOUR, 0) == hour; key = peek()) {
                buffered.removeFirst();
                String item = Attr.string(key, Inbox.ITEM);
                if (item.startsWith(Inbox.ENTRY_PREFIX)) {
                    conversationIds.add(item.substring(Inbox.ENTRY_PREFIX.length()));
                }
            }
            return conversationIds;
        }

        /** The next key, fetching pages as needed; null when the index has no more. */
        private Map<String, AttributeValue> peek() {
            while (buffered.isEmpty() && !exhausted) {
                fetch();
            }
            return buffered.peekFirst();
        }

        private void fetch() {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(Inbox.BY_ACTIVE_HOUR_INDEX)
                    .scanIndexForward(false).limit(KEYS_PER_QUERY);
            if (fromHour == null) {
                query.keyConditionExpression("#user = :user")
                        .expressionAttributeNames(Map.of("#user", Inbox.USER_ID))
                        .expressionAttributeValues(Map.of(":user", s(userId)));
            } else {
                query.keyConditionExpression("#user = :user AND #hour <= :hour")
                        .expressionAttributeNames(Map.of("#user", Inbox.USER_ID, "#hour", Inbox.ACTIVE_HOUR))
                        .expressionAttributeValues(Map.of(":user", s(userId), ":hour", n(fromHour)));
            }
            if (startKey != null) {
                query.exclusiveStartKey(startKey);
            }
            QueryResponse response = dynamo.query(query.build());
            buffered.addAll(response.items());
            startKey = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
            exhausted = startKey == null;
        }
    }

    /**
     * Entries written before {@code activeHour} existed are not in {@code byActiveHour} until a
     * message moves them. The first page of a user without the list marker gives every entry of
     * the user that lacks it its hour (one Query of the user's entries, one conditional update
     * each, at most {@link #BACKFILL_PER_PAGE}), then writes the marker. True when done.
     */
    boolean backfillActiveHours(String userId) {
        int written = 0;
        for (Map<String, AttributeValue> item : dynamo.queryPaginator(query -> query.tableName(table)
                        .keyConditionExpression("#user = :user AND begins_with(#item, :prefix)")
                        .filterExpression("attribute_not_exists(#hour) AND attribute_not_exists(#left)")
                        .projectionExpression("#item, #active")
                        .expressionAttributeNames(Map.of("#user", Inbox.USER_ID, "#item", Inbox.ITEM,
                                "#hour", Inbox.ACTIVE_HOUR, "#left", Inbox.LEFT, "#active", Inbox.ACTIVE_AT))
                        .expressionAttributeValues(Map.of(":user", s(userId), ":prefix", s(Inbox.ENTRY_PREFIX))))
                .items()) {
            if (written++ == BACKFILL_PER_PAGE) {
                return false;
            }
            long hour = Inbox.activeHour(Attr.number(item, Inbox.ACTIVE_AT, 0));
            try {
                // Only an entry still without an hour: a message meanwhile set the newer one.
                dynamo.updateItem(update -> update.tableName(table)
                        .key(Map.of(Inbox.USER_ID, s(userId), Inbox.ITEM, item.get(Inbox.ITEM)))
                        .updateExpression("SET #hour = :hour")
                        .conditionExpression("attribute_exists(#item) AND attribute_not_exists(#hour) AND attribute_not_exists(#left)")
                        .expressionAttributeNames(Map.of("#item", Inbox.ITEM, "#hour", Inbox.ACTIVE_HOUR, "#left", Inbox.LEFT))
                        .expressionAttributeValues(Map.of(":hour", n(hour))));
            } catch (ConditionalCheckFailedException movedOrLeft) {
                // it has its hour, or it is no longer listed
            }
        }
        dynamo.putItem(put -> put.tableName(table).item(Map.of(Inbox.USER_ID, s(userId),
                Inbox.ITEM, s(Inbox.LISTED_ITEM), Inbox.ACTIVE_HOUR, n(Inbox.LISTED_HOUR))));
        return true;
    }

    // ---- devices ----

    @Override
    public void advanceAck(String userId, String deviceId, String conversationId, long seq, long now, Duration keepFor) {
        conditionally(new Write(Map.of(Inbox.USER_ID, s(userId), Inbox.ITEM, s(Inbox.ackItem(deviceId, conversationId))))
                .set("#ack", n(seq)).set("#device", s(deviceId)).set("#conv", s(conversationId))
                .set("#expires", n((now + keepFor.toMillis()) / 1000)).value(":seq", n(seq)), ACK_FORWARD);
    }

    @Override
    public OptionalLong ack(String userId, String deviceId, String conversationId) {
        GetItemResponse response = dynamo.getItem(get -> get.tableName(table).consistentRead(true)
                .key(Map.of(Inbox.USER_ID, s(userId), Inbox.ITEM, s(Inbox.ackItem(deviceId, conversationId)))));
        return response.hasItem() && response.item().containsKey(Inbox.ACK_SEQ)
                ? OptionalLong.of(Attr.number(response.item(), Inbox.ACK_SEQ, 0))
                : OptionalLong.empty();
    }

    @Override
    public int removeDevice(String userId, String deviceId) {
        List<WriteRequest> deletes = dynamo.queryPaginator(query -> query.tableName(table)
                        .keyConditionExpression("#user = :user AND begins_with(#item, :prefix)")
                        .projectionExpression("#user, #item")
                        .expressionAttributeNames(Map.of("#user", Inbox.USER_ID, "#item", Inbox.ITEM))
                        .expressionAttributeValues(Map.of(":user", s(userId), ":prefix", s(Inbox.ackPrefix(deviceId))))
                        .consistentRead(true))
                .items().stream()
                .map(key -> WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build())
                .toList();
        for (int from = 0; from < deletes.size(); from += 25) {
            Map<String, List<WriteRequest>> batch = Map.of(table, deletes.subList(from, Math.min(from + 25, deletes.size())));
            for (int attempt = 0; !batch.isEmpty(); attempt++) {
                if (attempt == 10) {
                    throw new IllegalStateException("ack positions of device " + deviceId + " could not all be removed");
                }
                Map<String, List<WriteRequest>> current = batch;
                var unprocessed = dynamo.batchWriteItem(write -> write.requestItems(current)).unprocessedItems();
                batch = unprocessed == null || unprocessed.isEmpty() ? Map.of() : unprocessed;
            }
        }
        return deletes.size();
    }

    // ---- items ----

    private boolean conditionally(Write write, String condition) {
        try {
            dynamo.updateItem(write.request(table, condition));
            return true;
        } catch (ConditionalCheckFailedException refused) {
            return false;
        }
    }

    /** Spreads writers that keep colliding on one entry: up to 1, 2, 4 ... 32 ms, at random. */
    private static void pause(int attempt) {
        if (attempt < 2) {
            return;
        }
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << Math.min(attempt - 1, 5)) + 1);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while applying to the inbox", interrupted);
        }
    }

    private static Map<String, AttributeValue> oldImage(ConditionalCheckFailedException failed) {
        return failed.hasItem() && !failed.item().isEmpty() ? failed.item() : null;
    }

    private static Map<String, AttributeValue> entryKey(String userId, String conversationId) {
        return Map.of(Inbox.USER_ID, s(userId), Inbox.ITEM, s(Inbox.entryItem(conversationId)));
    }

    private static AttributeValue numberSet(List<Long> seqs) {
        return AttributeValue.fromNs(seqs.stream().map(String::valueOf).toList());
    }

    static InboxEntry toEntry(Map<String, AttributeValue> item) {
        String conversationId = Attr.string(item, Inbox.CONVERSATION_ID);
        if (conversationId == null) {
            conversationId = Attr.string(item, Inbox.ITEM).substring(Inbox.ENTRY_PREFIX.length());
        }
        String kind = Attr.string(item, Inbox.KIND);
        AttributeValue pending = item.get(Inbox.PENDING);
        Set<Long> pendingSeqs = new TreeSet<>();
        if (pending != null && pending.hasNs()) {
            pending.ns().forEach(seq -> pendingSeqs.add(Long.parseLong(seq)));
        }
        return new InboxEntry(Attr.string(item, Inbox.USER_ID), conversationId,
                kind == null ? ConversationKind.of(conversationId).wire() : kind, Attr.string(item, Inbox.NAME),
                Attr.number(item, Inbox.JOINED_SEQ, 0), Attr.number(item, Inbox.LAST_SEQ, 0),
                Attr.number(item, Inbox.READ_SEQ, 0), Attr.number(item, Inbox.UNREAD, 0),
                Attr.number(item, Inbox.UNREAD_MENTIONS, 0), Attr.number(item, Inbox.LAST_ACTIVITY, 0),
                Attr.number(item, Inbox.ACTIVE_AT, 0), Attr.number(item, Inbox.CHANGED_AT, 0),
                bool(item, Inbox.MUTED), Attr.number(item, Inbox.PEER_READ_SEQ, 0), bool(item, Inbox.LEFT),
                Attr.number(item, Inbox.VERSION, 0), pendingSeqs);
    }

    private static Map<String, AttributeValue> toItem(InboxEntry entry, long version) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(entryKey(entry.userId(), entry.conversationId()));
        item.put(Inbox.CONVERSATION_ID, s(entry.conversationId()));
        item.put(Inbox.KIND, s(entry.kind()));
        if (entry.name() != null) {
            item.put(Inbox.NAME, s(entry.name()));
        }
        item.put(Inbox.JOINED_SEQ, n(entry.joinedSeq()));
        item.put(Inbox.LAST_SEQ, n(entry.lastSeq()));
        item.put(Inbox.READ_SEQ, n(entry.readSeq()));
        item.put(Inbox.UNREAD, n(entry.unread()));
        item.put(Inbox.UNREAD_MENTIONS, n(entry.unreadMentions()));
        if (!entry.pending().isEmpty()) {
            item.put(Inbox.PENDING, numberSet(new ArrayList<>(entry.pending())));
        }
        item.put(Inbox.VERSION, n(version));
        item.put(Inbox.LAST_ACTIVITY, n(entry.lastActivity()));
        item.put(Inbox.ACTIVE_AT, n(entry.activeAt()));
        if (!entry.left()) {
            item.put(Inbox.ACTIVE_HOUR, n(Inbox.activeHour(entry.activeAt())));
        }
        item.put(Inbox.CHANGED_AT, n(entry.changedAt()));
        if (entry.muted()) {
            item.put(Inbox.MUTED, AttributeValue.fromBool(true));
        }
        if (entry.peerReadSeq() > 0) {
            item.put(Inbox.PEER_READ_SEQ, n(entry.peerReadSeq()));
        }
        if (entry.left()) {
            item.put(Inbox.LEFT, AttributeValue.fromBool(true));
        }
        return item;
    }

    private static boolean bool(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value != null && Boolean.TRUE.equals(value.bool());
    }

    /**
     * One UpdateItem: SET, ADD, DELETE and REMOVE clauses over the placeholders of {@link #NAMES},
     * with only the names and values the expressions use (DynamoDB refuses unused ones).
     */
    static final class Write {
        private final Map<String, AttributeValue> key;
        private final List<String> sets = new ArrayList<>();
        private final List<String> adds = new ArrayList<>();
        private final List<String> deletes = new ArrayList<>();
        private final List<String> removes = new ArrayList<>();
        private final Map<String, AttributeValue> values = new HashMap<>();

        Write(Map<String, AttributeValue> key) {
            this.key = key;
        }

        Write set(String name, AttributeValue value) {
            sets.removeIf(clause -> clause.startsWith(name + " = "));
            sets.add(name + " = " + valueFor(name, value));
            return this;
        }

        /** Sets the attribute only where the entry has none (a value it holds already is kept). */
        Write setIfAbsent(String name, AttributeValue value) {
            sets.removeIf(clause -> clause.startsWith(name + " = "));
            sets.add(name + " = if_not_exists(" + name + ", " + valueFor(name, value) + ")");
            return this;
        }

        Write add(String name, AttributeValue value) {
            adds.add(name + " " + valueFor(name, value));
            return this;
        }

        Write delete(String name, AttributeValue value) {
            deletes.add(name + " " + valueFor(name, value));
            return this;
        }

        Write remove(String name) {
            removes.add(name);
            return this;
        }

        /** A value the condition refers to by its own placeholder. */
        Write value(String placeholder, AttributeValue value) {
            values.put(placeholder, value);
            return this;
        }

        private String valueFor(String name, AttributeValue value) {
            String placeholder = ":" + name.substring(1) + "_";
            values.put(placeholder, value);
            return placeholder;
        }

        String expression() {
            StringBuilder expression = new StringBuilder();
            clause(expression, "SET", sets, ", ");
            clause(expression, "ADD", adds, ", ");
            clause(expression, "DELETE", deletes, ", ");
            clause(expression, "REMOVE", removes, ", ");
            return expression.toString().trim();
        }

        UpdateItemRequest request(String table, String condition) {
            String expression = expression();
            return UpdateItemRequest.builder().tableName(table).key(key)
                    .updateExpression(expression)
                    .conditionExpression(condition)
                    .expressionAttributeNames(used(NAMES, expression, condition))
                    .expressionAttributeValues(used(values, expression, condition))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build();
        }

        private static void clause(StringBuilder expression, String keyword, List<String> parts, String separator) {
            if (!parts.isEmpty()) {
                expression.append(keyword).append(' ').append(String.join(separator, parts)).append(' ');
            }
        }

        static <V> Map<String, V> used(Map<String, V> placeholders, String... expressions) {
            Map<String, V> used = new HashMap<>();
            placeholders.forEach((placeholder, value) -> {
                for (String expression : expressions) {
                    if (expression != null && occurs(placeholder, expression)) {
                        used.put(placeholder, value);
                        return;
                    }
                }
            });
            return used.isEmpty() ? null : used;
        }

        /** Whether the placeholder occurs whole in the expression (not as the start of a longer one). */
        private static boolean occurs(String placeholder, String expression) {
            for (int at = expression.indexOf(placeholder); at >= 0; at = expression.indexOf(placeholder, at + 1)) {
                int after = at + placeholder.length();
                if (after == expression.length() || !isNamePart(expression.charAt(after))) {
                    return true;
                }
            }
            return false;
        }

        private static boolean isNamePart(char c) {
            return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        }
    }
}
