package dev.parley.functions.service;

import dev.parley.functions.push.PushFrames;
import dev.parley.functions.store.BlockStore;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.errors.RateLimitedException;
import dev.parley.model.protocol.ClientCommand;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Protocol v2's {@code typing}: relayed to the other members' live connections, never stored and
 * without a seq. The hot path writes nothing to DynamoDB:
 * <ul>
 *   <li>Membership and the member list are cached in the container for {@link #MEMBERSHIP_TTL}:
 *       the staleness bound. A member removed within that time may still signal typing, and one
 *       added within it may miss signals; both only for typing, which carries no content.
 *       A direct conversation's members are its id: nothing to cache.</li>
 *   <li>The budget is per (user, conversation) in the container: a burst of {@link #BURST}, then
 *       one signal per {@link #INTERVAL}. On AWS each warm container keeps its own, so a user
 *       whose signals land on n containers gets at most n times that; cheap enough for a signal
 *       that writes nothing.</li>
 *   <li>Groups of more than {@link #MAX_RELAY_MEMBERS} members get no typing relay (accepted,
 *       not relayed), as large chat products do: a keystroke must not cost 10,000 posts.</li>
 *   <li>In a direct conversation whose other member blocked the sender, signals are accepted and
 *       relayed to nobody (the sender is not told of the block). Whether the peer blocked the
 *       sender is cached as membership is, for {@link #MEMBERSHIP_TTL}.</li>
 * </ul>
 */
public final class TypingService {
    public static final Duration MEMBERSHIP_TTL = Duration.ofSeconds(10);
    public static final Duration INTERVAL = Duration.ofSeconds(1);
    public static final int BURST = 5;
    public static final int MAX_RELAY_MEMBERS = 200;
    private static final int MAX_CACHED = 10_000;

    private final ConversationAccess access;
    private final Broadcaster broadcaster;
    private final Clock clock;
    private final Map<String, Cached> members = lru();
    private final Map<String, Long> budgets = lru();
    /** (direct conversation, sender) → whether the peer blocked the sender, until when. */
    private final Map<String, Cached> blocked = lru();
    private final BlockStore blocks;

    private record Cached(List<String> members, long until) {}

    public TypingService(ConversationAccess access, Broadcaster broadcaster, Clock clock, BlockStore blocks) {
        this.access = access;
        this.broadcaster = broadcaster;
        this.clock = clock;
        this.blocks = blocks;
    }

    /** Relays the signal; returns how many other members were reached. */
    public int typing(Caller caller, ClientCommand.Typing command) {
        String conversationId = command.conversationId();
        List<String> everyone = members(conversationId, caller.userId());
        spend(caller.userId() + '|' + conversationId);
        if (everyone.size() > MAX_RELAY_MEMBERS) {
            return 0;
        }
        List<String> others = new ArrayList<>(everyone);
        others.remove(caller.userId());
        if (ConversationId.isDirect(conversationId) && !others.isEmpty()
                && blockedBy(others.get(0), caller.userId(), conversationId)) {
            return 0;
        }
        return broadcaster.broadcast(others, PushFrames.typing(conversationId, caller.userId(), command.start()), null);
    }

    /** The members, the caller among them, or NOT_MEMBER / NOT_FOUND. */
    private List<String> members(String conversationId, String userId) {
        if (ConversationId.isDirect(conversationId)) {
            access.check(conversationId, userId); // the id says who is in: no read
            return ConversationId.directMembers(conversationId);
        }
        long now = clock.millis();
        Cached cached;
        synchronized (members) {
            cached = members.get(conversationId);
        }
        if (cached == null || cached.until() <= now || !cached.members().contains(userId)) {
            // a miss, an expired entry, or a caller not listed (maybe just added): read again
            access.check(conversationId, userId);
            cached = new Cached(List.copyOf(access.members(conversationId).keySet()), now + MEMBERSHIP_TTL.toMillis());
            synchronized (members) {
                members.put(conversationId, cached);
            }
        }
        return cached.members();
    }

    /** Whether {@code peer} blocked {@code sender}: one read per {@link #MEMBERSHIP_TTL} per pair and container. */
    private boolean blockedBy(String peer, String sender, String conversationId) {
        long now = clock.millis();
        String key = conversationId + '|' + sender;
        Cached cached;
        synchronized (blocked) {
            cached = blocked.get(key);
        }
        if (cached == null || cached.until() <= now) {
            cached = new Cached(blocks.blocks(peer, sender) ? List.of(peer) : List.of(), now + MEMBERSHIP_TTL.toMillis());
            synchronized (blocked) {
                blocked.put(key, cached);
            }
        }
        return !cached.members().isEmpty();
    }

    /** GCRA in the container: the theoretical arrival time per key. */
    private void spend(String key) {
        long now = clock.millis();
        long interval = INTERVAL.toMillis();
        synchronized (budgets) {
            long tat = Math.max(budgets.getOrDefault(key, now), now);
            long allowedAt = tat - (BURST - 1) * interval;
            if (allowedAt > now) {
                throw new RateLimitedException("typing signals are limited to one per second after a burst of " + BURST,
                        allowedAt - now);
            }
            budgets.put(key, tat + interval);
        }
    }

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > MAX_CACHED;
            }
        };
    }
}
