package dev.parley.model.tables;

import java.util.List;
import java.util.Optional;

/**
 * One DynamoDB table as every part of Parley needs to know it: the functions (key names), the
 * local runtime (to create it on DynamoDB Local) and the CDK app (to deploy it). Pure data, no
 * SDK types, so the CDK module can read it without the AWS SDK.
 *
 * @param envVar       the environment variable through which functions learn the table's name
 * @param defaultName  the physical name on the local runtime; the CDK app lets CloudFormation name it
 * @param ttlAttribute epoch-seconds attribute DynamoDB expires items by, if the table's data expires
 * @param stream       whether the table has a stream of new images (fan-out reads it)
 */
public record TableDefinition(String envVar, String defaultName, Key partitionKey, Optional<Key> sortKey,
                              Optional<String> ttlAttribute, boolean stream, List<Index> indexes) {

    public enum AttributeType { STRING, NUMBER }

    public record Key(String name, AttributeType type) {}

    /** What a global secondary index holds of each item besides the keys. */
    public enum Projection {
        /** Every attribute: a change of any attribute writes the index. */
        ALL,
        /**
         * The table's and the index's keys only: a write that changes neither leaves the index
         * untouched; readers fetch the items by key.
         */
        KEYS_ONLY
    }

    /** A global secondary index. */
    public record Index(String name, Key partitionKey, Optional<Key> sortKey, Projection projection) {
        /** An index projecting all attributes. */
        public Index(String name, Key partitionKey, Optional<Key> sortKey) {
            this(name, partitionKey, sortKey, Projection.ALL);
        }
    }
}
