package dev.parley.functions.store.dynamodb;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import dev.parley.functions.store.TimelineStream;
import java.util.Map;

/** {@link TimelineStream} on the messages table's stream, through its one mapper, {@link MessageItems}. */
public final class DynamoTimelineStream implements TimelineStream {
    @Override
    public NewEntry read(Map<String, AttributeValue> image) {
        return new NewEntry(MessageItems.fromStreamImage(image), MessageItems.originConnection(image));
    }
}
