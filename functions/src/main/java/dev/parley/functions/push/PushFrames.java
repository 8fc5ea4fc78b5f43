package dev.parley.functions.push;

import dev.parley.model.domain.Gap;
import dev.parley.model.domain.MemberChange;
import dev.parley.model.domain.Message;
import dev.parley.model.domain.PresenceState;
import dev.parley.model.domain.TimelineEntry;
import dev.parley.model.protocol.ClientCodec;
import dev.parley.model.protocol.FrameCodec;
import dev.parley.model.protocol.ServerFrame;

/**
 * The frames the server pushes (not replies), encoded from domain values: the services say what
 * happened, this says how it travels.
 */
public final class PushFrames {
    private PushFrames() {}

    /** A stored timeline entry: {@code message} or {@code gap}. */
    public static String entry(TimelineEntry entry) {
        return FrameCodec.encode(entry instanceof Message message
                ? new ServerFrame.MessagePush(message)
                : new ServerFrame.GapPush((Gap) entry));
    }

    public static String presence(PresenceState state) {
        return FrameCodec.encode(new ServerFrame.Presence(state.userId(), state.online(), state.lastActiveAt()));
    }

    /**
     * What changed in a group and by whom, with its member count and the seq of the change's
     * timeline entry (0: none); never the member list.
     */
    public static String members(String conversationId, long seq, String by, MemberChange change) {
        return FrameCodec.encode(new ServerFrame.Members(conversationId, seq, by, change));
    }

    /**
     * The {@code members} frame of a group change's timeline entry (kind {@code member}): the change
     * as the entry's body holds it, by its sender, with the entry's seq. Null for any other entry.
     */
    public static String members(TimelineEntry entry) {
        if (!(entry instanceof Message message)) {
            return null;
        }
        MemberChange change = ClientCodec.memberChange(message);
        return change == null ? null : members(message.conversationId(), message.seq(), message.senderId(), change);
    }

    /** Someone started or stopped typing (protocol v2; never stored). */
    public static String typing(String conversationId, String userId, boolean start) {
        return FrameCodec.encode(new ServerFrame.TypingPush(conversationId, userId, start));
    }

    public static String read(String conversationId, String userId, long seq) {
        return FrameCodec.encode(new ServerFrame.ReadPush(conversationId, userId, seq));
    }
}
