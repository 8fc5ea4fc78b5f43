package dev.parley.it.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.client.ErrorCode;
import dev.parley.client.Group;
import dev.parley.client.GroupChange;
import dev.parley.client.GroupMembersPage;
import dev.parley.client.ParleyClient;
import dev.parley.client.ServerErrorException;
import dev.parley.client.To;
import dev.parley.it.support.Parley;
import dev.parley.model.domain.ConversationId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The SDK's typed calls for protocol v2's blocks, mute and group administration, and its group state and callbacks. */
class SdkSafetyAndAdminsTest {

    private static void refusedWith(CompletableFuture<?> call, ErrorCode code) {
        assertThatThrownBy(call::join).cause().isInstanceOfSatisfying(ServerErrorException.class,
                refused -> assertThat(refused.code()).isEqualTo(code));
    }

    @Test
    void adminsRenamePromoteDemoteAndLeaveWithASuccessorAndEveryMemberHearsIt() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        Sdk.App aliceApp = new Sdk.App("alice");
        Sdk.App bobApp = new Sdk.App("bob");
        try (ParleyClient a = Sdk.connect(alice, "phone", aliceApp);
             ParleyClient b = Sdk.connect(bob, "phone", bobApp)) {
            Group lunch = a.createGroup("Lunch", List.of(bob)).join();
            String id = lunch.conversationId();
            assertThat(lunch.admins()).containsExactly(alice);
            assertThat(a.group(id)).contains(lunch);
            // Bob hears the change (no member list in it) and reads the list over HTTP.
            Sdk.await().until(() -> bobApp.groupChanges.stream().anyMatch(GroupChange::created));
            assertThat(bobApp.groupChanges.get(0).memberCount()).isEqualTo(2);
            GroupMembersPage members = b.groupMembers(id, null, 100).join();
            assertThat(members.members()).containsExactlyInAnyOrder(alice, bob);
            assertThat(members.admins()).containsExactly(alice);
            assertThat(members.cursor()).isNull();
            // The creation is also an entry of the group's timeline, delivered in seq order.
            Sdk.await().until(() -> bobApp.memberEntries.stream().anyMatch(change -> change.created() && change.seq() == 1));

            refusedWith(b.renameGroup(id, "Bob's"), ErrorCode.FORBIDDEN);
            refusedWith(b.promoteAdmin(id, bob), ErrorCode.FORBIDDEN);

            a.promoteAdmin(id, bob).join();
            Sdk.await().until(() -> bobApp.groupChanges.stream().anyMatch(change -> change.promoted().contains(bob)));
            assertThat(b.renameGroup(id, "Dinner").join().name()).isEqualTo("Dinner");
            Sdk.await().until(() -> aliceApp.groupChanges.stream().anyMatch(GroupChange::renamed));
            GroupChange renamed = aliceApp.groupChanges.stream().filter(GroupChange::renamed).findFirst().orElseThrow();
            assertThat(renamed.by()).isEqualTo(bob);
            assertThat(a.group(id).orElseThrow().name()).isEqualTo("Dinner");

            b.demoteAdmin(id, bob).join();
            Sdk.await().until(() -> !a.group(id).orElseThrow().isAdmin(bob));
            refusedWith(a.leaveGroup(id), ErrorCode.FORBIDDEN);
            refusedWith(a.demoteAdmin(id, alice), ErrorCode.FORBIDDEN);
            a.leaveGroup(id, bob).join();
            Sdk.await().until(() -> bobApp.groupChanges.stream().anyMatch(change -> change.removed().contains(alice)));
            GroupChange left = bobApp.groupChanges.stream().filter(change -> change.removed().contains(alice))
                    .findFirst().orElseThrow();
            assertThat(left.promoted()).containsExactly(bob);
            assertThat(b.group(id).orElseThrow().admins()).containsExactly(bob);
            Sdk.await().until(() -> a.group(id).isEmpty()); // alice heard her own removal: the group is forgotten
            assertThat(aliceApp.violations).isEmpty();
            assertThat(bobApp.violations).isEmpty();
        }
    }

    @Test
    void aBlockedUsersSendFailsWithBlockedAndMuteIsASettingOfTheCaller() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        try (ParleyClient a = Sdk.connect(alice, "phone", new Sdk.App("alice"));
             ParleyClient b = Sdk.connect(bob, "phone", new Sdk.App("bob"))) {
            b.sendText(To.user(alice), "hello").join();
            a.block(bob).join();
            assertThat(a.blocked().join()).containsExactly(bob);
            refusedWith(b.sendText(To.user(alice), "are you there?"), ErrorCode.BLOCKED);
            assertThat(Sdk.storedSeqs(ConversationId.direct(alice, bob))).containsExactly(1L);
            a.unblock(bob).join();
            assertThat(a.blocked().join()).isEmpty();
            assertThat(b.sendText(To.user(alice), "are you there?").join().seq()).isEqualTo(2);

            assertThat(a.setMuted(ConversationId.direct(alice, bob), true).join()).isTrue();
            assertThat(a.setMuted(ConversationId.direct(alice, bob), false).join()).isFalse();
            refusedWith(b.setMuted(ConversationId.direct(alice, Parley.user("carol")), true), ErrorCode.NOT_MEMBER);
        }
    }
}
