package dev.parley.functions.store;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import dev.parley.model.domain.TimelineEntry;
import java.util.Map;

/** Reads the new images of the messages table's stream, as Lambda delivers them to fan-out. */
public interface TimelineStream {

    /** A stored entry, and the connection it was sent from (null if none), which fan-out skips. */
    record NewEntry(TimelineEntry entry, String originConnectionId) {}

    /** Throws for an image that is not a timeline entry. */
    NewEntry read(Map<String, AttributeValue> image);
}
