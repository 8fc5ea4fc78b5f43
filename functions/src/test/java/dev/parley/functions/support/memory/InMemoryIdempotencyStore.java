package dev.parley.functions.support.memory;

import dev.parley.functions.store.IdempotencyStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link IdempotencyStore} in memory (records never expire here): the conditional claim and move. */
public final class InMemoryIdempotencyStore implements IdempotencyStore {
    private final Map<Key, Record> records = new ConcurrentHashMap<>();

    @Override
    public Optional<Record> claim(Key key, long seq, long sentAt, String contentHash, long expiresAtEpochSecond) {
        return Optional.ofNullable(records.putIfAbsent(key, new Record(seq, sentAt, contentHash)));
    }

    @Override
    public synchronized Record reassign(Key key, long fromSeq, long toSeq, long sentAt) {
        Record record = records.get(key);
        if (record.seq() == fromSeq) {
            record = new Record(toSeq, sentAt, record.contentHash());
            records.put(key, record);
        }
        return record;
    }

    @Override
    public Optional<Record> find(Key key) {
        return Optional.ofNullable(records.get(key));
    }
}
