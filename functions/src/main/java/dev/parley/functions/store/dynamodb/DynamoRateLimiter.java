package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.functions.ratelimit.RateLimiter;
import dev.parley.model.tables.Tables.RateLimits;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * A token bucket per user held in one DynamoDB item, as the generic cell rate algorithm (GCRA):
 * the item keeps the bucket's theoretical arrival time {@code tat}; each admitted request pushes
 * it one emission interval ({@code 1/rate}) further; a request is refused while {@code tat} is
 * more than {@code burst - 1} intervals ahead of now. Every decision is one conditional write,
 * so concurrent requests on any number of Lambda instances can never both take the last token
 * (no read-modify-write race).
 *
 * <p>Two shapes of the write, tried in the order that makes the common case one write:
 * <ol>
 *   <li>{@link #IDLE}: the bucket is full ({@code tat} in the past or absent): {@code tat = now + interval}.
 *   <li>{@link #BUSY}: the user is sending faster than the rate: {@code tat = tat + interval},
 *       only while that stays within the burst. Refused: {@code retryAfterMs} is exactly when the
 *       next token frees up.
 * </ol>
 * A user sending slower than the rate costs one write per request; a user bursting costs two.
 *
 * <p><b>Leases</b> ({@link #leasing}): when the {@link #IDLE} write finds the bucket full (the user
 * is well under budget), it takes {@code lease} tokens at once instead of one: {@code tat = now +
 * lease * interval}. The tokens it did not use are kept in this instance as their emission times
 * {@code now + k * interval} ({@code k = 2..lease}); a later request of the same user on this
 * instance takes the first one that is not yet due, {@code slot >= now + interval}, with no
 * DynamoDB call at all. That is exactly the slot a fresh {@link #BUSY} write would have been
 * allowed to take, so no window ever admits more than {@code burst + rate * window} requests
 * however many instances lease. What a lease costs: tokens that fall due unused are gone, so right
 * after a lease another instance of the same user finds up to {@code lease - 1} tokens fewer for
 * about {@code lease} intervals. A busy bucket takes one token per write, exactly as before.
 */
public final class DynamoRateLimiter implements RateLimiter {
    static final String IDLE = "attribute_not_exists(#tat) OR #tat <= :now";
    static final String BUSY = "#tat > :now AND #tat <= :limit";
    private static final long IDLE_EXPIRY_SECONDS = 3600;
    private static final int MAX_LEASED_USERS = 10_000;

    private final DynamoDbClient dynamo;
    private final String table;
    private final String purpose;
    private final Clock clock;
    private final long intervalMicros;
    private final int burst;
    private final int lease;
    /** Leased, not yet used tokens of this instance, per user: their emission times. */
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();

    public DynamoRateLimiter(DynamoDbClient dynamo, String table, String purpose, Clock clock, double perSecond, int burst) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.dynamo = dynamo;
        this.table = table;
        this.purpose = purpose;
        this.clock = clock;
        this.intervalMicros = Math.round(1_000_000 / perSecond);
        this.burst = burst;
        this.lease = 1;
    }

    private DynamoRateLimiter(DynamoRateLimiter single, int lease) {
        this.dynamo = single.dynamo;
        this.table = single.table;
        this.purpose = single.purpose;
        this.clock = single.clock;
        this.intervalMicros = single.intervalMicros;
        this.burst = single.burst;
        this.lease = lease;
    }

    /**
     * The same bucket, taking {@code tokens} at once from a full bucket (at most half the burst, so
     * that the user's other instances keep the other half). One instance per container: the
     * leased tokens live as long as the instance.
     */
    public DynamoRateLimiter leasing(int tokens) {
        return new DynamoRateLimiter(this, Math.max(1, Math.min(tokens, burst / 2)));
    }

    /** The user's leased tokens on this instance: emission times {@code base + k * interval}, {@code k <= last}. */
    private static final class Lease {
        final long base;
        final int last;
        int next;

        Lease(long base, int next, int last) {
            this.base = base;
            this.next = next;
            this.last = last;
        }

        /** Takes the first token not yet due at {@code now} ({@code slot >= now + interval}); false when none is left. */
        synchronized boolean take(long now, long interval) {
            long due = (now - base + interval - 1) / interval + 1; // the first k with base + k * interval >= now + interval
            int k = (int) Math.max(next, Math.min(due, last + 1L));
            if (k > last) {
                next = last + 1;
                return false;
            }
            next = k + 1;
            return true;
        }
    }

    @Override
    public boolean acquireHeld(String userId) {
        return takeLeased(userId, clock.millis() * 1000);
    }

    private boolean takeLeased(String userId, long now) {
        if (lease <= 1) {
            return false;
        }
        Lease held = leases.get(userId);
        if (held == null) {
            return false;
        }
        if (held.take(now, intervalMicros)) {
            return true;
        }
        leases.remove(userId, held);
        return false;
    }

    @Override
    public long acquire(String userId) {
        long now = clock.millis() * 1000;
        if (takeLeased(userId, now)) {
            return 0;
        }
        Map<String, AttributeValue> key = Map.of(RateLimits.KEY, s(purpose + "#" + userId));
        Map<String, String> names = Map.of("#tat", RateLimits.TAT, "#expires", RateLimits.EXPIRES_AT);
        long expires = now / 1_000_000 + IDLE_EXPIRY_SECONDS;
        try {
            dynamo.updateItem(update -> update.tableName(table).key(key)
                    .updateExpression("SET #tat = :next, #expires = :expires")
                    .conditionExpression(IDLE)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(Map.of(":now", n(now), ":next", n(now + lease * intervalMicros),
                            ":expires", n(expires))));
            if (lease > 1) {
                if (leases.size() >= MAX_LEASED_USERS) {
                    leases.clear(); // a bound on memory: forgetting leases only wastes their tokens
                }
                leases.put(userId, new Lease(now, 2, lease));
            }
            return 0;
        } catch (ConditionalCheckFailedException busy) {
            // The bucket is partly used: take a token if the burst allows.
        }
        long limit = now + (burst - 1) * intervalMicros;
        try {
            dynamo.updateItem(update -> update.tableName(table).key(key)
                    .updateExpression("SET #tat = #tat + :interval, #expires = :expires")
                    .conditionExpression(BUSY)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(Map.of(":now", n(now), ":limit", n(limit), ":interval", n(intervalMicros),
                            ":expires", n(expires)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return 0;
        } catch (ConditionalCheckFailedException refused) {
            AttributeValue tat = refused.hasItem() ? refused.item().get(RateLimits.TAT) : null;
            if (tat == null || Long.parseLong(tat.n()) <= now) {
                return 1; // the bucket refilled between the two writes: try again at once
            }
            return Math.max(1, (Long.parseLong(tat.n()) - limit + 999) / 1000);
        }
    }
}
