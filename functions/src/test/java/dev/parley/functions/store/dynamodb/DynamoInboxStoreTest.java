package dev.parley.functions.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.functions.store.ActivityCursor;
import dev.parley.functions.store.InboxEntry;
import dev.parley.functions.store.InboxStore;
import dev.parley.functions.store.InboxStore.Applied;
import dev.parley.functions.store.InboxStore.Arrival;
import dev.parley.functions.store.InboxStore.Counts;
import dev.parley.functions.store.InboxStore.ReadOutcome;
import dev.parley.functions.store.SyncCursor;
import dev.parley.functions.support.TestDynamo;
import dev.parley.model.config.Setting;
import dev.parley.model.tables.Tables.Inbox;
import dev.parley.model.errors.BadRequestException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The sync store on DynamoDB Local: unread stays exact whatever order and however often fan-out applies. */
class DynamoInboxStoreTest {
    private static final long T0 = 1_800_000_000_000L;

    private final InboxStore inbox = new DynamoInboxStore(TestDynamo.client(), TestDynamo.table(Setting.INBOX_TABLE));
    private final String user = "u-" + UUID.randomUUID();
    private final String other = "o-" + UUID.randomUUID();
    private final String group = "grp:" + UUID.randomUUID().toString().replace("-", "");
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    /** A message of the group at seq, from the other member unless {@code own}. */
    private Arrival message(long seq, boolean own) {
        return new Arrival(user, group, seq, true, !own, false, T0 + seq, 0, "team");
    }

    /** The test's timeline: seq divisible by 3 is the user's own message, the rest the other member's. */
    private static boolean own(long seq) {
        return seq % 3 == 0;
    }

    /** Counts what the timeline holds, as the service's tally over the message store does. */
    private final InboxStore.UnreadTally timeline = (conversationId, afterSeq, upToSeq, userId, excluding) ->
            new Counts(LongStreamCount.of(afterSeq, upToSeq, seq -> !own(seq) && !excluding.contains(seq)), 0);

    private InboxEntry entry() {
        return inbox.entry(user, group).orElseThrow();
    }

    @Test
    void messagesFromOthersCountOnceOwnMessagesAndGapsNever() {
        inbox.apply(message(1, false), T0);
        inbox.apply(message(2, true), T0);
        inbox.apply(Arrival.gap(user, group, 3, 0), T0);
        inbox.apply(new Arrival(user, group, 4, true, true, true, T0 + 4, 0, null), T0 + 10);

        InboxEntry entry = entry();
        assertThat(entry.lastSeq()).isEqualTo(4);
        assertThat(entry.unread()).isEqualTo(2);
        assertThat(entry.unreadMentions()).isEqualTo(1);
        assertThat(entry.lastActivity()).isEqualTo(T0 + 4);
        assertThat(entry.name()).isEqualTo("team");
        assertThat(entry.kind()).isEqualTo("group");
    }

    @Test
    void aReplayedBatchIsNotCountedAgain() {
        for (long seq = 1; seq <= 5; seq++) {
            assertThat(inbox.apply(message(seq, false), T0)).isEqualTo(Applied.APPLIED);
        }
        for (long seq = 1; seq <= 5; seq++) {
            assertThat(inbox.apply(message(seq, false), T0)).isEqualTo(Applied.ALREADY_APPLIED);
        }
        assertThat(entry().unread()).isEqualTo(5);
    }

