package dev.parley.functions.service;

import dev.parley.functions.ratelimit.RateLimiter;
import dev.parley.functions.store.ConversationStore;
import dev.parley.functions.store.IdempotencyStore;
import dev.parley.functions.store.MessageStore;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.TimelineEntry;
import dev.parley.model.errors.RateLimitedException;
import dev.parley.model.protocol.ClientCommand;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Accepts a message: membership, seq, idempotency, storage. The guarantees, and how:
 * <ul>
 *   <li>Ordered: the seq comes from the conversation's atomic counter before anything is stored.</li>
 *   <li>Idempotent: the first attempt of a (conversation, sender, clientMsgId) claims it with a
 *       conditional write; every later or concurrent attempt reads the claimed seq from the failed
 *       condition and answers with it, so one message is stored and every reply carries one seq.</li>
 *   <li>Gaps declared: a seq this call allocated but did not use (a duplicate, or a failure after
 *       allocation) is written as a gap marker, which only succeeds if the seq is still empty.</li>
 * </ul>
 * Write cost of a first send: three writes (counter, claim, message); see docs/data-model.md.
 */
public final class SendService {
    private static final int MAX_PLACEMENT_ATTEMPTS = 3;

    private final ConversationStore conversations;
    private final ConversationAccess access;
    private final MessageStore messages;
    private final IdempotencyStore idempotency;
    private final RateLimiter limiter;
    private final Clock clock;
    private final Duration idempotencyWindow;

    public SendService(ConversationStore conversations, MessageStore messages, IdempotencyStore idempotency,
                       RateLimiter limiter, Clock clock, Duration idempotencyWindow) {
        this.conversations = conversations;
        this.access = new ConversationAccess(conversations);
        this.messages = messages;
        this.idempotency = idempotency;
        this.limiter = limiter;
        this.clock = clock;
        this.idempotencyWindow = idempotencyWindow;
    }

    public SendReceipt send(Caller caller, ClientCommand.Send command) {
        String conversationId = command.to() != null
                ? ConversationId.direct(caller.userId(), command.to())
                : command.conversationId();
        access.check(conversationId, caller.userId());
        IdempotencyStore.Key key = new IdempotencyStore.Key(conversationId, caller.userId(), command.clientMsgId());

        // The rate limit comes before the seq: a refused send uses no seq and stores nothing.
        long retryAfterMs = limiter.acquire(caller.userId());
        if (retryAfterMs > 0) {
            // A retry of a send that is already stored is answered, whatever the budget.
            Optional<SendReceipt> stored = storedSend(command, conversationId, caller.userId(), key);
            if (stored.isPresent()) {
                return stored.get();
            }
            throw new RateLimitedException("over the send rate limit; resend the same clientMsgId after retryAfterMs",
                    retryAfterMs);
        }

        long now = clock.millis();
        ConversationStore.SeqAllocation allocation = conversations.allocateSeq(conversationId, now);
        long seq = allocation.seq();
        try {
            if (!allocation.membersRecorded() && ConversationId.isDirect(conversationId)) {
                conversations.recordDirectMembers(conversationId, ConversationId.directMembers(conversationId), now);
            }
            long expiresAt = now / 1000 + idempotencyWindow.toSeconds();
            Optional<IdempotencyStore.Record> earlier = idempotency.claim(key, seq, now, expiresAt);
            IdempotencyStore.Record record = earlier.orElse(new IdempotencyStore.Record(seq, now));
            if (earlier.isPresent()) {
                declareGap(conversationId, seq);
                limiter.refund(caller.userId()); // a retry costs no budget
            }
            IdempotencyStore.Record placed = place(caller, command, conversationId, key, record);
            return new SendReceipt(conversationId, command.clientMsgId(), placed.seq(), placed.sentAt());
        } catch (RuntimeException failure) {
            // If this call's message is already stored at seq the gap write is refused, harmlessly;
            // otherwise the seq is declared a gap and a client retry finds a fresh one.
            declareGapQuietly(conversationId, seq, failure);
            throw failure;
        }
    }

    /**
     * Stores the message at the claimed seq. Another attempt of the same send may have stored it
     * already (fine: same message). If the seq was declared a gap meanwhile, the claim moves to a
     * fresh seq; the claim's conditional move keeps concurrent attempts on one seq.
     */
    private IdempotencyStore.Record place(Caller caller, ClientCommand.Send command, String conversationId,
                                          IdempotencyStore.Key key, IdempotencyStore.Record record) {
        for (int attempt = 0; attempt < MAX_PLACEMENT_ATTEMPTS; attempt++) {
            Message message = new Message(conversationId, record.seq(), caller.userId(), command.clientMsgId(),
                    command.bodyJson(), record.sentAt());
            Optional<TimelineEntry> occupant = messages.putIfAbsent(message, caller.connectionId());
            if (occupant.isEmpty()) {
                return record;
            }
            if (occupant.get() instanceof Message stored && stored.senderId().equals(caller.userId())
                    && stored.clientMsgId().equals(command.clientMsgId())) {
                return new IdempotencyStore.Record(stored.seq(), stored.sentAt());
            }
            long fresh = conversations.allocateSeq(conversationId, clock.millis()).seq();
            IdempotencyStore.Record moved = idempotency.reassign(key, record.seq(), fresh, clock.millis());
            if (moved.seq() != fresh) {
                declareGap(conversationId, fresh);
            }
            record = moved;
        }
        throw new IllegalStateException("message " + key + " could not be placed after "
                + MAX_PLACEMENT_ATTEMPTS + " attempts");
    }

    private Optional<SendReceipt> storedSend(ClientCommand.Send command, String conversationId, String userId,
                                             IdempotencyStore.Key key) {
        Optional<IdempotencyStore.Record> record = idempotency.find(key);
        if (record.isPresent() && messages.get(conversationId, record.get().seq()).orElse(null) instanceof Message stored
                && stored.senderId().equals(userId) && stored.clientMsgId().equals(command.clientMsgId())) {
            return Optional.of(new SendReceipt(conversationId, command.clientMsgId(), stored.seq(), stored.sentAt()));
        }
        return Optional.empty();
    }

    private void declareGap(String conversationId, long seq) {
        messages.putIfAbsent(new Gap(conversationId, seq));
    }

    private void declareGapQuietly(String conversationId, long seq, RuntimeException cause) {
        try {
            declareGap(conversationId, seq);
        } catch (RuntimeException alsoFailed) {
            cause.addSuppressed(alsoFailed);
        }
    }
}
