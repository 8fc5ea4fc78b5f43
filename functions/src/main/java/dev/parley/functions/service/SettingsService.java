package dev.parley.functions.service;

import dev.parley.functions.store.BlockStore;
import dev.parley.functions.store.ConversationStore.Membership;
import dev.parley.functions.store.InboxEntry;
import dev.parley.functions.store.InboxStore;
import dev.parley.model.domain.UserIds;
import dev.parley.model.errors.BadRequestException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The caller's own choices (protocol v2), each route with its budget:
 * <ul>
 *   <li>Blocks: a user who blocked another receives nothing from them in their direct
 *       conversation (their {@code send}, {@code edit} and {@code react} there answer
 *       {@code BLOCKED}: the seq allocation's condition) and is not shown to them as present.
 *       Blocking and unblocking are idempotent; nobody is told.</li>
 *   <li>Mute: a flag on the caller's sync-store entry of the conversation; notifications of a
 *       muted conversation are not sent unless they mention the user. Devices see it in
 *       {@code synced} ({@code muted}).</li>
 * </ul>
 */
public final class SettingsService {
    private final BlockStore blocks;
    private final InboxStore inbox;
    private final ConversationAccess access;
    private final Clock clock;
    private final Budget blockChanges;
    private final Budget settingsChanges;
    /** Null: nobody is told (service tests). */
    private final PresenceService presence;

    public SettingsService(BlockStore blocks, InboxStore inbox, ConversationAccess access, Clock clock,
                           Budget blockChanges, Budget settingsChanges, PresenceService presence) {
        this.presence = presence;
        this.blocks = blocks;
        this.inbox = inbox;
        this.access = access;
        this.clock = clock;
        this.blockChanges = blockChanges;
        this.settingsChanges = settingsChanges;
    }

    /**
     * {@code PUT /blocks/{userId}}. The blocked user's live connections get a {@code presence}
     * frame showing the caller offline (what they are shown from now on), best effort.
     */
    public void block(String caller, String userId) {
        blockChanges.spend(caller);
        blocks.block(caller, other(caller, userId), clock.millis());
        if (presence != null) {
            presence.conceal(caller, userId);
        }
    }

    /** {@code DELETE /blocks/{userId}}. Their live connections get the caller's presence as it is now. */
    public void unblock(String caller, String userId) {
        blockChanges.spend(caller);
        blocks.unblock(caller, other(caller, userId));
        if (presence != null) {
            presence.reveal(caller, userId);
        }
    }

    /** {@code GET /blocks}. */
    public List<String> blocked(String caller) {
        blockChanges.spend(caller);
        return blocks.blocked(caller);
    }

    /**
     * {@code PUT /conversations/{id}/settings}: members only. A conversation the caller has no
     * entry for yet (a direct conversation without a message) gets one, muted, with no activity.
     * Returns the setting now in force.
     */
    public boolean setMuted(String caller, String conversationId, boolean muted) {
        settingsChanges.spend(caller);
        Membership membership = access.require(conversationId, caller);
        for (int attempt = 0; attempt < 3; attempt++) {
            long now = clock.millis();
            if (inbox.setMuted(caller, conversationId, muted, now)) {
                return muted;
            }
            Optional<InboxEntry> current = inbox.entry(caller, conversationId);
            if (current.isPresent()) {
                if (current.get().muted() == muted) {
                    return muted; // already so
                }
                continue; // created by fan-out since the update was refused: set the flag on it
            }
            InboxEntry fresh = new InboxEntry(caller, conversationId, membership.kind(), null, membership.joinedSeq(),
                    membership.joinedSeq(), Math.max(membership.readSeq(), membership.joinedSeq()), 0, 0, 0, 0, now,
                    muted, 0, false, 0, Set.of());
            if (inbox.replace(fresh, OptionalLong.empty())) {
                return muted;
            }
            // fan-out created the entry meanwhile: set the flag on it
        }
        throw new IllegalStateException("the entry of " + caller + " in " + conversationId + " kept changing");
    }

    private static String other(String caller, String userId) {
        UserIds.require(userId, "userId");
        if (userId.equals(caller)) {
            throw new BadRequestException("you cannot block yourself");
        }
        return userId;
    }
}
