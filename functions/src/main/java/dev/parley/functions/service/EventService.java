package dev.parley.functions.service;

import dev.parley.functions.ratelimit.RateLimiter;
import dev.parley.functions.store.ConversationStore;
import dev.parley.functions.store.IdempotencyStore;
import dev.parley.functions.store.MessageEventStore;
import dev.parley.functions.store.MessageEventStore.Outcome;
import dev.parley.functions.store.MessageStore;
import dev.parley.model.domain.ConversationId;
import dev.parley.model.domain.Gap;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.TimelineEntry;
import dev.parley.model.errors.BadRequestException;
import dev.parley.model.errors.ConflictException;
import dev.parley.model.errors.ForbiddenException;
import dev.parley.model.errors.NotFoundException;
import dev.parley.model.errors.RateLimitedException;
import dev.parley.model.protocol.ClientCommand;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Protocol v2's {@code edit}, {@code delete} and {@code react}: each a timeline event with its own
 * seq from the conversation's counter, idempotent by {@code clientMsgId} exactly as a send (the
 * same records, the same content hash, so a clientMsgId reused with other content is
 * {@code CONFLICT}). The guarantees, and how:
 * <ul>
 *   <li>Who may: checked on the target before a seq is drawn (a refusal stores nothing and uses
 *       no seq): a gap, an event or a deleted message is {@code NOT_FOUND}; editing another's
 *       message, or deleting it without being a group admin, is {@code FORBIDDEN}.</li>
 *   <li>Timeline and state agree: the event entry and its effect on the target are one
 *       transaction ({@link MessageEventStore#apply}).</li>
 *   <li>Same state for every client: events apply to a message in seq order. An event whose seq
 *       was overtaken (a later-drawn event on the same message committed first) moves to a fresh
 *       seq and its old one becomes a gap, so applying the timeline in seq order always ends in
 *       the stored state, and a page's {@code stateSeq} tells a client which events it holds.</li>
 *   <li>A reaction counts once per (message, user, emoji): adding one already there is
 *       {@code CONFLICT}, removing one not there is {@code NOT_FOUND} (checked before a seq is
 *       drawn; a race lost after that leaves a gap).</li>
 * </ul>
 * Cost, bounded whatever the number of reactions (docs/data-model.md): one budget write, two or
 * three strongly consistent reads (record, target, own reaction), the counter, the claim and one
 * transaction of two or three items.
 */
public final class EventService {
    /** Distinct emojis per message: Slack allows 50, Discord 20. */
    public static final int MAX_EMOJIS_PER_MESSAGE = 20;
    private static final int MAX_PLACEMENT_ATTEMPTS = 5;

    private final ConversationStore conversations;
    private final ConversationAccess access;
    private final MessageStore messages;
    private final MessageEventStore events;
    private final IdempotencyStore idempotency;
    private final RateLimiter limiter;
    private final Clock clock;
    private final Duration idempotencyWindow;

    public EventService(ConversationStore conversations, MessageStore messages, MessageEventStore events,
                        IdempotencyStore idempotency, RateLimiter limiter, Clock clock, Duration idempotencyWindow) {
        this.conversations = conversations;
        this.access = new ConversationAccess(conversations);
        this.messages = messages;
        this.events = events;
        this.idempotency = idempotency;
        this.limiter = limiter;
        this.clock = clock;
        this.idempotencyWindow = idempotencyWindow;
    }

    /** What the command asks for, in the shape shared by the three actions. */
    private record Request(String conversationId, long targetSeq, String clientMsgId, Message.Event event,
                           String bodyJson) {
        static Request of(ClientCommand command) {
            if (command instanceof ClientCommand.Edit edit) {
                return new Request(edit.conversationId(), edit.seq(), edit.clientMsgId(), Message.Event.edit(edit.seq()),
                        edit.bodyJson());
            }
            if (command instanceof ClientCommand.Delete delete) {
                return new Request(delete.conversationId(), delete.seq(), delete.clientMsgId(),
                        Message.Event.delete(delete.seq()), null);
            }
            if (command instanceof ClientCommand.React react) {
                return new Request(react.conversationId(), react.seq(), react.clientMsgId(),
                        Message.Event.reaction(react.seq(), react.emoji(), react.remove()), null);
            }
            throw new IllegalArgumentException("not an event command: " + command);
        }

        /** What the idempotency record's hash covers: the kind, the target and the content. */
        String content() {
            return event.kind() + '|' + targetSeq + '|' + (bodyJson == null ? "" : bodyJson) + '|'
                    + (event.emoji() == null ? "" : event.emoji()) + '|' + event.remove();
        }
    }

    /** Applies an {@code edit}, {@code delete} or {@code react}; the receipt is the event's seq. */
    public SendReceipt apply(Caller caller, ClientCommand command) {
        Request request = Request.of(command);
        String conversationId = request.conversationId();
        access.check(conversationId, caller.userId());
        long retryAfterMs = limiter.acquire(caller.userId());
        if (retryAfterMs > 0) {
            throw new RateLimitedException("over the send rate limit; resend the same clientMsgId after retryAfterMs",
                    retryAfterMs);
        }
        IdempotencyStore.Key key = new IdempotencyStore.Key(conversationId, caller.userId(), request.clientMsgId());
        String hash = SendService.contentHash(request.content());

        Optional<IdempotencyStore.Record> stored = idempotency.find(key);
        if (stored.isPresent()) {
            requireSameContent(stored.get(), hash, request);
            if (isThisEvent(messages.get(conversationId, stored.get().seq()).orElse(null), caller, request)) {
                return receipt(request, stored.get());
            }
            return receipt(request, place(caller, request, key, stored.get()));
        }

        authorize(caller, request);
        long now = clock.millis();
        long seq = conversations.allocateSeq(conversationId, blockChecked(caller, request), now).seq();
        try {
            long expiresAt = now / 1000 + idempotencyWindow.toSeconds();
            Optional<IdempotencyStore.Record> earlier = idempotency.claim(key, seq, now, hash, expiresAt);
            IdempotencyStore.Record record = earlier.orElse(new IdempotencyStore.Record(seq, now, hash));
            if (earlier.isPresent()) {
                declareGap(conversationId, seq); // a concurrent attempt won the claim
                requireSameContent(earlier.get(), hash, request);
            }
            return receipt(request, place(caller, request, key, record));
        } catch (RuntimeException failure) {
            // Refusals found after the draw and failures alike: the seq becomes a gap unless the
            // event landed there (then the gap write is refused, harmlessly).
            declareGapQuietly(conversationId, seq, failure);
            throw failure;
        }
    }

    /** The refusals that need no seq: the target must be a live message the caller may change. */
    private void authorize(Caller caller, Request request) {
        TimelineEntry target = messages.get(request.conversationId(), request.targetSeq()).orElse(null);
        if (!(target instanceof Message message) || message.isEvent()
                || (message.state() != null && message.state().deleted())) {
            throw new NotFoundException("seq " + request.targetSeq() + " of " + request.conversationId()
                    + " holds no message");
        }
        Message.Event event = request.event();
        boolean own = message.senderId().equals(caller.userId());
        if (Message.Event.EDIT.equals(event.kind()) && !own) {
            throw new ForbiddenException("only the sender may edit a message");
        }
        if (Message.Event.DELETE.equals(event.kind()) && !own && !isGroupAdmin(request.conversationId(), caller.userId())) {
            throw new ForbiddenException("only the sender or a group admin may delete a message");
        }
        if (Message.Event.REACTION.equals(event.kind())) {
            boolean held = events.hasReacted(request.conversationId(), request.targetSeq(), caller.userId(), event.emoji());
            if (held && !event.remove()) {
                throw new ConflictException("you already reacted with " + event.emoji() + " to this message");
            }
            if (!held && event.remove()) {
                throw new NotFoundException("you have no " + event.emoji() + " reaction on this message to remove");
            }
        }
    }

    /**
     * Whose block the seq allocation checks: the caller's, for an edit or a reaction in a direct
     * conversation whose peer blocked them ({@code BLOCKED}); none for a deletion, so that a
     * blocked user can still take back what they sent.
     */
    private static String blockChecked(Caller caller, Request request) {
        return Message.Event.DELETE.equals(request.event().kind()) ? null : caller.userId();
    }

    /**
     * The caller's member item says whether they are an admin (docs/protocol.md v2; read only for deleting
     * another's message). In a group from before admins were recorded, its creator is.
     */
    private boolean isGroupAdmin(String conversationId, String userId) {
        if (ConversationId.isDirect(conversationId)) {
            return false;
        }
        return conversations.membership(conversationId, userId).map(ConversationStore.Membership::admin).orElse(false)
                || conversations.meta(conversationId)
                        .map(meta -> !meta.adminsRecorded() && userId.equals(meta.createdBy())).orElse(false);
    }

    /**
     * Stores and applies the event at the claimed seq. An overtaken or gapped seq moves the claim
     * to a fresh one (the claim's conditional move keeps concurrent attempts on one seq).
     */
    private IdempotencyStore.Record place(Caller caller, Request request, IdempotencyStore.Key key,
                                          IdempotencyStore.Record record) {
        String conversationId = request.conversationId();
        for (int attempt = 0; attempt < MAX_PLACEMENT_ATTEMPTS; attempt++) {
            Message event = new Message(conversationId, record.seq(), caller.userId(), request.clientMsgId(),
                    request.bodyJson(), record.sentAt(), 0, request.event(), null);
            Outcome outcome = events.apply(event, caller.connectionId(), MAX_EMOJIS_PER_MESSAGE);
            if (outcome == Outcome.TARGET_GONE || outcome == Outcome.REACTION_UNCHANGED
                    || outcome == Outcome.TOO_MANY_EMOJIS) {
                declareGap(conversationId, record.seq()); // refused after the draw: the seq holds nothing
            }
            switch (outcome) {
                case APPLIED:
                    return record;
                case SEQ_TAKEN:
                    if (isThisEvent(messages.get(conversationId, record.seq()).orElse(null), caller, request)) {
                        return record;
                    }
                    break; // a gap: move on to a fresh seq
                case SUPERSEDED:
                    declareGap(conversationId, record.seq());
                    break;
                case TARGET_GONE:
                    throw new NotFoundException("seq " + request.targetSeq() + " of " + conversationId
                            + " holds no message any more");
                case REACTION_UNCHANGED:
                    if (request.event().remove()) {
                        throw new NotFoundException("you have no " + request.event().emoji() + " reaction to remove");
                    }
                    throw new ConflictException("you already reacted with " + request.event().emoji());
                case TOO_MANY_EMOJIS:
                    throw new BadRequestException("a message carries at most " + MAX_EMOJIS_PER_MESSAGE
                            + " different emojis");
                default:
                    throw new IllegalStateException(outcome.name());
            }
            long fresh = conversations.allocateSeq(conversationId, blockChecked(caller, request), clock.millis()).seq();
            IdempotencyStore.Record moved = idempotency.reassign(key, record.seq(), fresh, clock.millis());
            if (moved.seq() != fresh) {
                declareGap(conversationId, fresh);
            }
            record = moved;
        }
        throw new IllegalStateException("event " + key + " could not be placed after " + MAX_PLACEMENT_ATTEMPTS
                + " attempts");
    }

    private static boolean isThisEvent(TimelineEntry entry, Caller caller, Request request) {
        return entry instanceof Message stored && stored.isEvent() && stored.senderId().equals(caller.userId())
                && stored.clientMsgId().equals(request.clientMsgId());
    }

    private static SendReceipt receipt(Request request, IdempotencyStore.Record record) {
        return new SendReceipt(request.conversationId(), request.clientMsgId(), record.seq(), record.sentAt());
    }

    private static void requireSameContent(IdempotencyStore.Record record, String hash, Request request) {
        if (record.contentHash() != null && !record.contentHash().equals(hash)) {
            throw new ConflictException("clientMsgId " + request.clientMsgId()
                    + " was already used for other content; use a new clientMsgId for a new change");
        }
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
