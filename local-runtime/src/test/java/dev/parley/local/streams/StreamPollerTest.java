package dev.parley.local.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.parley.dynamodb.local.DynamoDbLocal;
import dev.parley.local.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The event-source-mapping semantics of {@link StreamPoller}, on a real DynamoDB stream (DynamoDB
 * Local, as {@code ./parley local} runs it). The function under the mapping is a plain Java
 * function that records what it was given and fails the way a test tells it to; nothing of AWS
 * is imitated. Each test writes to a table of its own.
 */
class StreamPollerTest {
    private static final Duration WITHIN = Duration.ofSeconds(30);

    private static DynamoDbLocal dynamoDbLocal;
    private static DynamoDbClient dynamo;
    private static DynamoDbStreamsClient streams;

    private final List<StreamPoller> pollers = new ArrayList<>();

    @TempDir
    Path directory;

    @BeforeAll
    static void startDynamoDbLocal() {
        dynamoDbLocal = DynamoDbLocal.start(Optional.empty());
        dynamo = dynamoDbLocal.client();
        streams = dynamoDbLocal.streamsClient();
    }

    @AfterAll
    static void stopDynamoDbLocal() {
        streams.close();
        dynamo.close();
        dynamoDbLocal.close();
    }

    @AfterEach
    void closePollers() {
        pollers.forEach(StreamPoller::close);
    }

    @Test
    void theDeployedMappingIsTheOneTheLocalPollerRuns() {
        EventSourceMapping deployed = EventSourceMapping.DEFAULT;
        assertThat(deployed.batchSize()).isEqualTo(100);
        assertThat(deployed.maxRetryAttempts()).isEqualTo(5);
        assertThat(deployed.bisectOnError()).isTrue();
        assertThat(deployed.maxRecordAge()).isEqualTo(Duration.ofHours(1));
        assertThat(deployed.parallelizationFactor()).isEqualTo(1);
    }

    @Test
    void recordsArriveInStreamOrderInBatchesOfAtMostTheBatchSize() {
        Table table = new Table();
        table.write(25);
        Recorder function = new Recorder();

        start(table, function, EventSourceMapping.DEFAULT.withBatchSize(10));

        Awaitility.await().atMost(WITHIN).until(() -> function.delivered().size() == 25);
        assertThat(function.delivered()).containsExactlyElementsOf(table.written);
        assertThat(function.batchSizes()).containsExactly(10, 10, 5);
    }

    @Test
    void aPartialBatchFailureIsRetriedFromTheFirstFailedRecordWhichIsWhereTheCheckpointStands() {
        Table table = new Table();
        table.write(6);
        Path checkpoints = directory.resolve("checkpoints.json");
        List<String> checkpointAtRetry = new CopyOnWriteArrayList<>();
        Recorder function = new Recorder().answering((recorder, event) -> {
            if (recorder.invocations() == 1) {
                // r3 and r5 failed: Lambda retries from r3, the lower of the two.
                return failed(event, 5, 3);
            }
            checkpointAtRetry.addAll(readCheckpoints(checkpoints).values());
            return new StreamsEventResponse(List.of());
        });

        start(table, function, EventSourceMapping.DEFAULT, Optional.of(checkpoints));

        Awaitility.await().atMost(WITHIN).until(() -> function.invocations() == 2);
        assertThat(function.batches()).containsExactly(table.written, table.written.subList(3, 6));
        assertThat(checkpointAtRetry).containsExactly(table.sequenceNumberOf(function, "r2"));
        assertThat(table.poller().deadLetters()).isEmpty();
    }

