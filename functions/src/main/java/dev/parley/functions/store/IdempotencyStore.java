package dev.parley.functions.store;

import java.util.Optional;

/** Which seq each (conversation, sender, clientMsgId) was given, for the idempotency window. */
public interface IdempotencyStore {

    /** One message's identity: the same clientMsgId from another sender or conversation is another message. */
    record Key(String conversationId, String senderId, String clientMsgId) {}

    /** {@code contentHash}: of the first attempt's content; null on records written before hashes were kept. */
    record Record(long seq, long sentAt, String contentHash) {}

    /**
     * Claims the key for {@code seq} with a conditional write. Returns empty when this call made
     * the claim, or the record that holds the key (an earlier or concurrent attempt).
     */
    Optional<Record> claim(Key key, long seq, long sentAt, String contentHash, long expiresAtEpochSecond);

    /**
     * Moves a claim from {@code fromSeq} to {@code toSeq}, only if it still points at
     * {@code fromSeq}. Returns the record as it is afterwards.
     */
    Record reassign(Key key, long fromSeq, long toSeq, long sentAt);

    /** The unexpired record of the key, read strongly consistently. */
    Optional<Record> find(Key key);
}
