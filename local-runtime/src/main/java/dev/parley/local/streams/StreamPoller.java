// Over 400 lines on purpose: the event-source-mapping semantics (batching, partial failures, bisect,
// bounded retries, record age, checkpoints, lanes) all act on one shard position and its retry
// state; split apart they would pass that state through every call. Each rule has its own test.
package dev.parley.local.streams;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.parley.functions.observability.Telemetry;
import dev.parley.local.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
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
 *   <li>with a parallelization factor above 1, a shard's batch is split by item key (partition
 *       and sort key) into that many concurrent invocations: order holds per item only, as on
 *       AWS (the fan-out mapping deploys factor 1, which keeps one conversation's pushes in seq
 *       order);</li>
 *   <li>a batch response naming failed items checkpoints before the first failed record and
 *       retries from it; an invocation that fails (throws, or crashes with an error) retries the
 *       whole batch, bisecting it when configured;</li>
 *   <li>after {@link EventSourceMapping#maxRetryAttempts()} retries, or past the maximum record
 *       age, the records go to the on-failure destination ({@link #deadLetters()}) and the
 *       shard moves on;</li>
 *   <li>with a checkpoint file (file-backed runtime) processing resumes after the last
 *       checkpointed record when the runtime restarts.</li>
 * </ul>
 *
 * <p>Between polls that find nothing it backs off, from {@value #FIRST_IDLE_MILLIS} ms doubling up
 * to {@value #LAST_SHORT_IDLE_MILLIS} ms (10 s after the last write) and then the maximum idle wait,
 * and a {@link WriteSignal} on the writers' DynamoDB client wakes it at once when the streamed table
 * is written. With every writer signalled (the runtime's own DynamoDB Local) the maximum wait is
 * {@link #SIGNALLED_MAX_IDLE}: an idle runtime makes one poll a minute, and a push leaves as soon as
 * its record can be read. Otherwise it is {@link #MAX_IDLE}, for writes no signal sees. (Lambda
 * polls each shard about four times a second; a wait here never delays a record a writer
 * signalled.)
 */
public final class StreamPoller implements AutoCloseable {
    /** The longest rest between two polls that found nothing, when some writers may not signal. */
    public static final Duration MAX_IDLE = Duration.ofSeconds(5);
    /** The longest rest when every writer of the table signals its writes. */
    public static final Duration SIGNALLED_MAX_IDLE = Duration.ofMinutes(1);
    static final long FIRST_IDLE_MILLIS = 5;
    /** Short waits (5, 10, ... 5,120 ms: 10 s after the last write) find a record that lags its write. */
    static final long LAST_SHORT_IDLE_MILLIS = 5_120;
    /** Shards are listed again this often, and at once when one is finished (its children follow). */
    private static final long DESCRIBE_EVERY_MILLIS = 10_000;

    /** What the on-failure destination receives: the range of records given up on, and why. */
    public record DeadLetter(String shardId, String firstSequenceNumber, String lastSequenceNumber, int records,
                             String reason) {}

    /**
     * How an invocation of the function goes: the default calls it. Fault injection (the soak run)
     * replaces it to make invocations crash before or after the function ran, as a Lambda
     * invocation can (out of memory, timeout, runtime exit).
     */
    @FunctionalInterface
    public interface Invocations {
        Invocations PLAIN = (event, function) -> function.apply(event);

        StreamsEventResponse invoke(DynamodbEvent event, Function<DynamodbEvent, StreamsEventResponse> function);
    }

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final Function<DynamodbEvent, StreamsEventResponse> function;
    private final EventSourceMapping mapping;
    private final Optional<Path> checkpointFile;
    private final WriteSignal wakeup;
    private final long maxIdleMillis;
    private final Map<String, String> checkpoints = new ConcurrentHashMap<>();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private final Map<String, String> iterators = new HashMap<>();
    private final Set<String> finishedShards = new HashSet<>();
    private final Map<String, String> parents = new LinkedHashMap<>();
    private final Thread thread;
    private final ExecutorService lanes;
    private volatile boolean running = true;
    private volatile Invocations invocations = Invocations.PLAIN;
    private volatile boolean resting;
    private long describedAt;
    private boolean shardFinished;

    /** A poller that wakes only on its own back-off (no writer signals it). */
    public StreamPoller(DynamoDbStreamsClient streams, String streamArn,
                        Function<DynamodbEvent, StreamsEventResponse> function, EventSourceMapping mapping,
                        Optional<Path> checkpointFile) {
        this(streams, streamArn, function, mapping, checkpointFile, WriteSignal.none(), MAX_IDLE);
    }

    /**
     * @param wakeup  raised by the writers of the streamed table (see {@link WriteSignal})
     * @param maxIdle the longest rest between polls when nothing is signalled
     */
    public StreamPoller(DynamoDbStreamsClient streams, String streamArn,
                        Function<DynamodbEvent, StreamsEventResponse> function, EventSourceMapping mapping,
                        Optional<Path> checkpointFile, WriteSignal wakeup, Duration maxIdle) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.function = function;
        this.mapping = mapping;
        this.checkpointFile = checkpointFile;
        this.wakeup = wakeup;
        this.maxIdleMillis = Math.max(FIRST_IDLE_MILLIS, maxIdle.toMillis());
        checkpointFile.ifPresent(this::loadCheckpoints);
        this.thread = new Thread(this::run, "stream-poller");
        thread.setDaemon(true);
        this.lanes = mapping.parallelizationFactor() == 1 ? null
                : Executors.newFixedThreadPool(mapping.parallelizationFactor(), runnable -> {
                    Thread lane = new Thread(runnable, "stream-poller-lane");
                    lane.setDaemon(true);
                    return lane;
                });
    }

    public void start() {
        thread.start();
    }

    public EventSourceMapping mapping() {
        return mapping;
    }

    /** Replaces how the function is invoked (fault injection); {@link Invocations#PLAIN} restores it. */
    public void setInvocations(Invocations invocations) {
        this.invocations = invocations;
    }

    /** Whether the poller is in its longest wait (nothing read for a while); for tests. */
    boolean resting() {
        return resting;
    }

    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    @Override
    public void close() {
        running = false;
        // A batch in flight finishes (an interrupt would abort its function's calls half way, as a
        // Ctrl-C of ./parley local did); an idle wait ends at once. Interrupted only if stuck.
        wakeup.signal();
        try {
            thread.join(5_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (lanes != null) {
            lanes.shutdownNow();
        }
    }

    private void run() {
        long idleMillis = 0;
        while (running) {
            try {
                long writesSeen = wakeup.writes();
                if (pollOnce()) {
                    idleMillis = 0;
                    continue;
                }
                idleMillis = idleMillis == 0 ? FIRST_IDLE_MILLIS
                        : idleMillis >= LAST_SHORT_IDLE_MILLIS ? maxIdleMillis
                        : Math.min(maxIdleMillis, idleMillis * 2);
                resting = idleMillis == maxIdleMillis;
                boolean woken = wakeup.awaitWriteAfter(writesSeen, idleMillis);
                resting = false;
                if (woken) {
                    idleMillis = 0; // a write: poll now, then briefly, until its record shows up
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                if (!running) {
                    return;
                }
                Telemetry.event("stream-poller").field("outcome", "poll-failed").failure(e).emit(Telemetry.Level.WARN);
                sleepQuietly(200);
            }
        }
    }

    /** One pass over the readable shards; true when any records were processed. */
    private boolean pollOnce() {
        long now = System.currentTimeMillis();
        if (now - describedAt > DESCRIBE_EVERY_MILLIS || iterators.isEmpty() || shardFinished) {
            shardFinished = false;
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
                if (!deliver(shardId, response.records())) {
                    return false; // closing: the batch was not finished, nor checkpointed
                }
                processed = true;
            }
            if (response.nextShardIterator() == null) {
                iterators.remove(shardId);
                finishedShards.add(shardId);
                shardFinished = true;
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
            } catch (TrimmedDataAccessException | ResourceNotFoundException gone) {
                // The checkpointed record has aged out of the stream: start from the oldest one kept.
            }
        }
        return streams.getShardIterator(get -> get.streamArn(streamArn).shardId(shardId)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    }

    /**
     * Delivers one batch read from a shard, with retries, bisection and the on-failure
     * destination, then checkpoints after its last record.
     *
     * @return false when the poller closed before the batch was done (nothing is checkpointed)
     */
    private boolean deliver(String shardId, List<Record> batch) {
        if (lanes == null) {
            deliver(shardId, batch, 0, true);
        } else {
            deliverInLanes(shardId, batch);
        }
        if (!running) {
            return false;
        }
        checkpoint(shardId, batch.get(batch.size() - 1).dynamodb().sequenceNumber());
        return true;
    }

    /**
     * Parallelization factor above 1: the batch is split by item key into concurrent lanes, each
     * delivered in order with its own retries. Two records of one item always share a lane; two
     * items of one conversation need not, so their order across lanes is not kept.
     */
    private void deliverInLanes(String shardId, List<Record> batch) {
        Map<Integer, List<Record>> byLane = new LinkedHashMap<>();
        for (Record record : batch) {
            int lane = Math.floorMod(record.dynamodb().keys().hashCode(), mapping.parallelizationFactor());
            byLane.computeIfAbsent(lane, any -> new ArrayList<>()).add(record);
        }
        List<Future<?>> inFlight = new ArrayList<>();
        for (List<Record> records : byLane.values()) {
            inFlight.add(lanes.submit(() -> deliver(shardId, records, 0, false)));
        }
        for (Future<?> lane : inFlight) {
            try {
                lane.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                Telemetry.event("stream-poller").field("outcome", "lane-failed").failure(e.getCause())
                        .emit(Telemetry.Level.WARN);
            }
        }
    }

    /**
     * @param checkpointWithin whether a partial batch failure checkpoints before the failed record
     *                         (records are delivered one range at a time in stream order; not so
     *                         across concurrent lanes)
     */
    private void deliver(String shardId, List<Record> records, int retriesSoFar, boolean checkpointWithin) {
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
                response = invocations.invoke(StreamRecords.event(pending, streamArn), function);
            } catch (RuntimeException | Error functionError) {
                // Lambda reports a thrown error, a crash of the runtime and a timeout alike: the
                // invocation failed, and the whole batch is retried.
                if (mapping.bisectOnError() && pending.size() > 1) {
                    int half = pending.size() / 2;
                    deliver(shardId, pending.subList(0, half), retries + 1, checkpointWithin);
                    deliver(shardId, pending.subList(half, pending.size()), retries + 1, checkpointWithin);
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
            if (checkpointWithin && firstFailed > 0) {
                checkpoint(shardId, pending.get(firstFailed - 1).dynamodb().sequenceNumber());
            }
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
        Telemetry.event("stream-on-failure-destination").field("shardId", shardId)
                .field("firstSequenceNumber", letter.firstSequenceNumber())
                .field("lastSequenceNumber", letter.lastSequenceNumber()).field("records", records.size())
                .field("reason", reason).emit(Telemetry.Level.WARN);
    }

    private synchronized void checkpoint(String shardId, String sequenceNumber) {
        checkpoints.put(shardId, sequenceNumber);
        checkpointFile.ifPresent(file -> {
            try {
                Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
                Files.writeString(temporary, Json.MAPPER.writeValueAsString(checkpoints));
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Telemetry.event("stream-poller").field("outcome", "checkpoint-failed").failure(e)
                        .emit(Telemetry.Level.WARN);
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

    /** For diagnostics: the stream this poller reads. */
    @Override
    public String toString() {
        return "StreamPoller[" + streamArn + ", " + new ArrayList<>(iterators.keySet()) + "]";
    }
}
