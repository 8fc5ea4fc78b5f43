package dev.parley.client.internal;

import dev.parley.client.Group;
import dev.parley.client.GroupChange;
import dev.parley.model.protocol.ServerFrame;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest state of each group the client heard of (HTTP answers and {@code members} frames),
 * readable from any thread. Frames carry no seq: the state is the last one heard, and a group the
 * user is no longer a member of is forgotten.
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
        Group group = new Group(frame.conversationId(), frame.name(), frame.members(), frame.admins());
        if (self != null && !group.members().contains(self)) {
            byId.remove(group.conversationId());
        } else {
            remember(group);
        }
        return new GroupChange(group, frame.added(), frame.removed(), frame.promoted(), frame.demoted(), frame.renamed(),
                frame.by());
    }
}
