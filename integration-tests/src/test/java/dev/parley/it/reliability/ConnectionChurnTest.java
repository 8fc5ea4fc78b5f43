package dev.parley.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.ConnectionState;
import dev.parley.client.ParleyClient;
import dev.parley.client.Sent;
import dev.parley.client.To;
import dev.parley.it.support.Parley;
import dev.parley.local.LocalRuntime;
import dev.parley.model.domain.ConversationId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 3, suite 1: five clients send a hundred messages each into shared conversations while the
 * gateway drops their connections at random. Sends in flight when a connection drops are resent
 * with the same clientMsgId on the next connection; pushes lost with a connection are recovered by
 * the sync every reconnect starts with.
 */
class ConnectionChurnTest {
    private static final int MESSAGES_PER_CLIENT = 100;

    @Test
    void fiveClientsSendingAHundredMessagesEachThroughRandomDropsAllSeeEveryMessageOnceInOneOrder() throws Exception {
        LocalRuntime runtime = Parley.runtime();
        Endpoint endpoint = Endpoint.of(runtime);
        Timeline stored = Timeline.storedIn(runtime);
        List<String> users = IntStream.range(0, 5).mapToObj(i -> Parley.user("churn" + i)).toList();

        // Three shared conversations: a group of all five, a group of three, a direct conversation.
        String everyone = endpoint.createGroup(users.get(0), users.subList(1, 5));
        String trio = endpoint.createGroup(users.get(1), List.of(users.get(0), users.get(2)));
        String direct = ConversationId.direct(users.get(3), users.get(4));
        List<List<To>> destinations = List.of(
                List.of(To.conversation(everyone), To.conversation(trio)),
                List.of(To.conversation(everyone), To.conversation(trio)),
                List.of(To.conversation(everyone), To.conversation(trio)),
                List.of(To.conversation(everyone), To.user(users.get(4))),
                List.of(To.conversation(everyone), To.user(users.get(3))));

        Map<String, Device> phones = new LinkedHashMap<>();
        users.forEach(user -> phones.put(user, new Device(user + "/phone")));
        Device tablet = new Device(users.get(1) + "/tablet"); // a second device that only receives
        List<ParleyClient> clients = new ArrayList<>();
        try (ConnectionDropper dropper = new ConnectionDropper(runtime, users, 20260101L)) {
            for (String user : users) {
                clients.add(endpoint.connect(user, "phone", phones.get(user)));
            }
            clients.add(endpoint.connect(users.get(1), "tablet", tablet));
            dropper.start();
            long started = System.nanoTime();

            // Every client fires its hundred sends at once; the SDK sends them one after the other
            // per conversation, through drops, reconnects and RATE_LIMITED answers.
            Map<String, List<CompletableFuture<Sent>>> sendsByClient = new LinkedHashMap<>();
            for (int i = 0; i < users.size(); i++) {
                List<CompletableFuture<Sent>> sends = new ArrayList<>();
                for (int k = 0; k < MESSAGES_PER_CLIENT; k++) {
                    List<To> mine = destinations.get(i);
                    sends.add(clients.get(i).sendText(mine.get(k % mine.size()), users.get(i) + " #" + k));
                }
                sendsByClient.put(users.get(i), sends);
            }
            List<Sent> confirmed = new ArrayList<>();
            for (List<CompletableFuture<Sent>> sends : sendsByClient.values()) {
                confirmed.addAll(Convergence.confirmed(sends, Duration.ofSeconds(90)));
            }
            long sentIn = (System.nanoTime() - started) / 1_000_000;
            dropper.close();
            assertThat(dropper.dropped()).as("connections dropped while sending").isGreaterThanOrEqualTo(5);
            assertThat(confirmed).hasSize(users.size() * MESSAGES_PER_CLIENT);

            List<Device> all = new ArrayList<>(phones.values());
            all.add(tablet);
            Map<String, List<Device>> members = Map.of(
                    everyone, all,
                    trio, List.of(phones.get(users.get(0)), phones.get(users.get(1)), tablet, phones.get(users.get(2))),
                    direct, List.of(phones.get(users.get(3)), phones.get(users.get(4))));
            for (var conversation : members.entrySet()) {
                Convergence.storedExactlyOnce(stored, conversation.getKey(), confirmed);
                Convergence.everyDeviceSawTheStoredTimeline(stored, conversation.getKey(), conversation.getValue(),
                        Duration.ofSeconds(60));
            }
            for (List<CompletableFuture<Sent>> sends : sendsByClient.values()) {
                Convergence.byConversation(sends.stream().map(CompletableFuture::join).toList(), Sent::conversationId)
                        .forEach((conversation, inCallOrder) -> Convergence.sendOrderKept(stored, conversation, inCallOrder));
            }
            System.out.printf("churn: %d sends confirmed in %d ms through %d drops; converged after %d ms%n",
                    confirmed.size(), sentIn, dropper.dropped(), (System.nanoTime() - started) / 1_000_000);
            assertThat(stored.messages(everyone).size() + stored.messages(trio).size() + stored.messages(direct).size())
                    .isEqualTo(users.size() * MESSAGES_PER_CLIENT);
            // The drops were real: clients went through reconnects, not one long connection.
            assertThat(all.stream().filter(d -> d.states().contains(ConnectionState.DISCONNECTED)).count())
                    .isGreaterThanOrEqualTo(3);
        } finally {
            clients.forEach(ParleyClient::close);
        }
    }
}
