package dev.parley.it.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.client.ConversationSummary;
import dev.parley.client.ErrorCode;
import dev.parley.client.Group;
import dev.parley.client.ParleyClient;
import dev.parley.client.Platform;
import dev.parley.client.Presence;
import dev.parley.client.ServerErrorException;
import dev.parley.client.To;
import dev.parley.it.support.Parley;
import dev.parley.it.support.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The SDK's typed HTTP API calls (groups, members, conversations, presence, devices) against the local runtime. */
class SdkHttpApiTest {

    @Test
    void groupsAndTheirMembersAreManagedThroughTypedCalls() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String carol = Parley.user("carol");
        String dave = Parley.user("dave");
        Sdk.App bobApp = new Sdk.App("bob");
        try (ParleyClient a = Sdk.connect(alice, "phone", new Sdk.App("alice"));
             ParleyClient b = Sdk.connect(bob, "phone", bobApp)) {
            Group lunch = a.createGroup("Lunch", List.of(bob, carol)).join();
            assertThat(lunch.conversationId()).startsWith("grp:");
            assertThat(lunch.name()).isEqualTo("Lunch");
            assertThat(lunch.members()).containsExactlyInAnyOrder(alice, bob, carol);

            assertThat(a.addMembers(lunch.conversationId(), List.of(dave)).join().members())
                    .containsExactlyInAnyOrder(alice, bob, carol, dave);
            a.removeMember(lunch.conversationId(), carol).join();
            assertThatThrownBy(() -> b.removeMember(lunch.conversationId(), dave).join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOfSatisfying(ServerErrorException.class,
                            refused -> assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN));
            b.leaveGroup(lunch.conversationId()).join();
            assertThatThrownBy(() -> b.sendText(To.conversation(lunch.conversationId()), "still in?").join())
                    .cause().isInstanceOfSatisfying(ServerErrorException.class,
                            refused -> assertThat(refused.code()).isEqualTo(ErrorCode.NOT_MEMBER));
        }
    }

    @Test
    void theConversationListCarriesUnreadCountsAndPresenceTellsWhoIsOnline() {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        String nobody = Parley.user("nobody");
        try (ParleyClient a = Sdk.connect(alice, "phone", new Sdk.App("alice"));
             ParleyClient b = Sdk.connect(bob, "phone", new Sdk.App("bob"))) {
            Group team = a.createGroup("Team", List.of(bob)).join();
            a.sendText(To.conversation(team.conversationId()), "one").join();
            a.sendText(To.user(bob), "two").join();
            a.sendText(To.user(bob), "three").join();

            // The list is read from bob's sync store, which fan-out writes after each send is stored.
            var list = Sdk.await().until(() -> b.conversations().join(), l -> l.totalUnread() == 3);
            assertThat(list.conversations()).extracting(ConversationSummary::conversationId)
                    .contains(team.conversationId(), dev.parley.model.domain.ConversationId.direct(alice, bob));
            assertThat(list.totalUnread()).isEqualTo(3);
            assertThat(list.conversations()).filteredOn(c -> c.conversationId().equals(team.conversationId()))
                    .singleElement().satisfies(c -> {
                        assertThat(c.kind()).isEqualTo("group");
                        assertThat(c.name()).isEqualTo("Team");
                        assertThat(c.unread()).isEqualTo(1);
                    });

            List<Presence> presence = b.presence(List.of(alice, nobody)).join();
            assertThat(presence).extracting(Presence::userId).containsExactlyInAnyOrder(alice, nobody);
            assertThat(presence).filteredOn(p -> p.userId().equals(alice)).singleElement()
                    .satisfies(p -> assertThat(p.online()).isTrue());
            assertThat(presence).filteredOn(p -> p.userId().equals(nobody)).singleElement()
                    .satisfies(p -> assertThat(p.online()).isFalse());
        }
    }

    @Test
    void aRegisteredDeviceGetsANotificationWhileOfflineAndCanBeUnregistered() throws Exception {
        String alice = Parley.user("alice");
        String bob = Parley.user("bob");
        try (ParleyClient a = Sdk.connect(alice, "phone", new Sdk.App("alice"))) {
            try (ParleyClient b = Sdk.connect(bob, "tablet", new Sdk.App("bob"))) {
                b.registerDevice("tablet", Platform.FCM, "fcm-token-1").join();
            }
            a.sendText(To.user(bob), "while you were away").join();
            Sdk.await().until(() -> notificationsOf(bob).contains("while you were away"));
            assertThat(notificationsOf(bob)).contains("\"deviceId\":\"tablet\"").contains("\"platform\":\"fcm\"");
            try (ParleyClient b = Sdk.connect(bob, "laptop", new Sdk.App("bob"))) {
                b.unregisterDevice("tablet").join();
            }
        }
    }

    private static String notificationsOf(String userId) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(Parley.runtime().connectionsUrl() + "/dev/notifications?userId=" + userId)).build(),
                HttpResponse.BodyHandlers.ofString());
        return WsClient.JSON.readTree(response.body()).toString();
    }
}
