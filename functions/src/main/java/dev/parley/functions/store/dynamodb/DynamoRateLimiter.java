package dev.parley.functions.store.dynamodb;

import static dev.parley.functions.store.dynamodb.Attr.n;
import static dev.parley.functions.store.dynamodb.Attr.s;

import dev.parley.functions.ratelimit.RateLimiter;
import dev.parley.model.tables.Tables.RateLimits;
import java.time.Clock;
import java.util.Map;
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
 */
public final class DynamoRateLimiter implements RateLimiter {
    static final String IDLE = "attribute_not_exists(#tat) OR #tat <= :now";
    static final String BUSY = "#tat > :now AND #tat <= :limit";
    private static final long IDLE_EXPIRY_SECONDS = 3600;

    private final DynamoDbClient dynamo;
    private final String table;
    private final String purpose;
    private final Clock clock;
    private final long intervalMicros;
    private final int burst;

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
    }

    @Override
    public long acquire(String userId) {
        long now = clock.millis() * 1000;
        Map<String, AttributeValue> key = Map.of(RateLimits.KEY, s(purpose + "#" + userId));
        Map<String, String> names = Map.of("#tat", RateLimits.TAT, "#expires", RateLimits.EXPIRES_AT);
        long expires = now / 1_000_000 + IDLE_EXPIRY_SECONDS;
        try {
            dynamo.updateItem(update -> update.tableName(table).key(key)
                    .updateExpression("SET #tat = :next, #expires = :expires")
                    .conditionExpression(IDLE)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(Map.of(":now", n(now), ":next", n(now + intervalMicros),
                            ":expires", n(expires))));
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
