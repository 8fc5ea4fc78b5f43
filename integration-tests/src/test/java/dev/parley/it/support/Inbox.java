package dev.parley.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.model.config.Setting;
import dev.parley.model.tables.Tables;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The shared runtime's sync store, for tests: unread counts and read positions are applied by
 * fan-out, a few milliseconds after the send (as pushes are), so a test that asserts them right
 * after sending first waits until fan-out got there.
 */
public final class Inbox {
    private Inbox() {}

    /** The user's entry for the conversation, read strongly consistently (empty when there is none). */
    public static Map<String, AttributeValue> entry(String userId, String conversationId) {
        var runtime = Parley.runtime();
        return runtime.dynamo().getItem(get -> get.tableName(runtime.config().get(Setting.INBOX_TABLE))
                .key(Map.of(Tables.Inbox.USER_ID, AttributeValue.fromS(userId),
                        Tables.Inbox.ITEM, AttributeValue.fromS(Tables.Inbox.entryItem(conversationId))))
                .consistentRead(true)).item();
    }

    /**
     * Waits until fan-out has applied every seq up to {@code seq} to the user's entry. The bound is
     * for a stuck fan-out, not a speed: 500 messages take a few seconds idle and over 20 s on a
     * shared machine at load 15.
     */
    public static void awaitApplied(String userId, String conversationId, long seq) {
        Awaitility.await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            Map<String, AttributeValue> entry = entry(userId, conversationId);
            assertThat(entry).as("inbox entry of %s in %s", userId, conversationId).containsKey(Tables.Inbox.LAST_SEQ);
            assertThat(Long.parseLong(entry.get(Tables.Inbox.LAST_SEQ).n())).isGreaterThanOrEqualTo(seq);
            assertThat(entry.get(Tables.Inbox.PENDING)).as("seqs still pending").isNull();
        });
    }

    /** A device's ack position, or null. */
    public static Long ack(String userId, String deviceId, String conversationId) {
        var runtime = Parley.runtime();
        Map<String, AttributeValue> item = runtime.dynamo().getItem(get -> get
                .tableName(runtime.config().get(Setting.INBOX_TABLE))
                .key(Map.of(Tables.Inbox.USER_ID, AttributeValue.fromS(userId),
                        Tables.Inbox.ITEM, AttributeValue.fromS(Tables.Inbox.ackItem(deviceId, conversationId))))
                .consistentRead(true)).item();
        return item == null || !item.containsKey(Tables.Inbox.ACK_SEQ) ? null : Long.parseLong(item.get(Tables.Inbox.ACK_SEQ).n());
    }
}
