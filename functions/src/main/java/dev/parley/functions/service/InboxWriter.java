package dev.parley.functions.service;

import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.service.FanoutService.Delivery;
import dev.parley.functions.store.ConversationStore;
import dev.parley.functions.store.ConversationStore.Membership;
import dev.parley.functions.store.ConversationStore.Meta;
import dev.parley.functions.store.InboxEntry;
import dev.parley.functions.store.InboxStore;
import dev.parley.functions.store.InboxStore.Applied;
import dev.parley.functions.store.InboxStore.Arrival;
import dev.parley.functions.store.MessageStore;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.ConversationKind;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.TimelineEntry;
import dev.parley.model.protocol.JsonTree;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The sync store's write diffusion, run by fan-out: every stored timeline entry is applied to the
 * inbox entry of every member it goes to (those who joined before its seq, the sender included:
 * their other devices learn the conversation moved). Fan-out rather than the send path, because
 * a send would then wait for one write per member (10,000 in a large group) while fan-out already
 * enumerates the members, runs them concurrently, and retries a batch whole: the store's
 * conditions make a replayed application a no-op.
 *
 * <p>One task per (member, conversation), applying that conversation's entries of the batch in
 * seq order (the store's fast path); tasks run concurrently on fan-out's pool, after fan-out made
 * the batch's pushes (docs/architecture.md, "Fan-out": deliver first).
 */
public final class InboxWriter {
    private final InboxStore inbox;
    private final MessageStore messages;
    private final ConversationStore conversations;
    private final ExecutorService executor;
    private final Clock clock;

    public InboxWriter(InboxStore inbox, MessageStore messages, ConversationStore conversations,
                       ExecutorService executor, Clock clock) {
        this.inbox = inbox;
        this.messages = messages;
        this.conversations = conversations;
        this.executor = executor;
        this.clock = clock;
    }

    /**
     * Applies the deliveries (in seq order per conversation) to the members' entries and returns
     * the ids of those that could not be applied for every member: fan-out reports them failed,
     * so the batch is retried.
     *
     * @param membersByConversation members and the seq each joined after, per conversation
     * @param skip deliveries not to apply (their lookups failed; they are retried anyway)
     */
    public Set<String> apply(List<Delivery> inSeqOrder, Map<String, Map<String, Long>> membersByConversation,
                             Set<String> skip) {
        Map<String, List<Delivery>> byConversation = new LinkedHashMap<>();
        for (Delivery delivery : inSeqOrder) {
            if (!skip.contains(delivery.id()) && membersByConversation.containsKey(delivery.entry().conversationId())) {
                byConversation.computeIfAbsent(delivery.entry().conversationId(), c -> new ArrayList<>()).add(delivery);
            }
        }
        Set<String> failed = ConcurrentHashMap.newKeySet();
        List<Future<?>> running = new ArrayList<>();
        byConversation.forEach((conversationId, deliveries) -> {
            String name = ConversationId.isDirect(conversationId) ? null
                    : conversations.meta(conversationId).map(Meta::name).orElse(null);
            membersByConversation.get(conversationId).forEach((member, joinedSeq) ->
                    running.add(executor.submit(() -> applyAll(member, joinedSeq, name, deliveries, failed, true))));
        });
        for (Future<?> task : running) {
            try {
                task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("inbox writes interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("inbox write task failed", e.getCause());
            }
        }
        return failed;
    }

    /**
     * The group's name a new entry starts with (one read per conversation; null for a direct
     * conversation or a group without one).
     */
    String name(String conversationId) {
        return ConversationId.isDirect(conversationId) ? null
                : conversations.meta(conversationId).map(Meta::name).orElse(null);
    }

    /**
     * Applies one member's entries of one conversation, in seq order, on the caller's thread;
     * the ids of those that could not be applied are added to {@code failed}.
     *
     * @param badge whether the member's badge counter moves: false for a member known to have no
     *              registered push device (InboxStore#apply)
     */
    void applyAll(String member, long joinedSeq, String name, List<Delivery> deliveries, Set<String> failed,
                  boolean badge) {
        for (Delivery delivery : deliveries) {
            TimelineEntry entry = delivery.entry();
            if (entry.seq() <= joinedSeq) {
                continue;
            }
            try {
                Arrival arrival = arrival(member, joinedSeq, name, entry);
                if (inbox.apply(arrival, clock.millis(), badge) == Applied.TOO_FAR_BEHIND) {
                    rebuild(arrival, badge);
                }
            } catch (RuntimeException applyFailed) {
                failed.add(delivery.id());
                Telemetry.event("inbox").field("userId", member).field("conversationId", entry.conversationId())
                        .field("seq", entry.seq()).field("outcome", "failed").field("error", applyFailed.toString())
                        .emit(Telemetry.Level.WARN);
            }
        }
    }

    static Arrival arrival(String member, long joinedSeq, String name, TimelineEntry entry) {
        if (entry instanceof Message message && !message.isEvent()) { // edits, deletions, reactions: not unread
            boolean fromOther = !message.senderId().equals(member);
            return new Arrival(member, message.conversationId(), message.seq(), true, fromOther,
                    fromOther && mentions(message.bodyJson()).contains(member), message.sentAt(), joinedSeq, name);
        }
        return new Arrival(member, entry.conversationId(), entry.seq(), false, false, false, 0, joinedSeq, name);
    }

    /** The user ids in {@code body.mentions} (protocol v2); empty when absent or malformed. */
    static Set<String> mentions(String bodyJson) {
        Set<String> mentioned = new HashSet<>();
        if (!bodyJson.contains("mentions")) {
            return mentioned;
        }
        try {
            if (JsonTree.parse(bodyJson) instanceof Map<?, ?> body && body.get("mentions") instanceof List<?> ids) {
                ids.forEach(id -> {
                    if (id instanceof String userId) {
                        mentioned.add(userId);
                    }
                });
            }
        } catch (IOException unreadable) {
            // stored bodies are valid JSON
        }
        return mentioned;
    }

    /**
     * An entry too far behind the arrival (it predates the store, or records were lost): rebuilt
     * once from the member's read cursor in the conversations table and the timeline, then the
     * arrival applied as usual. Seqs of the last {@link InboxStore#MAX_PENDING} that are not
     * stored yet (sends in flight) become pending; older ones are settled.
     */
    private void rebuild(Arrival arrival, boolean badge) {
        String conversationId = arrival.conversationId();
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<InboxEntry> current = inbox.entry(arrival.userId(), conversationId);
            long readSeq = current.map(InboxEntry::readSeq).orElseGet(() -> conversations
                    .membership(conversationId, arrival.userId()).map(Membership::readSeq).orElse(0L));
            long from = Math.max(readSeq, arrival.joinedSeq());
            long upTo = arrival.seq() - 1;
            long windowStart = Math.max(from, upTo - InboxStore.MAX_PENDING);
            long unread = messages.countFromOthers(conversationId, from, windowStart, arrival.userId());
            long mentions = 0;
            Set<Long> pending = new TreeSet<>();
            for (long seq = windowStart + 1; seq <= upTo; seq++) {
                pending.add(seq);
            }
            for (TimelineEntry stored : messages.range(conversationId, windowStart + 1, upTo,
                    (int) Math.max(0, upTo - windowStart), true)) {
                pending.remove(stored.seq());
                Arrival counted = arrival(arrival.userId(), arrival.joinedSeq(), null, stored);
                unread += counted.fromOther() ? 1 : 0;
                mentions += counted.mentionsMe() ? 1 : 0;
            }
            long now = clock.millis();
            InboxEntry rebuilt = new InboxEntry(arrival.userId(), conversationId, ConversationKind.of(conversationId).wire(),
                    arrival.name(), arrival.joinedSeq(), upTo, from, unread, mentions,
                    current.map(InboxEntry::lastActivity).orElse(0L), now, now,
                    current.map(InboxEntry::muted).orElse(false), current.map(InboxEntry::peerReadSeq).orElse(0L),
                    false, 0, pending);
            OptionalLong expected = current.map(entry -> OptionalLong.of(entry.version())).orElse(OptionalLong.empty());
            if (inbox.replace(rebuilt, expected)) {
                if (inbox.apply(arrival, now, badge) != Applied.TOO_FAR_BEHIND) {
                    return;
                }
            }
        }
        throw new IllegalStateException("inbox entry of " + arrival.userId() + " in " + conversationId + " could not be rebuilt");
    }
}