    @Test
    void outOfOrderArrivalsAreRememberedUntilTheyComeAndCountedOnce() {
        inbox.apply(message(3, false), T0);
        assertThat(entry().pending()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(entry().unread()).isEqualTo(1);

        inbox.apply(message(1, false), T0);
        inbox.apply(message(2, false), T0);
        assertThat(inbox.apply(message(2, false), T0)).isEqualTo(Applied.ALREADY_APPLIED);

        InboxEntry entry = entry();
        assertThat(entry.pending()).isEmpty();
        assertThat(entry.unread()).isEqualTo(3);
        assertThat(entry.lastSeq()).isEqualTo(3);
    }

    @Test
    void concurrentDuplicatedShuffledArrivalsCountEachMessageFromOthersExactlyOnce() {
        List<Long> arrivals = new ArrayList<>();
        for (long seq = 1; seq <= 60; seq++) {
            arrivals.add(seq);
            arrivals.add(seq);
        }
        Collections.shuffle(arrivals, new Random(7));
        List<CompletableFuture<Applied>> applied = arrivals.stream()
                .map(seq -> CompletableFuture.supplyAsync(() -> inbox.apply(message(seq, own(seq)), T0), pool)).toList();
        applied.forEach(CompletableFuture::join);

        InboxEntry entry = entry();
        assertThat(entry.lastSeq()).isEqualTo(60);
        assertThat(entry.pending()).isEmpty();
        assertThat(entry.unread()).isEqualTo(40); // 60 minus the 20 own messages
        assertThat(applied.stream().filter(result -> result.join() == Applied.APPLIED)).hasSize(60);
    }

    @Test
    void aReadToTheEndClearsUnreadAndALateMessageBelowItNeverCounts() {
        inbox.apply(message(1, false), T0);
        inbox.apply(message(2, false), T0);
        inbox.apply(message(4, false), T0); // 3 is late

        assertThat(inbox.markRead(user, group, 4, 0, timeline, T0)).isEqualTo(ReadOutcome.MOVED);
        assertThat(entry().unread()).isZero();
        assertThat(inbox.apply(message(3, false), T0)).isEqualTo(Applied.ALREADY_APPLIED);
        inbox.apply(message(5, false), T0);

        InboxEntry entry = entry();
        assertThat(entry.unread()).isEqualTo(1);
        assertThat(entry.readSeq()).isEqualTo(4);
    }

    @Test
    void anEntryAReadMadeBeforeFanoutsFirstWriteGetsTheGroupsNameFromTheArrivals() {
        // Fan-out pushes before it writes the sync store: the member may read first.
        assertThat(inbox.markRead(user, group, 2, 0, timeline, T0)).isNotNull();
        assertThat(entry().name()).isNull();

        inbox.apply(message(1, false), T0);
        inbox.apply(message(2, false), T0);
        inbox.apply(message(3, false), T0);

        InboxEntry entry = entry();
        assertThat(entry.name()).isEqualTo("team");
        assertThat(entry.lastSeq()).isEqualTo(3);
        assertThat(entry.unread()).isEqualTo(1);

        assertThat(inbox.rename(user, group, "renamed", T0 + 1)).isTrue();
        inbox.apply(message(4, false), T0 + 2);
        assertThat(entry().name()).isEqualTo("renamed");
    }

    @Test
    void aPartialReadCountsOnlyWhatFollowsIt() {
        for (long seq = 1; seq <= 10; seq++) {
            inbox.apply(message(seq, own(seq)), T0);
        }
        inbox.apply(message(13, false), T0); // 11 and 12 pending: not counted yet, so not recounted by the read

        inbox.markRead(user, group, 4, 0, timeline, T0);

        // after 4: 5, 7, 8, 10, 13 from the other member (6 and 9 are own)
        assertThat(entry().unread()).isEqualTo(5);
        inbox.apply(message(11, false), T0);
        inbox.apply(message(12, true), T0);
        assertThat(entry().unread()).isEqualTo(6);
    }

    @Test
    void readsNeverMoveBackwards() {
        for (long seq = 1; seq <= 7; seq++) {
            inbox.apply(message(seq, own(seq)), T0);
        }
        inbox.markRead(user, group, 5, 0, timeline, T0); // then 6 (own) and 7 (the other's)
        assertThat(inbox.markRead(user, group, 3, 0, timeline, T0)).isEqualTo(ReadOutcome.ALREADY_THERE);
        assertThat(entry().readSeq()).isEqualTo(5);
        assertThat(entry().unread()).isEqualTo(1);
    }

    @Test
    void unreadIsExactUnderConcurrentArrivalsAndReads() {
        assertThat(inbox.badge(user, T0)).isZero(); // the badge counter starts (checked) at 0
        AtomicLong highestRead = new AtomicLong();
        List<CompletableFuture<?>> work = new ArrayList<>();
        for (long seq = 1; seq <= 60; seq++) {
            long s = seq;
            work.add(CompletableFuture.runAsync(() -> inbox.apply(message(s, own(s)), T0), pool));
            work.add(CompletableFuture.runAsync(() -> inbox.apply(message(s, own(s)), T0), pool)); // a retry
            if (seq % 6 == 0) {
                work.add(CompletableFuture.runAsync(() -> {
                    inbox.markRead(user, group, s - 5, 0, timeline, T0);
                    highestRead.accumulateAndGet(s - 5, Math::max);
                }, pool));
            }
        }
        work.forEach(CompletableFuture::join);

        InboxEntry entry = entry();
        assertThat(entry.readSeq()).isEqualTo(highestRead.get());
        long expected = LongStreamCount.of(entry.readSeq(), 60, seq -> !own(seq));
        assertThat(entry.unread()).isEqualTo(expected);
        // The badge counter moved with every change of unread: the same total, without reading the entries.
        assertThat(inbox.badge(user, T0)).isEqualTo(expected);
    }

    @Test
    void aSyncListsOnlyWhatChangedAndPagesWithAContinuation() {
        long old = T0 - Duration.ofMinutes(10).toMillis();
        List<String> groups = IntStream.range(0, 5).mapToObj(i -> group + "-" + i).toList();
        for (int i = 0; i < groups.size(); i++) {
            inbox.apply(new Arrival(user, groups.get(i), 1, true, true, false, old + i, 0, null), old + i);
        }

        List<String> seen = new ArrayList<>();
        SyncCursor cursor = SyncCursor.START;
        InboxStore.ChangePage page;
        int calls = 0;
        do {
            page = inbox.changes(user, SyncCursor.parse(cursor.token()), 2, T0);
            page.entries().forEach(entry -> seen.add(entry.conversationId()));
            cursor = page.next();
            calls++;
        } while (page.hasMore());
        assertThat(seen).containsExactlyElementsOf(groups);
        assertThat(calls).isEqualTo(3);
        assertThat(cursor.since()).isEqualTo(T0 - InboxStore.CHANGE_HORIZON.toMillis());

        // One conversation changes; the next sync lists it alone.
        inbox.apply(new Arrival(user, groups.get(3), 2, true, true, false, T0 + 1000, 0, null), T0 + 1000);
        InboxStore.ChangePage next = inbox.changes(user, cursor, 100, T0 + 2000);
        assertThat(next.entries()).extracting(InboxEntry::conversationId).containsExactly(groups.get(3));
        assertThat(next.entries().get(0).unread()).isEqualTo(2);
        assertThat(next.hasMore()).isFalse();
    }

    @Test
    void aChangeStampedBeforeASyncButWrittenAfterItReachesTheNextSync() {
        SyncCursor cursor = inbox.changes(user, SyncCursor.START, 100, T0).next();
        // Stamped 5 s before that sync, visible only now (a slow fan-out write, a lagging index).
        inbox.apply(message(1, false), T0 - 5_000);

        assertThat(inbox.changes(user, cursor, 100, T0 + 1_000).entries())
                .extracting(InboxEntry::conversationId).containsExactly(group);
    }

    @Test
    void theConversationListIsNewestActivityFirstPagedAndWithoutLeftConversations() {
        List<String> groups = IntStream.range(0, 5).mapToObj(i -> group + "-" + i).toList();
        for (int i = 0; i < groups.size(); i++) {
            inbox.apply(new Arrival(user, groups.get(i), 1, true, true, false, T0 + i, 0, null), T0 + i);
        }
        inbox.markLeft(user, groups.get(2), T0 + 10, Duration.ofDays(30));
        inbox.markRead(user, groups.get(0), 1, 0, timeline, T0 + 20); // a read does not reorder

        List<String> listed = new ArrayList<>();
        ActivityCursor after = null;
        do {
            InboxStore.ActivityPage page = inbox.byActivity(user, ActivityCursor.parse(after == null ? null : after.token()), 2);
            page.entries().forEach(entry -> listed.add(entry.conversationId()));
            after = page.next();
        } while (after != null);
        assertThat(listed).containsExactly(groups.get(4), groups.get(3), groups.get(1), groups.get(0));
        assertThat(inbox.entry(user, groups.get(2)).orElseThrow()).satisfies(entry -> {
            assertThat(entry.left()).isTrue();
            assertThat(entry.unread()).isZero();
        });
    }

    @Test
    void theListPagesExactlyAcrossHoursAndWithinOneHourWhateverThePageSize() {
        long hour = Duration.ofHours(1).toMillis();
        // 12 conversations over three hours, several at the same moment, one hour with 6 of them.
        long[] appliedAt = {T0, T0 + 5, T0 + 5, T0 + 9, T0 + hour + 1, T0 + hour + 2, T0 + hour + 2, T0 + hour + 3,
                T0 + hour + 4, T0 + hour + 5, T0 + 3 * hour, T0 + 3 * hour + 7};
        List<String> groups = IntStream.range(0, appliedAt.length).mapToObj(i -> group + "-" + (char) ('a' + i)).toList();
        for (int i = 0; i < groups.size(); i++) {
            inbox.apply(new Arrival(user, groups.get(i), 1, true, true, false, appliedAt[i], 0, null), appliedAt[i]);
        }
        List<String> expected = IntStream.range(0, groups.size()).boxed()
                .sorted(java.util.Comparator.<Integer>comparingLong(i -> -appliedAt[i]).thenComparing(groups::get))
                .map(groups::get).toList();

        for (int pageSize : List.of(1, 2, 3, 5, 6, 12, 50)) {
            List<String> listed = new ArrayList<>();
            ActivityCursor after = null;
            int pages = 0;
            do {
                InboxStore.ActivityPage page = inbox.byActivity(user, ActivityCursor.parse(after == null ? null : after.token()), pageSize);
                assertThat(page.entries()).hasSizeLessThanOrEqualTo(pageSize);
                page.entries().forEach(entry -> listed.add(entry.conversationId()));
                after = page.next();
                pages++;
            } while (after != null);
            assertThat(listed).as("pages of %d", pageSize).containsExactlyElementsOf(expected);
            assertThat(pages).as("pages of %d", pageSize).isEqualTo(Math.max(1, (groups.size() + pageSize - 1) / pageSize));
        }

        // A message an hour later lifts its conversation to the top; one within the hour keeps the order exact too.
        inbox.apply(new Arrival(user, groups.get(0), 2, true, true, false, T0 + 4 * hour, 0, null), T0 + 4 * hour);
        inbox.apply(new Arrival(user, groups.get(5), 2, true, true, false, T0 + hour + 6, 0, null), T0 + hour + 6);
        assertThat(inbox.byActivity(user, null, 4).entries()).extracting(InboxEntry::conversationId)
                .containsExactly(groups.get(0), groups.get(11), groups.get(10), groups.get(5));
    }

    @Test
    void anEntryWrittenBeforeTheActivityHourExistedIsListedFromTheUsersFirstPage() {
        inbox.apply(message(1, false), T0);
        // As an entry of the earlier layout: no activeHour, so not in the list's index.
        var dynamo = TestDynamo.client();
        String table = TestDynamo.table(Setting.INBOX_TABLE);
        String older = group + "-older";
        dynamo.putItem(put -> put.tableName(table).item(Map.of(Inbox.USER_ID, AttributeValue.fromS(user),
                Inbox.ITEM, AttributeValue.fromS(Inbox.entryItem(older)), Inbox.CONVERSATION_ID, AttributeValue.fromS(older),
                Inbox.KIND, AttributeValue.fromS("group"), Inbox.LAST_SEQ, AttributeValue.fromN("3"),
                Inbox.ACTIVE_AT, AttributeValue.fromN(Long.toString(T0 - 1_000)),
                Inbox.CHANGED_AT, AttributeValue.fromN(Long.toString(T0 - 1_000)))));

        assertThat(inbox.byActivity(user, null, 10).entries()).extracting(InboxEntry::conversationId)
                .containsExactly(group, older);
        assertThat(dynamo.getItem(get -> get.tableName(table).key(Map.of(Inbox.USER_ID, AttributeValue.fromS(user),
                Inbox.ITEM, AttributeValue.fromS(Inbox.LISTED_ITEM)))).item()).as("the user's marker").isNotEmpty();
        // Later pages read the index alone; the marker is never listed.
        InboxStore.ActivityPage first = inbox.byActivity(user, null, 1);
        assertThat(first.entries()).extracting(InboxEntry::conversationId).containsExactly(group);
        assertThat(inbox.byActivity(user, first.next(), 1).entries()).extracting(InboxEntry::conversationId)
                .containsExactly(older);
    }

    @Test
    void acksNeverMoveBackwardsAndLeaveWithTheirDevice() {
        inbox.advanceAck(user, "phone", group, 5, T0, Duration.ofDays(30));
        inbox.advanceAck(user, "phone", group, 3, T0, Duration.ofDays(30));
        inbox.advanceAck(user, "phone", group + "-b", 2, T0, Duration.ofDays(30));
        inbox.advanceAck(user, "laptop", group, 7, T0, Duration.ofDays(30));
        inbox.apply(message(1, false), T0);
        assertThat(inbox.ack(user, "phone", group)).hasValue(5);

        assertThat(inbox.removeDevice(user, "phone")).isEqualTo(2);

        assertThat(inbox.ack(user, "phone", group)).isEmpty();
        assertThat(inbox.ack(user, "phone", group + "-b")).isEmpty();
        assertThat(inbox.ack(user, "laptop", group)).hasValue(7);
        assertThat(inbox.entry(user, group)).isPresent();
    }

    @Test
    void peerReadAndMuteOnlyMoveWhenTheyChangeSomething() {
        String direct = "dm:" + other + ":" + user;
        inbox.apply(new Arrival(user, direct, 1, true, false, false, T0, 0, null), T0);
        assertThat(inbox.advancePeerRead(user, direct, 1, T0)).isTrue();
        assertThat(inbox.advancePeerRead(user, direct, 1, T0)).isFalse();
        assertThat(inbox.setMuted(user, direct, true, T0)).isTrue();
        assertThat(inbox.setMuted(user, direct, true, T0)).isFalse();
        assertThat(inbox.advancePeerRead(user, "dm:nobody:" + user, 1, T0)).isFalse();

        InboxEntry entry = inbox.entry(user, direct).orElseThrow();
        assertThat(entry.peerReadSeq()).isEqualTo(1);
        assertThat(entry.muted()).isTrue();
        assertThat(entry.kind()).isEqualTo("direct");
    }

    @Test
    void anEntryTooFarBehindIsRebuiltThenAppliedAsUsual() {
        assertThat(inbox.apply(message(1_000, false), T0)).isEqualTo(Applied.TOO_FAR_BEHIND);
        assertThat(inbox.entry(user, group)).isEmpty();

        InboxEntry rebuilt = new InboxEntry(user, group, "group", "team", 0, 999, 990, 6, 0, T0, T0, T0,
                false, 0, false, 0, Set.of());
        assertThat(inbox.replace(rebuilt, OptionalLong.empty())).isTrue();
        assertThat(inbox.replace(rebuilt, OptionalLong.empty())).isFalse();
        assertThat(inbox.apply(message(1_000, false), T0)).isEqualTo(Applied.APPLIED);
        assertThat(entry().unread()).isEqualTo(7);
        assertThat(inbox.entries(user, List.of(group, group + "-missing"))).hasSize(1);
    }

    @Test
    void cursorsAreOpaqueAndForeignOnesAreRefused() {
        SyncCursor resuming = new SyncCursor(5, 9, 7L, "dm:a:b");
        assertThat(SyncCursor.parse(resuming.token())).isEqualTo(resuming);
        assertThat(SyncCursor.parse("")).isEqualTo(SyncCursor.START);
        assertThatThrownBy(() -> SyncCursor.parse("not-a-cursor")).isInstanceOf(BadRequestException.class);
        assertThat(ActivityCursor.parse(new ActivityCursor(3, "grp:x").token())).isEqualTo(new ActivityCursor(3, "grp:x"));
        assertThatThrownBy(() -> ActivityCursor.parse("%%")).isInstanceOf(BadRequestException.class);
    }

    @Test
    void theConditionsThatKeepUnreadExact() {
        // Without "#last = :prev" a replayed fan-out batch (Lambda retries from the first failed
        // record) would count its messages twice; without "#read < :seq" a message the user had
        // already read (their device had it from sync before fan-out applied it) would count.
        assertThat(DynamoInboxStore.NEXT_UNREAD).isEqualTo("#last = :prev AND #read < :seq");
        assertThat(DynamoInboxStore.NEXT).isEqualTo("#last = :prev");
        // A slow path computes from the entry it read; without the version check a concurrent
        // arrival or read between the read and the write would be overwritten (lost or doubled).
        assertThat(DynamoInboxStore.UNCHANGED).isEqualTo("#ver = :ver");
        assertThat(DynamoInboxStore.NEW_ENTRY).isEqualTo("attribute_not_exists(#item)");
        // Zeroing unread is right only when nothing above the read position was counted; without
        // "#last <= :seq" a read racing a newer arrival would erase that arrival from unread.
        assertThat(DynamoInboxStore.READ_TO_END).isEqualTo("#last <= :seq AND #read < :seq");
        // Receipts and acks arrive out of order; an older one must not move a position back.
        assertThat(DynamoInboxStore.PEER_READ_FORWARD)
                .isEqualTo("attribute_exists(#item) AND (attribute_not_exists(#peer) OR #peer < :seq)");
        assertThat(DynamoInboxStore.ACK_FORWARD).isEqualTo("attribute_not_exists(#ack) OR #ack < :seq");
    }

    @Test
    void theBadgeCounterFollowsArrivalsReadsAndLeavingAndIsRecomputedWhenStale() {
        String other = group + "-2";
        assertThat(inbox.badge(user, T0)).isZero();
        for (long seq = 1; seq <= 4; seq++) {
            inbox.apply(message(seq, false), T0);
            inbox.apply(new Arrival(user, other, seq, true, true, false, T0, 0, null), T0);
        }
        assertThat(inbox.badge(user, T0)).isEqualTo(8);
        inbox.markRead(user, group, 4, 0, timeline, T0);
        assertThat(inbox.badge(user, T0)).isEqualTo(4);
        inbox.markRead(user, other, 2, 0, (c, a, u, userId, excluding) -> new Counts(2, 0), T0);
        assertThat(inbox.badge(user, T0)).isEqualTo(2);
        inbox.markLeft(user, other, T0, Duration.ofDays(30));
        assertThat(inbox.badge(user, T0)).isZero();
        inbox.apply(message(5, false), T0);
        // A day later the counter is checked against the entries (here: still right).
        assertThat(inbox.badge(user, T0 + Duration.ofDays(2).toMillis())).isEqualTo(1);
        assertThat(inbox.totalUnread(user)).isEqualTo(1);
    }

    @Test
    void aRecountNeverStoresATotalThatAnInFlightBadgeAddWouldCountAgain() {
        inbox.apply(message(1, false), T0);
        long later = T0 + Duration.ofDays(2).toMillis(); // the counter is due for its daily check
        // Message 2's fan-out has written bob's entry; its ADD on the counter has not landed yet.
        var dynamo = TestDynamo.client();
        String table = TestDynamo.table(Setting.INBOX_TABLE);
        dynamo.updateItem(update -> update.tableName(table)
                .key(Map.of(Inbox.USER_ID, AttributeValue.fromS(user), Inbox.ITEM, AttributeValue.fromS(Inbox.ENTRY_PREFIX + group)))
                .updateExpression("ADD #unread :one SET #changed = :later")
                .expressionAttributeNames(Map.of("#unread", Inbox.UNREAD, "#changed", Inbox.CHANGED_AT))
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":later", AttributeValue.fromN(Long.toString(later)))));
        assertThat(inbox.badge(user, later + 1_000)).isEqualTo(2);

