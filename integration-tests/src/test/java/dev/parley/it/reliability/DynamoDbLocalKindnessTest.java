package dev.parley.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.it.support.OwnRuntime;
import dev.parley.it.support.WsClient;
import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import dev.parley.model.domain.ConversationId;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Where DynamoDB Local is kinder than DynamoDB and what Parley does so that AWS's harsher
 * behaviour breaks nothing: reads "appear to be strongly consistent" locally, so the reads a
 * guarantee rests on must ask for {@code ConsistentRead} (checked on the requests themselves);
 * {@code TransactionConflict} cancellations are never thrown locally, so one is injected and the
 * event it hit must still be applied.
 */
class DynamoDbLocalKindnessTest {
    private static final Faults FAULTS = new Faults();
    private static LocalRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        runtime = LocalRuntime.start(Backends.options().port(0).dynamoInterceptor(FAULTS).build());
    }

    @AfterAll
    static void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
    }

    /** Records the idempotency table's reads; cancels the next event transaction with TransactionConflict when armed. */
    private static final class Faults implements ExecutionInterceptor {
        final List<GetItemRequest> idempotencyReads = new CopyOnWriteArrayList<>();
        final AtomicBoolean conflictNextTransaction = new AtomicBoolean();
        volatile String idempotencyTable = "";

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            SdkRequest request = context.request();
            if (request instanceof GetItemRequest get && get.tableName().equals(idempotencyTable)) {
                idempotencyReads.add(get);
            }
            if (request instanceof TransactWriteItemsRequest transaction && appliesAnEvent(transaction)
                    && conflictNextTransaction.getAndSet(false)) {
                List<CancellationReason> reasons = IntStream.range(0, transaction.transactItems().size())
                        .mapToObj(i -> CancellationReason.builder().code("TransactionConflict")
                                .message("Transaction is ongoing for the item").build())
                        .collect(Collectors.toList());
                throw TransactionCanceledException.builder().message("Transaction cancelled (injected)")
                        .cancellationReasons(reasons).statusCode(400).build();
            }
        }
    }

    /** The transaction of an edit, a deletion or a reaction: it moves the target message's {@code stateSeq}. */
    private static boolean appliesAnEvent(TransactWriteItemsRequest transaction) {
        return transaction.transactItems().stream()
                .anyMatch(item -> item.update() != null && item.update().updateExpression().contains("#stateSeq"));
    }

    private static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aResendIsAnsweredFromAStronglyConsistentReadOfTheIdempotencyRecord() {
        FAULTS.idempotencyTable = runtime.config().get(Setting.IDEMPOTENCY_TABLE);
        String alice = user("alice");
        String bob = user("bob");
        try (WsClient a = OwnRuntime.connect(runtime, alice)) {
            long seq = a.send(bob, "m1", "hello").path("seq").asLong();
            FAULTS.idempotencyReads.clear();
            assertThat(a.send(bob, "m1", "hello").path("seq").asLong()).as("the resend's seq").isEqualTo(seq);
        }
        assertThat(FAULTS.idempotencyReads).as("reads of the idempotency record by the resend").isNotEmpty()
                .allSatisfy(read -> assertThat(read.consistentRead()).isTrue());
    }

    @Test
    void anEditWhoseTransactionConflictsOnceIsRetriedAndApplied() {
        String alice = user("alice");
        String bob = user("bob");
        String conversation = ConversationId.direct(alice, bob);
        try (WsClient a = OwnRuntime.connect(runtime, alice)) {
            long seq = a.send(bob, "m1", "helo").path("seq").asLong();
            FAULTS.conflictNextTransaction.set(true);
            ObjectNode edit = WsClient.JSON.createObjectNode().put("action", "edit").put("conversationId", conversation)
                    .put("seq", seq).put("clientMsgId", "e1");
            edit.putObject("body").put("text", "hello");
            JsonNode sent = a.request(edit);
            assertThat(sent.path("type").asText()).as(sent.toString()).isEqualTo("sent");
            assertThat(FAULTS.conflictNextTransaction.get()).as("the conflict was injected").isFalse();

            ObjectNode history = WsClient.JSON.createObjectNode().put("action", "history").put("conversationId", conversation);
            JsonNode page = a.request(history);
            JsonNode message = null;
            for (JsonNode entry : page.path("messages")) {
                if (entry.path("seq").asLong() == seq) {
                    message = entry;
                }
            }
            assertThat(message).as(page.toString()).isNotNull();
            assertThat(message.path("body").path("text").asText()).isEqualTo("hello");
        }
    }
}
