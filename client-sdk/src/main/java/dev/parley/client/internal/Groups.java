package dev.parley.client.internal;

import dev.parley.client.Group;
import dev.parley.client.GroupChange;
import dev.parley.model.domain.MemberChange;
import dev.parley.model.domain.Message;
import dev.parley.model.protocol.ClientCodec;
import dev.parley.model.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest state of each group the client heard of, readable from any thread: HTTP answers give
 * the whole group; {@code members} frames say what changed (never the member list), which is
 * applied to a group already known. A group the user is no longer a member of is forgotten.
 */
final class Groups {
    private final Map<String, Group> byId = new ConcurrentHashMap<>();

    Optional<Group> get(String conversationId) {
        return Optional.ofNullable(byId.get(conversationId));
    }

    Group remember(Group group) {
        byId.put(group.conversationId(), group);
        return group;
    }

    /** Applies a {@code members} frame and returns the change it describes. */
    GroupChange apply(ServerFrame.Members frame, String self) {
        GroupChange change = change(frame.conversationId(), frame.seq(), frame.by(), frame.change());
        if (self != null && change.removed().contains(self)) {
            byId.remove(change.conversationId());
        } else {
            byId.computeIfPresent(change.conversationId(), (id, group) -> applied(group, change));
        }
        return change;
    }

    /** The change a timeline entry of kind {@code member} keeps; null for any other entry. */
    static GroupChange fromEntry(dev.parley.client.Message entry) {
        if (entry.body() == null) {
            return null;
        }
        MemberChange change = ClientCodec.memberChange(new Message(entry.conversationId(), entry.seq(), entry.senderId(),
                entry.clientMsgId(), entry.body().toString(), entry.sentAt(), 0, Message.Event.member(), null));
        return change == null ? null : change(entry.conversationId(), entry.seq(), entry.senderId(), change);
    }

    private static GroupChange change(String conversationId, long seq, String by, MemberChange c) {
        return new GroupChange(conversationId, seq, c.name(), c.memberCount(), c.added(), c.addedCount(), c.removed(),
                c.removedCount(), c.promoted(), c.demoted(), c.renamed(), c.created(), by);
    }

    /** A known group after a change: exact when the change listed everyone it added or removed. */
    private static Group applied(Group group, GroupChange change) {
        List<String> members = new ArrayList<>(group.members());
        members.removeAll(change.removed());
        change.added().stream().filter(member -> !members.contains(member)).forEach(members::add);
        List<String> admins = new ArrayList<>(group.admins());
        admins.removeAll(change.removed());
        admins.removeAll(change.demoted());
        change.promoted().stream().filter(admin -> !admins.contains(admin)).forEach(admins::add);
        return new Group(group.conversationId(), change.name() == null ? group.name() : change.name(), members, admins);
    }
}
