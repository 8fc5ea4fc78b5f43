package dev.parley.local.streams;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * Turns records read with the DynamoDB Streams API into the event Lambda's event-source mapping
 * delivers (the aws-lambda-java-events model), attribute by attribute.
 */
final class StreamRecords {
    private StreamRecords() {}

    static DynamodbEvent event(List<Record> records, String streamArn) {
        List<DynamodbEvent.DynamodbStreamRecord> converted = new ArrayList<>(records.size());
        for (Record record : records) {
            converted.add(convert(record, streamArn));
        }
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(converted);
        return event;
    }

    private static DynamodbEvent.DynamodbStreamRecord convert(Record record, String streamArn) {
        var source = record.dynamodb();
        StreamRecord dynamodb = new StreamRecord();
        dynamodb.setSequenceNumber(source.sequenceNumber());
        dynamodb.setSizeBytes(source.sizeBytes());
        if (source.approximateCreationDateTime() != null) {
            dynamodb.setApproximateCreationDateTime(Date.from(source.approximateCreationDateTime()));
        }
        if (source.streamViewType() != null) {
            dynamodb.setStreamViewType(StreamViewType.fromValue(source.streamViewTypeAsString()));
        }
        dynamodb.setKeys(convert(source.keys()));
        if (source.hasNewImage()) {
            dynamodb.setNewImage(convert(source.newImage()));
        }
        if (source.hasOldImage()) {
            dynamodb.setOldImage(convert(source.oldImage()));
        }
        DynamodbEvent.DynamodbStreamRecord converted = new DynamodbEvent.DynamodbStreamRecord();
        converted.setEventID(record.eventID());
        converted.setEventName(record.eventNameAsString());
        converted.setEventVersion(record.eventVersion());
        converted.setEventSource("aws:dynamodb");
        converted.setAwsRegion(record.awsRegion() == null ? "us-east-1" : record.awsRegion());
        converted.setEventSourceARN(streamArn);
        converted.setDynamodb(dynamodb);
        return converted;
    }

    private static Map<String, AttributeValue> convert(
            Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item) {
        Map<String, AttributeValue> converted = new LinkedHashMap<>();
        item.forEach((name, value) -> converted.put(name, convert(value)));
        return converted;
    }

    private static AttributeValue convert(software.amazon.awssdk.services.dynamodb.model.AttributeValue value) {
        AttributeValue converted = new AttributeValue();
        switch (value.type()) {
            case S -> converted.setS(value.s());
            case N -> converted.setN(value.n());
            case B -> converted.setB(value.b().asByteBuffer());
            case BOOL -> converted.setBOOL(value.bool());
            case NUL -> converted.setNULL(true);
            case SS -> converted.setSS(value.ss());
            case NS -> converted.setNS(value.ns());
            case BS -> converted.setBS(value.bs().stream().map(bytes -> bytes.asByteBuffer()).toList());
            case M -> converted.setM(convert(value.m()));
            case L -> converted.setL(value.l().stream().map(StreamRecords::convert).toList());
            default -> throw new IllegalArgumentException("unknown attribute type " + value.type());
        }
        return converted;
    }
}