    @Test
    void aFailingBatchIsBisectedUntilThePoisonRecordIsAloneAndOnlyItGoesToTheOnFailureDestination() {
        Table table = new Table();
        table.write(8);
        Recorder function = new Recorder().answering((recorder, event) -> {
            if (names(event).contains("r5")) {
                throw new IllegalStateException("r5 cannot be processed");
            }
            return new StreamsEventResponse(List.of());
        });

        start(table, function, EventSourceMapping.DEFAULT);

        // The poller goes on after the poison record: r6 and r7 are delivered after the dead letter.
        Awaitility.await().atMost(WITHIN).until(() -> table.poller().deadLetters().size() == 1
                && function.delivered().contains("r7"));
        StreamPoller.DeadLetter letter = table.poller().deadLetters().get(0);
        assertThat(letter.records()).isEqualTo(1);
        assertThat(letter.firstSequenceNumber()).isEqualTo(table.sequenceNumberOf(function, "r5"));
        assertThat(letter.reason()).contains("function error").contains("r5 cannot be processed");
        assertThat(function.delivered()).containsExactly("r0", "r1", "r2", "r3", "r4", "r6", "r7");
        // Halves, then quarters, ...: [r0..r7], [r0..r3], [r4..r7], [r4, r5], [r4], [r5], ...
        assertThat(function.batches().subList(0, 6)).containsExactly(table.written, table.written.subList(0, 4),
                table.written.subList(4, 8), List.of("r4", "r5"), List.of("r4"), List.of("r5"));

        table.write(1);
        Awaitility.await().atMost(WITHIN).until(() -> function.delivered().contains("r8"));
    }

    @Test
    void withoutBisectionAFailingBatchIsRetriedTheConfiguredNumberOfTimesThenGoesToTheOnFailureDestination() {
        Table table = new Table();
        table.write(3);
        Recorder function = new Recorder().answering((recorder, event) -> {
            if (names(event).contains("r1")) {
                throw new IllegalStateException("r1 cannot be processed");
            }
            return new StreamsEventResponse(List.of());
        });

        start(table, function, EventSourceMapping.DEFAULT.withBisectOnError(false).withMaxRetryAttempts(2));

        Awaitility.await().atMost(WITHIN).until(() -> table.poller().deadLetters().size() == 1);
        assertThat(function.batches()).containsExactly(table.written, table.written, table.written);
        StreamPoller.DeadLetter letter = table.poller().deadLetters().get(0);
        assertThat(letter.records()).isEqualTo(3);
        assertThat(letter.reason()).contains("after 2 retries");

        table.write(1);
        Awaitility.await().atMost(WITHIN).until(() -> function.delivered().contains("r3"));
        assertThat(function.delivered()).containsExactly("r3");
    }

    @Test
    void reportedItemFailuresAreRetriedBoundedlyToo() {
        Table table = new Table();
        table.write(4);
        Recorder function = new Recorder().answering((recorder, event) -> failed(event, names(event).indexOf("r2")));

        start(table, function, EventSourceMapping.DEFAULT.withMaxRetryAttempts(3));

        Awaitility.await().atMost(WITHIN).until(() -> table.poller().deadLetters().size() == 1);
        // The first attempt, then 3 retries from r2; r2 and r3 are given up on.
        assertThat(function.batches()).containsExactly(table.written, List.of("r2", "r3"), List.of("r2", "r3"),
                List.of("r2", "r3"));
        assertThat(table.poller().deadLetters().get(0).records()).isEqualTo(2);
        assertThat(table.poller().deadLetters().get(0).reason()).contains("batch item failure");
    }

    @Test
    void anInvocationThatCrashesWithAnErrorIsRetriedLikeAnyFailedInvocation() {
        Table table = new Table();
        table.write(3);
        Recorder function = new Recorder().answering((recorder, event) -> {
            if (recorder.invocations() == 1) {
                throw new OutOfMemoryError("the function's runtime ran out of memory");
            }
            return new StreamsEventResponse(List.of());
        });

        start(table, function, EventSourceMapping.DEFAULT.withBisectOnError(false));

        Awaitility.await().atMost(WITHIN).until(() -> function.invocations() == 2);
        assertThat(function.batches()).containsExactly(table.written, table.written);
        table.write(1);
        Awaitility.await().atMost(WITHIN).until(() -> function.invocations() == 3);
        assertThat(table.poller().deadLetters()).isEmpty();
    }

