package dev.parley.local.streams;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Wakes the stream poller when a write to the streamed table succeeds. It sits on the functions'
 * DynamoDB client (an SDK {@link ExecutionInterceptor}, so it sees exactly the calls DynamoDB
 * answered), which lets the poller rest for seconds between polls when nothing is written and
 * still read a new record at once. It only shortens a wait: a write made by another client is
 * still read at the next poll.
 */
public final class WriteSignal implements ExecutionInterceptor {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition written = lock.newCondition();
    private volatile String table;
    private long writes;

    /** A signal for writes to {@code table}; null until {@link #watch} names it. */
    public WriteSignal(String table) {
        this.table = table;
    }

    /** A signal whose table is named later, once the configuration is known. */
    public WriteSignal() {
        this(null);
    }

    /** A signal no write ever raises: the poller falls back to its idle back-off alone. */
    public static WriteSignal none() {
        return new WriteSignal();
    }

    public void watch(String tableName) {
        this.table = tableName;
    }

    /** Writes signalled so far; pass it to {@link #awaitWriteAfter} to wait for the next one. */
    public long writes() {
        lock.lock();
        try {
            return writes;
        } finally {
            lock.unlock();
        }
    }

    /** Raises the signal (a write the interceptor cannot see, or a test). */
    public void signal() {
        lock.lock();
        try {
            writes++;
            written.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until more than {@code seen} writes were signalled, or {@code millis} passed.
     *
     * @return true when a write woke the caller
     */
    public boolean awaitWriteAfter(long seen, long millis) throws InterruptedException {
        long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
        lock.lock();
        try {
            while (writes <= seen) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = written.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        String watched = table;
        if (watched != null && writesTo(context.request(), watched)) {
            signal();
        }
    }

    static boolean writesTo(SdkRequest request, String table) {
        if (request instanceof PutItemRequest put) {
            return table.equals(put.tableName());
        }
        if (request instanceof UpdateItemRequest update) {
            return table.equals(update.tableName());
        }
        if (request instanceof DeleteItemRequest delete) {
            return table.equals(delete.tableName());
        }
        if (request instanceof BatchWriteItemRequest batch) {
            return batch.requestItems().containsKey(table);
        }
        if (request instanceof TransactWriteItemsRequest transaction) {
            for (TransactWriteItem item : transaction.transactItems()) {
                if ((item.put() != null && table.equals(item.put().tableName()))
                        || (item.update() != null && table.equals(item.update().tableName()))
                        || (item.delete() != null && table.equals(item.delete().tableName()))) {
                    return true;
                }
            }
        }
        return false;
    }
}
