package dev.parley.functions.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Pins the expressions that carry the delivery guarantees, so a refactoring cannot loosen them unnoticed. */
class WriteConditionsTest {

    @Test
    void anIdempotencyClaimAlsoSucceedsOverAnExpiredRecord() {
        // Without the expiry clause, a record past its window but not yet removed by TTL (which can
        // lag by days) would keep answering a reused clientMsgId with a stale seq.
        assertThat(DynamoIdempotencyStore.CLAIM_CONDITION).isEqualTo("attribute_not_exists(#key) OR #expires < :nowSeconds");
    }

    @Test
    void aTimelineSlotIsWrittenOnce() {
        // A gap marker must never overwrite a message (loss), nor a message a gap (a seq a client was
        // told is empty suddenly holding a message).
        assertThat(DynamoMessageStore.WRITE_ONCE).isEqualTo("attribute_not_exists(#seq)");
    }

    @Test
    void aRateLimitDecisionIsAConditionalWriteNeverARead() {
        // Reading the bucket and writing it back would let two Lambda instances take the last token.
        assertThat(DynamoRateLimiter.IDLE).isEqualTo("attribute_not_exists(#tat) OR #tat <= :now");
        assertThat(DynamoRateLimiter.BUSY).isEqualTo("#tat > :now AND #tat <= :limit");
    }

    @Test
    void seqsComeFromAnAtomicAdd() {
        // ADD is atomic in DynamoDB: concurrent sends can never read-modify-write the same value.
        assertThat(DynamoConversationStore.ALLOCATE_SEQ).startsWith("ADD #lastSeq :one");
    }

    @Test
    void aBlockIsTheConditionOfTheDirectSendsCounterUpdate() {
        // A read of the block before the counter would cost every direct send a read, and a block
        // landing between the read and the update would let the send through.
        assertThat(DynamoConversationStore.NOT_BLOCKED).isEqualTo("NOT contains(#blocked, :sender)");
    }

    @Test
    void anAdminIsTakenAwayOnlyWhileAnotherRemains() {
        // Reading the admins and then demoting would let two admins demoting each other at once
        // leave a group without one; the count is the condition of the same transaction.
        assertThat(DynamoConversationStore.ANOTHER_ADMIN).isEqualTo("#admins > :one");
        assertThat(DynamoConversationStore.ANOTHER_ADMIN_OR_ALONE).isEqualTo("#admins > :one OR #count <= :one");
    }
}