    @Test
    void recordsOlderThanTheMaximumRecordAgeGoToTheOnFailureDestinationUnprocessed() {
        Table table = new Table();
        table.write(2);
        Instant written = Instant.now();
        Awaitility.await().atMost(WITHIN).until(() -> Instant.now().isAfter(written.plusMillis(20)));
        Recorder function = new Recorder();

        start(table, function, EventSourceMapping.DEFAULT.withMaxRecordAge(Duration.ofMillis(10)));

        Awaitility.await().atMost(WITHIN).until(() -> !table.poller().deadLetters().isEmpty());
        assertThat(table.poller().deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.records()).isEqualTo(2);
            assertThat(letter.reason()).isEqualTo("older than the maximum record age");
        });
        assertThat(function.invocations()).isZero();
    }

    @Test
    void aFileBackedPollerResumesAfterItsLastCheckpointWhenStartedAgain() {
        Table table = new Table();
        Path checkpoints = directory.resolve("stream-checkpoints.json");
        table.write(5);
        Recorder first = new Recorder();
        StreamPoller before = start(table, first, EventSourceMapping.DEFAULT, Optional.of(checkpoints));
        Awaitility.await().atMost(WITHIN).until(() -> first.delivered().size() == 5);
        before.close();

        table.write(3);
        Recorder second = new Recorder();
        start(table, second, EventSourceMapping.DEFAULT, Optional.of(checkpoints));

        Awaitility.await().atMost(WITHIN).until(() -> second.delivered().size() == 3);
        assertThat(second.delivered()).containsExactly("r5", "r6", "r7");
        assertThat(first.delivered()).containsExactly("r0", "r1", "r2", "r3", "r4");
    }

    @Test
    void withAParallelizationFactorAboveOneOrderHoldsPerItemOnly() {
        Table table = new Table();
        // Eight items, each written five times over: versions 1..5 of every item, interleaved.
        for (int version = 1; version <= 5; version++) {
            for (int item = 0; item < 8; item++) {
                table.put("item" + item, version);
            }
        }
        Map<String, List<Integer>> versions = new ConcurrentHashMap<>();
        Recorder function = new Recorder().answering((recorder, event) -> {
            for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
                versions.computeIfAbsent(record.getDynamodb().getKeys().get("pk").getS(),
                        key -> new CopyOnWriteArrayList<>())
                        .add(Integer.parseInt(record.getDynamodb().getNewImage().get("version").getN()));
            }
            return new StreamsEventResponse(List.of());
        });

        start(table, function, EventSourceMapping.DEFAULT.withParallelizationFactor(4));

        Awaitility.await().atMost(WITHIN).until(() -> function.delivered().size() == 40);
        assertThat(versions).hasSize(8);
        versions.values().forEach(seen -> assertThat(seen).containsExactly(1, 2, 3, 4, 5));
        assertThat(function.invocations()).as("one invocation per lane of the batch").isBetween(1, 4);
    }

    @Test
    void aWriteSignalledByTheWritersClientWakesAPollerInItsLongestRest() {
        Table table = new Table();
        WriteSignal signal = new WriteSignal(table.name);
        Recorder function = new Recorder();
        // An hour's rest: without the signal, the record written below would wait that long.
        StreamPoller poller = new StreamPoller(streams, table.streamArn, function, EventSourceMapping.DEFAULT,
                Optional.empty(), signal, Duration.ofHours(1));
        table.poller = poller;
        pollers.add(poller);
        poller.start();
        Awaitility.await().atMost(WITHIN).until(poller::resting);

        try (DynamoDbClient writer = dynamoDbLocal.client(signal)) {
            table.put(writer, "woken", 1);
        }

        Awaitility.await().atMost(WITHIN).until(() -> function.delivered().contains("woken"));
    }

    @Test
    void theSignalIsRaisedByWritesToTheWatchedTableOnly() {
        Table watched = new Table();
        Table other = new Table();
        WriteSignal signal = new WriteSignal(watched.name);
        try (DynamoDbClient writer = dynamoDbLocal.client(signal)) {
            other.put(writer, "elsewhere", 1);
            writer.getItem(get -> get.tableName(watched.name).key(Map.of("pk", AttributeValue.fromS("x"),
                    "sk", AttributeValue.fromN("1"))));
            assertThat(signal.writes()).isZero();
            watched.put(writer, "here", 1);
            writer.deleteItem(delete -> delete.tableName(watched.name).key(Map.of("pk", AttributeValue.fromS("here"),
                    "sk", AttributeValue.fromN("0"))));
            assertThat(signal.writes()).isEqualTo(2);
        }
    }

    private StreamPoller start(Table table, Recorder function, EventSourceMapping mapping) {
        return start(table, function, mapping, Optional.empty());
    }

    private StreamPoller start(Table table, Recorder function, EventSourceMapping mapping, Optional<Path> checkpoints) {
        StreamPoller poller = new StreamPoller(streams, table.streamArn, function, mapping, checkpoints);
        table.poller = poller;
        pollers.add(poller);
        poller.start();
        return poller;
    }

    private static List<String> names(DynamodbEvent event) {
        return event.getRecords().stream().map(record -> record.getDynamodb().getKeys().get("pk").getS()).toList();
    }

    /** A response naming the records at these indexes of the batch as failed. */
    private static StreamsEventResponse failed(DynamodbEvent event, int... indexes) {
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        for (int index : indexes) {
            if (index >= 0 && index < event.getRecords().size()) {
                failures.add(new StreamsEventResponse.BatchItemFailure(
                        event.getRecords().get(index).getDynamodb().getSequenceNumber()));
            }
        }
        return new StreamsEventResponse(failures);
    }

    private static Map<String, String> readCheckpoints(Path file) {
        try {
            if (!Files.exists(file)) {
                return Map.of();
            }
            return Json.MAPPER.readValue(file.toFile(), new com.fasterxml.jackson.core.type.TypeReference<>() {});
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A table with a stream, written item by item: r0, r1, ... (partition key), sort key 0. */
    private static final class Table {
        final String name = "stream-" + UUID.randomUUID();
        final String streamArn;
        final List<String> written = new ArrayList<>();
        volatile StreamPoller poller;

        Table() {
            dynamo.createTable(create -> create.tableName(name)
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                            a -> a.attributeName("sk").attributeType(ScalarAttributeType.N))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH),
                            k -> k.attributeName("sk").keyType(KeyType.RANGE))
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
            streamArn = dynamo.describeTable(d -> d.tableName(name)).table().latestStreamArn();
        }

        StreamPoller poller() {
            return poller;
        }

        /** Writes {@code count} new items, named on from the last one written. */
        void write(int count) {
            for (int i = 0; i < count; i++) {
                put("r" + written.size(), 1);
            }
        }

        void put(String key, int version) {
            put(dynamo, key, version);
        }

        void put(DynamoDbClient client, String key, int version) {
            client.putItem(put -> put.tableName(name).item(Map.of("pk", AttributeValue.fromS(key),
                    "sk", AttributeValue.fromN("0"), "version", AttributeValue.fromN(Integer.toString(version)))));
            written.add(key);
        }

        /** The sequence number the function was given for the record of {@code key}. */
        String sequenceNumberOf(Recorder function, String key) {
            return function.sequenceNumbers.get(key);
        }
    }

    /** What the mapped function does with a batch, given the recorder (for its invocation count). */
    @FunctionalInterface
    private interface Answer {
        StreamsEventResponse answer(Recorder recorder, DynamodbEvent event);
    }

    /**
     * The function under the mapping: keeps every batch it was given and every record it
     * processed (a batch's records count as processed unless the invocation threw or reported
     * them, or a record before them, failed).
     */
    private static final class Recorder implements Function<DynamodbEvent, StreamsEventResponse> {
        private final List<List<String>> batches = new CopyOnWriteArrayList<>();
        private final List<String> delivered = new CopyOnWriteArrayList<>();
        final Map<String, String> sequenceNumbers = new ConcurrentHashMap<>();
        private volatile Answer answer = (recorder, event) -> new StreamsEventResponse(List.of());

        Recorder answering(Answer answer) {
            this.answer = answer;
            return this;
        }

        @Override
        public StreamsEventResponse apply(DynamodbEvent event) {
            List<String> names = names(event);
            event.getRecords().forEach(record -> sequenceNumbers.put(record.getDynamodb().getKeys().get("pk").getS(),
                    record.getDynamodb().getSequenceNumber()));
            batches.add(names);
            StreamsEventResponse response = answer.answer(this, event);
            int processed = names.size();
            if (response.getBatchItemFailures() != null) {
                for (StreamsEventResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
                    for (int i = 0; i < names.size(); i++) {
                        if (event.getRecords().get(i).getDynamodb().getSequenceNumber()
                                .equals(failure.getItemIdentifier())) {
                            processed = Math.min(processed, i);
                        }
                    }
                }
            }
            delivered.addAll(names.subList(0, processed));
            return response;
        }

        int invocations() {
            return batches.size();
        }

        List<List<String>> batches() {
            return List.copyOf(batches);
        }

        List<Integer> batchSizes() {
            return batches.stream().map(List::size).collect(Collectors.toList());
        }

        List<String> delivered() {
            return List.copyOf(delivered);
        }
    }
}