        dynamo.updateItem(update -> update.tableName(table)
                .key(Map.of(Inbox.USER_ID, AttributeValue.fromS(user), Inbox.ITEM, AttributeValue.fromS("#badge")))
                .updateExpression("ADD #unread :one")
                .expressionAttributeNames(Map.of("#unread", Inbox.UNREAD))
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
        assertThat(inbox.badge(user, later + 2_000)).as("the ADD landed after the recount").isEqualTo(2);
        assertThat(inbox.badge(user, later + DynamoInboxStore.BADGE_SETTLE.toMillis() + 3_000)).isEqualTo(2);
    }

    @Test
    void aUserWithoutADeviceHasNoBadgeCounterMovedAndARegistrationRecountsIt() {
        for (long seq = 1; seq <= 3; seq++) {
            inbox.apply(message(seq, false), T0, false); // no push device: the counter does not move
        }
        var dynamo = TestDynamo.client();
        String table = TestDynamo.table(Setting.INBOX_TABLE);
        Map<String, AttributeValue> badgeKey = Map.of(Inbox.USER_ID, AttributeValue.fromS(user),
                Inbox.ITEM, AttributeValue.fromS("#badge"));
        assertThat(dynamo.getItem(get -> get.tableName(table).key(badgeKey)).item()).isEmpty();

        long registered = T0 + Duration.ofMinutes(5).toMillis();
        inbox.deviceRegistered(user, registered);
        inbox.apply(message(4, false), registered + 1_000, true); // a fan-out that knows the device
        // Within the settle window the recount is answered, not stored (a fan-out that read the
        // user's devices before the registration may still write an entry without its ADD) ...
        inbox.apply(message(5, false), registered + 2_000, false);
        long settled = registered + DynamoInboxStore.DEVICE_SETTLE.toMillis();
        assertThat(inbox.badge(user, settled - 1_000)).isEqualTo(5);
        // ... after it, stored and trusted, and moved by the ADDs that follow.
        assertThat(inbox.badge(user, settled + 1_000)).isEqualTo(5);
        assertThat(dynamo.getItem(get -> get.tableName(table).key(badgeKey)).item().get(Inbox.UNREAD).n()).isEqualTo("5");
        inbox.apply(message(6, false), settled + 2_000, true);
        assertThat(inbox.badge(user, settled + 3_000)).isEqualTo(6);
    }

    @Test
    void theRegistrationSettleWindowCoversEveryFanoutInvocation() {
        assertThat(DynamoInboxStore.DEVICE_SETTLE)
                .isGreaterThanOrEqualTo(dev.parley.model.routes.Catalogue.FANOUT.timeout())
                .isGreaterThanOrEqualTo(dev.parley.model.routes.Catalogue.FANOUT_CHUNKS.timeout());
    }

    /** Counts the seqs in (after, upTo] matching a predicate. */
    private static final class LongStreamCount {
        static long of(long after, long upTo, java.util.function.LongPredicate matches) {
            return java.util.stream.LongStream.rangeClosed(after + 1, upTo).filter(matches).count();
        }
    }
}
