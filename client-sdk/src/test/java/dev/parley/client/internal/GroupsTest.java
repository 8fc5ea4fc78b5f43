package dev.parley.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.Group;
import dev.parley.client.GroupChange;
import dev.parley.model.domain.MemberChange;
import dev.parley.model.protocol.ServerFrame;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupsTest {
    private final Groups groups = new Groups();

    private static ServerFrame.Members frame(long seq, MemberChange change) {
        return new ServerFrame.Members("grp:x", seq, "bob", change);
    }

    @Test
    void aKnownGroupFollowsTheChangesFramesDescribeWithoutAMemberList() {
        groups.remember(new Group("grp:x", "Lunch", List.of("bob", "carol"), List.of("bob")));
        groups.apply(frame(3, MemberChange.of(List.of("alice"), List.of(), List.of(), List.of(), "Lunch", false, false, 3)), "carol");
        GroupChange renamed = groups.apply(frame(4, MemberChange.of(List.of(), List.of("carol"), List.of("alice"), List.of(),
                "Dinner", true, false, 2)), "bob");
        assertThat(renamed.memberCount()).isEqualTo(2);
        assertThat(groups.get("grp:x")).hasValueSatisfying(group -> {
            assertThat(group.name()).isEqualTo("Dinner");
            assertThat(group.members()).containsExactly("bob", "alice");
            assertThat(group.admins()).containsExactly("bob", "alice");
        });
    }

    @Test
    void aGroupNeverAnsweredOverHttpIsNotMadeUpFromFrames() {
        GroupChange change = groups.apply(frame(2, MemberChange.of(List.of("alice"), List.of(), List.of(), List.of(),
                "Lunch", false, true, 2)), "alice");
        assertThat(change.created()).isTrue();
        assertThat(groups.get("grp:x")).isEmpty();
    }

    @Test
    void theUserRemovedForgetsTheGroup() {
        groups.remember(new Group("grp:x", "Lunch", List.of("bob", "carol"), List.of("bob")));
        groups.apply(frame(5, MemberChange.of(List.of(), List.of("carol"), List.of(), List.of(), "Lunch", false, false, 1)), "carol");
        assertThat(groups.get("grp:x")).isEmpty();
    }
}
