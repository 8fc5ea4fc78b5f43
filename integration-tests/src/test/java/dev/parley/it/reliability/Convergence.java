package dev.parley.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.Message;
import dev.parley.client.Sent;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/** The three assertions every reliability suite ends with: nothing lost, nothing twice, one order. */
final class Convergence {
    private Convergence() {}

    /** Waits for every send to be confirmed, however many retries and reconnects that takes. */
    static List<Sent> confirmed(List<CompletableFuture<Sent>> sends, Duration within) {
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).orTimeout(within.toMillis(), TimeUnit.MILLISECONDS)
                .join();
        return sends.stream().map(CompletableFuture::join).toList();
    }

    /**
     * Nothing lost and nothing stored twice: the stored messages of the conversation are exactly
     * the confirmed sends to it, each once, at the seq its {@code sent} named.
     */
    static void storedExactlyOnce(Timeline timeline, String conversationId, Collection<Sent> confirmed) {
        List<Timeline.Entry> stored = timeline.messages(conversationId);
        Map<String, Long> storedSeqs = stored.stream()
                .collect(Collectors.toMap(Timeline.Entry::clientMsgId, Timeline.Entry::seq, (a, b) -> {
                    throw new AssertionError("a clientMsgId stored twice in " + conversationId + ": seqs " + a + " and " + b);
                }));
        Map<String, Long> confirmedSeqs = confirmed.stream().filter(s -> s.conversationId().equals(conversationId))
                .collect(Collectors.toMap(Sent::clientMsgId, Sent::seq));
        assertThat(storedSeqs).as("stored messages of " + conversationId + " (clientMsgId -> seq) against the sends confirmed")
                .isEqualTo(confirmedSeqs);
    }

    /** Sends of one client to one conversation are stored in the order they were made. */
    static void sendOrderKept(Timeline timeline, String conversationId, List<Sent> inCallOrder) {
        List<String> calls = inCallOrder.stream().map(Sent::clientMsgId).toList();
        List<String> storedOrder = timeline.messages(conversationId).stream().map(Timeline.Entry::clientMsgId)
                .filter(calls::contains).toList();
        assertThat(storedOrder).as("seq order of one sender's messages in " + conversationId).isEqualTo(calls);
    }

    /**
     * Every device's application saw exactly the stored messages of the conversation, each once,
     * in seq order: so all members and devices saw one and the same order. Waits up to
     * {@code within} for the devices to catch up (pushes, retries, syncs).
     */
    static void everyDeviceSawTheStoredTimeline(Timeline timeline, String conversationId, Collection<Device> devices,
                                                Duration within) {
        Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            List<Long> stored = timeline.messageSeqs(conversationId);
            for (Device device : devices) {
                assertThat(device.seqs(conversationId)).as(device + " in " + conversationId).isEqualTo(stored);
            }
        });
        List<Timeline.Entry> stored = timeline.messages(conversationId);
        Map<Long, String> storedIds = stored.stream().collect(Collectors.toMap(Timeline.Entry::seq, Timeline.Entry::clientMsgId));
        Map<Long, String> storedSenders = stored.stream().collect(Collectors.toMap(Timeline.Entry::seq, Timeline.Entry::senderId));
        for (Device device : devices) {
            List<Message> seen = device.in(conversationId);
            assertThat(seen.stream().collect(Collectors.toMap(Message::seq, Message::clientMsgId)))
                    .as(device + ": the message at each seq").isEqualTo(storedIds);
            assertThat(seen.stream().collect(Collectors.toMap(Message::seq, Message::senderId)))
                    .as(device + ": the sender at each seq").isEqualTo(storedSenders);
            assertThat(device.violations()).as(device + ": listener contract").isEmpty();
        }
    }

    static <T> Map<String, List<T>> byConversation(Collection<T> items, Function<T, String> conversation) {
        return items.stream().collect(Collectors.groupingBy(conversation));
    }
}
