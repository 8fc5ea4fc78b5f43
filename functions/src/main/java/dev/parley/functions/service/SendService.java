package dev.parley.functions.service;

import dev.parley.functions.attachments.AttachmentCheck;
import dev.parley.functions.ratelimit.RateLimiter;
import dev.parley.functions.store.ConversationStore;
import dev.parley.functions.store.IdempotencyStore;
import dev.parley.functions.store.MessageStore;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.TimelineEntry;
import dev.parley.model.errors.ConflictException;
import dev.parley.model.errors.RateLimitedException;
import dev.parley.model.protocol.ClientCommand;
import java.time.Clock;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Accepts a message: membership, budget, idempotency, seq, storage. The guarantees, and how:
 * <ul>
 *   <li>Ordered: the seq comes from the conversation's atomic counter before anything is stored.</li>
 *   <li>Idempotent: a resend of a stored (conversation, sender, clientMsgId) is found by a
 *       strongly consistent read of its idempotency record before the counter, and answered with
 *       the stored seq: it draws no seq and writes nothing. Two first attempts racing each other
 *       both miss the record; the conditional claim then lets one win, and the loser answers with
 *       the winner's seq and declares its own seq a gap (the only case where a retry writes a gap).</li>
 *   <li>Consistent: the record keeps a hash of the content (as Powertools' payload validation
 *       does); a clientMsgId reused with another body or recipient answers {@code CONFLICT} and
 *       stores nothing.</li>
 *   <li>Budgeted: every attempt, resends included, spends a token of the sender's send budget.</li>
 *   <li>Gaps declared: a seq this call allocated but did not use (a lost race, or a failure after
 *       allocation) is written as a gap marker, which only succeeds if the seq is still empty.</li>
 * </ul>
 * Cost of a first send: one strongly consistent read (the record) and three writes (counter,
 * claim, message), plus the budget's write when this container holds no leased token of the user
 * (the limiter's leases, docs/architecture.md), which runs beside the record's read: a direct send
 * waits for four DynamoDB round trips in sequence either way, a group send for five (its membership
 * read comes first, so that an outsider's attempts cost one read each and spend no token).
 * Of a resend: two reads (record, message) and at most the budget's write. See docs/data-model.md.
 *
 * <p>Why the counter waits for the record's read instead of running beside it too (one round trip
 * less): a resend would then draw a seq it does not use, and have to write it as a gap, so every
 * resend would cost a write and show the peers a gap; resends come in bursts exactly when the
 * network is bad. The claim and the message cannot run side by side either: the message must not
 * be stored before its claim has won, or two racing attempts would store it twice.
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
    private AttachmentCheck attachments = AttachmentCheck.none();
    private final MessageReferences references;
    private ExecutorService checkThreads;

    public SendService(ConversationStore conversations, MessageStore messages, IdempotencyStore idempotency,
                       RateLimiter limiter, Clock clock, Duration idempotencyWindow) {
        this.references = new MessageReferences(conversations, messages);
        this.conversations = conversations;
        this.access = new ConversationAccess(conversations);
        this.messages = messages;
        this.idempotency = idempotency;
        this.limiter = limiter;
        this.clock = clock;
        this.idempotencyWindow = idempotencyWindow;
    }

    /** The check of {@code body.attachments} (without one, a body referencing attachments is refused). */
    public SendService withAttachments(AttachmentCheck check) {
        this.attachments = check;
        return this;
    }

    public SendReceipt send(Caller caller, ClientCommand.Send command) {
        String conversationId = command.to() != null
                ? ConversationId.direct(caller.userId(), command.to())
                : command.conversationId();
        IdempotencyStore.Key key = new IdempotencyStore.Key(conversationId, caller.userId(), command.clientMsgId());
        String hash = contentHash(command.bodyJson());

        // Membership and the budget are decided before anything is written or any seq drawn: a
        // refused send stores nothing and uses no seq; a resend spends a token like any send
        // (resends are not free).
        Optional<IdempotencyStore.Record> stored = admit(caller.userId(), conversationId, key);
        command = attachments.verified(caller.userId(), conversationId, command); // BAD_REQUEST before anything is stored

        if (stored.isPresent()) {
            requireSameContent(stored.get(), hash, command);
            if (messages.get(conversationId, stored.get().seq()).orElse(null) instanceof Message message
                    && message.senderId().equals(caller.userId()) && message.clientMsgId().equals(command.clientMsgId())) {
                return new SendReceipt(conversationId, command.clientMsgId(), message.seq(), message.sentAt());
            }
            // Stored already (the usual resend), or claimed by an attempt that has not stored it
            // yet: place() finds it or stores it at the claimed seq, drawing no seq of its own.
            IdempotencyStore.Record placed = place(caller, command, conversationId, key, stored.get());
            return new SendReceipt(conversationId, command.clientMsgId(), placed.seq(), placed.sentAt());
        }

        checkContent(caller, conversationId, command);
        long now = clock.millis();
        // In a direct conversation, the counter update's condition refuses a sender the peer blocked:
        // BLOCKED, nothing stored, no seq drawn, and no read added to the send.
        ConversationStore.SeqAllocation allocation = conversations.allocateSeq(conversationId, caller.userId(), now);
        long seq = allocation.seq();
        try {
            if (!allocation.membersRecorded() && ConversationId.isDirect(conversationId)) {
                conversations.recordDirectMembers(conversationId, ConversationId.directMembers(conversationId), now);
            }
            long expiresAt = now / 1000 + idempotencyWindow.toSeconds();
            Optional<IdempotencyStore.Record> earlier = idempotency.claim(key, seq, now, hash, expiresAt);
            IdempotencyStore.Record record = earlier.orElse(new IdempotencyStore.Record(seq, now, hash));
            if (earlier.isPresent()) {
                declareGap(conversationId, seq); // a concurrent attempt won the claim
                requireSameContent(earlier.get(), hash, command);
            }
            IdempotencyStore.Record placed = place(caller, command, conversationId, key, record);
            return new SendReceipt(conversationId, command.clientMsgId(), placed.seq(), placed.sentAt());
        } catch (ConflictException conflict) {
            throw conflict;
        } catch (RuntimeException failure) {
            // If this call's message is already stored at seq the gap write is refused, harmlessly;
            // otherwise the seq is declared a gap and a client retry finds a fresh one.
            declareGapQuietly(conversationId, seq, failure);
            throw failure;
        }
    }

    /**
     * Membership, the budget's decision and the idempotency record's read. Membership comes first
     * (a direct conversation's is its id; a group's is one read): an outsider's attempt costs that
     * one read and spends no token, however often it is repeated. The budget's conditional write,
     * unless a token this container holds (the limiter's lease) admits at once, then runs on
     * another thread beside the read, so that a send waits for one round trip instead of two. Both
     * finish before this returns, and a refusal is thrown before the counter: a refused send still
     * stores nothing and draws no seq (it has read the record).
     */
    private Optional<IdempotencyStore.Record> admit(String userId, String conversationId, IdempotencyStore.Key key) {
        access.check(conversationId, userId);
        if (limiter.acquireHeld(userId)) {
            return idempotency.find(key);
        }
        Future<Long> budget = checkThreads().submit(() -> limiter.acquire(userId));
        Optional<IdempotencyStore.Record> stored = Optional.empty();
        RuntimeException readFailed = null;
        try {
            stored = idempotency.find(key);
        } catch (RuntimeException failure) {
            readFailed = failure;
        }
        RuntimeException refused = null;
        try {
            long retryAfterMs = join(budget);
            if (retryAfterMs > 0) {
                refused = new RateLimitedException(
                        "over the send rate limit; resend the same clientMsgId after retryAfterMs", retryAfterMs);
            }
        } catch (RuntimeException failure) {
            refused = failure;
        }
        refused = firstOf(refused, readFailed);
        if (refused != null) {
            throw refused;
        }
        return stored;
    }

    private static RuntimeException firstOf(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        if (next != null) {
            first.addSuppressed(next);
        }
        return first;
    }

    /** The task's result, or its failure rethrown; waits it out even when interrupted (its answer is needed). */
    private static <T> T join(Future<T> task) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException failure) {
                        throw failure;
                    }
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException("a check of the send failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The threads that decide budgets beside a send's read: as many as concurrent sends need (on
     * Lambda, one invocation at a time per container: one thread), gone after a minute idle.
     */
    private synchronized ExecutorService checkThreads() {
        if (checkThreads == null) {
            checkThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                    runnable -> {
                        Thread thread = new Thread(runnable, "parley-send-check");
                        thread.setDaemon(true);
                        return thread;
                    });
        }
        return checkThreads;
    }

    /**
     * What the body and its references must satisfy before a seq is drawn (a refusal stores
     * nothing): protocol v2's {@code replyTo} and {@code body.mentions}. Attachment checks belong
     * here too. Runs on first attempts only: a resend was checked when it was first accepted.
     */
    private void checkContent(Caller caller, String conversationId, ClientCommand.Send command) {
        references.check(conversationId, command.replyTo(), command.bodyJson());
    }

    /** SHA-256 of the body (the recipient and sender are in the key), base64. */
    static String contentHash(String bodyJson) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bodyJson.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** A record written before hashes were kept has none, and is taken to match. */
    private static void requireSameContent(IdempotencyStore.Record record, String hash, ClientCommand.Send command) {
        if (record.contentHash() != null && !record.contentHash().equals(hash)) {
            throw new ConflictException("clientMsgId " + command.clientMsgId()
                    + " was already used for a different message; use a new clientMsgId for new content");
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
                    command.bodyJson(), record.sentAt(), command.replyTo(), null, null);
            Optional<TimelineEntry> occupant = messages.putIfAbsent(message, caller.connectionId());
            if (occupant.isEmpty()) {
                return record;
            }
            if (occupant.get() instanceof Message stored && stored.senderId().equals(caller.userId())
                    && stored.clientMsgId().equals(command.clientMsgId())) {
                return new IdempotencyStore.Record(stored.seq(), stored.sentAt(), record.contentHash());
            }
            long fresh = conversations.allocateSeq(conversationId, caller.userId(), clock.millis()).seq();
            IdempotencyStore.Record moved = idempotency.reassign(key, record.seq(), fresh, clock.millis());
            if (moved.seq() != fresh) {
                declareGap(conversationId, fresh);
            }
            record = moved;
        }
        throw new IllegalStateException("message " + key + " could not be placed after "
                + MAX_PLACEMENT_ATTEMPTS + " attempts");
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
