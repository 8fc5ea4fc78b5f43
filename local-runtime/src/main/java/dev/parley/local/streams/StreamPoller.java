package dev.parley.local.streams;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.parley.local.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Reads a DynamoDB stream with the Streams API and invokes a function with Lambda's
 * event-source-mapping semantics:
 * <ul>
 *   <li>records in stream order, in batches of at most {@link EventSourceMapping#batchSize()};
 *       a child shard is read only after its parent is finished, so order per key holds;</li>
 *   <li>a batch response naming failed items checkpoints before the first failed record and
 *       retries from it; a thrown error retries the whole batch, bisecting it when configured;</li>
 *   <li>after {@link EventSourceMapping#maxRetryAttempts()} retries, or past the maximum record
 *       age, the records go to the on-failure destination ({@link #deadLetters()}) and the
 *       shard moves on;</li>
 *   <li>with a checkpoint file (file-backed runtime) processing resumes after the last
 *       checkpointed record when the runtime restarts.</li>
 * </ul>
 */
public final class StreamPoller implements AutoCloseable {
    private static final long IDLE_SLEEP_MILLIS = 5;
    private static final long DESCRIBE_EVERY_MILLIS = 1_000;

    /** What the on-failure destination receives: the range of records given up on, and why. */
    public record DeadLetter(String shardId, String firstSequenceNumber, String lastSequenceNumber, int records,
                             String reason) {}

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final Function<DynamodbEvent, StreamsEventResponse> function;
    private final EventSourceMapping mapping;
    private final Optional<Path> checkpointFile;
    private final Map<String, String> checkpoints = new ConcurrentHashMap<>();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private final Map<String, String> iterators = new HashMap<>();
    private final Set<String> finishedShards = new HashSet<>();
    private final Map<String, String> parents = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long describedAt;

    public StreamPoller(DynamoDbStreamsClient streams, String streamArn,
                        Function<DynamodbEvent, StreamsEventResponse> function, EventSourceMapping mapping,
                        Optional<Path> checkpointFile) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.function = function;
        this.mapping = mapping;
        this.checkpointFile = checkpointFile;
        checkpointFile.ifPresent(this::loadCheckpoints);
        this.thread = new Thread(this::run, "stream-poller");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (running) {
            try {
                if (!pollOnce()) {
                    Thread.sleep(IDLE_SLEEP_MILLIS);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                System.err.println("{\"level\":\"WARN\",\"what\":\"stream-poller\",\"error\":"
                        + quote(String.valueOf(e)) + "}");
                sleepQuietly(200);
            }
        }
    }

    /** One pass over the readable shards; true when any records were processed. */
    private boolean pollOnce() {
        long now = System.currentTimeMillis();
        if (now - describedAt > DESCRIBE_EVERY_MILLIS || iterators.isEmpty()) {
            describeShards();
            describedAt = now;
        }
        boolean processed = false;
        for (String shardId : List.copyOf(iterators.keySet())) {
            String parent = parents.get(shardId);
            if (parent != null && parents.containsKey(parent) && !finishedShards.contains(parent)) {
                continue; // the parent's records come first
            }
            String iterator = iterators.get(shardId);
            if (iterator == null) {
                iterator = openIterator(shardId);
            }
            GetRecordsResponse response;
            try {
                String current = iterator;
                response = streams.getRecords(get -> get.shardIterator(current).limit(mapping.batchSize()));
            } catch (ExpiredIteratorException | TrimmedDataAccessException stale) {
                iterators.put(shardId, null);
                continue;
            }
            if (!response.records().isEmpty()) {
                deliver(shardId, response.records());
                processed = true;
            }
            if (response.nextShardIterator() == null) {
                iterators.remove(shardId);
                finishedShards.add(shardId);
            } else {
                iterators.put(shardId, response.nextShardIterator());
            }
        }
        return processed;
    }

    private void describeShards() {
        String start = null;
        do {
            String exclusiveStart = start;
            var description = streams.describeStream(d -> d.streamArn(streamArn).exclusiveStartShardId(exclusiveStart))
                    .streamDescription();
            for (Shard shard : description.shards()) {
                parents.putIfAbsent(shard.shardId(), shard.parentShardId());
                if (!iterators.containsKey(shard.shardId()) && !finishedShards.contains(shard.shardId())) {
                    iterators.put(shard.shardId(), null);
                }
            }
            start = description.lastEvaluatedShardId();
        } while (start != null);
    }

    private String openIterator(String shardId) {
        String checkpoint = checkpoints.get(shardId);
        if (checkpoint != null) {
            try {
                return streams.getShardIterator(get -> get.streamArn(streamArn).shardId(shardId)
                        .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(checkpoint))
                        .shardIterator();
            } catch (TrimmedDataAccessException | software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException gone) {
                // The checkpointed record has aged out of the stream: start from the oldest one kept.
            }
        }
        return streams.getShardIterator(get -> get.streamArn(streamArn).shardId(shardId)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    }

    /** Delivers one batch read from a shard, with retries, bisection and the on-failure destination. */
    private void deliver(String shardId, List<Record> batch) {
        deliver(shardId, batch, 0);
        checkpoint(shardId, batch.get(batch.size() - 1).dynamodb().sequenceNumber());
    }

    private void deliver(String shardId, List<Record> records, int retriesSoFar) {
        List<Record> pending = records;
        int retries = retriesSoFar;
        while (!pending.isEmpty() && running) {
            List<Record> fresh = withinMaxAge(shardId, pending);
            if (fresh.isEmpty()) {
                return;
            }
            pending = fresh;
            StreamsEventResponse response;
            try {
                response = function.apply(StreamRecords.event(pending, streamArn));
            } catch (RuntimeException functionError) {
                if (mapping.bisectOnError() && pending.size() > 1) {
                    int half = pending.size() / 2;
                    deliver(shardId, pending.subList(0, half), retries + 1);
                    deliver(shardId, pending.subList(half, pending.size()), retries + 1);
                    return;
                }
                pending = retryOrGiveUp(shardId, pending, retries++, "function error: " + functionError);
                continue;
            }
            int firstFailed = firstFailedIndex(pending, response);
            if (firstFailed < 0) {
                return;
            }
            // Lambda checkpoints before the first failed record and retries from there.
            pending = retryOrGiveUp(shardId, pending.subList(firstFailed, pending.size()), retries++,
                    "batch item failure");
        }
    }

    private List<Record> retryOrGiveUp(String shardId, List<Record> pending, int retries, String reason) {
        if (retries >= mapping.maxRetryAttempts()) {
            giveUp(shardId, pending, reason + " after " + retries + " retries");
            return List.of();
        }
        sleepQuietly(Math.min(1_000, 20L << retries));
        return pending;
    }

    private List<Record> withinMaxAge(String shardId, List<Record> pending) {
        Instant oldest = Instant.now().minus(mapping.maxRecordAge());
        int firstFresh = 0;
        while (firstFresh < pending.size() && pending.get(firstFresh).dynamodb().approximateCreationDateTime() != null
                && pending.get(firstFresh).dynamodb().approximateCreationDateTime().isBefore(oldest)) {
            firstFresh++;
        }
        if (firstFresh > 0) {
            giveUp(shardId, pending.subList(0, firstFresh), "older than the maximum record age");
        }
        return pending.subList(firstFresh, pending.size());
    }

    /**
     * The index of the first record to retry, or -1 when the batch succeeded. An empty or unknown
     * item identifier fails the whole batch, as Lambda treats it.
     */
    private static int firstFailedIndex(List<Record> batch, StreamsEventResponse response) {
        if (response == null || response.getBatchItemFailures() == null || response.getBatchItemFailures().isEmpty()) {
            return -1;
        }
        int first = Integer.MAX_VALUE;
        for (StreamsEventResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
            int index = -1;
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i).dynamodb().sequenceNumber().equals(failure.getItemIdentifier())) {
                    index = i;
                    break;
                }
            }
            if (index < 0) {
                return 0;
            }
            first = Math.min(first, index);
        }
        return first;
    }

    private void giveUp(String shardId, List<Record> records, String reason) {
        DeadLetter letter = new DeadLetter(shardId, records.get(0).dynamodb().sequenceNumber(),
                records.get(records.size() - 1).dynamodb().sequenceNumber(), records.size(), reason);
        deadLetters.add(letter);
        System.err.println("{\"level\":\"WARN\",\"what\":\"stream-on-failure-destination\",\"shardId\":" + quote(shardId)
                + ",\"records\":" + records.size() + ",\"reason\":" + quote(reason) + "}");
    }

    private void checkpoint(String shardId, String sequenceNumber) {
        checkpoints.put(shardId, sequenceNumber);
        checkpointFile.ifPresent(file -> {
            try {
                Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
                Files.writeString(temporary, Json.MAPPER.writeValueAsString(checkpoints));
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                System.err.println("{\"level\":\"WARN\",\"what\":\"stream-checkpoint\",\"error\":" + quote(e.toString()) + "}");
            }
        });
    }

    private void loadCheckpoints(Path file) {
        if (Files.exists(file)) {
            try {
                checkpoints.putAll(Json.MAPPER.readValue(file.toFile(), new TypeReference<Map<String, String>>() {}));
            } catch (IOException e) {
                throw new IllegalStateException("unreadable stream checkpoints in " + file, e);
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String quote(String value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            return "\"?\"";
        }
    }

    /** For diagnostics: the stream this poller reads. */
    @Override
    public String toString() {
        return "StreamPoller[" + streamArn + ", " + new ArrayList<>(iterators.keySet()) + "]";
    }
}
