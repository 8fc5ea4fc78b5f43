import type { Destination } from './types.js';

/** Whether the same request may succeed when repeated: only these two; every other code is an answer about the request itself. */
export function retryable(code: string): boolean {
  return code === 'RATE_LIMITED' || code === 'INTERNAL';
}

/** The key sends are ordered by: one queue per destination. */
export function orderingKey(to: Destination): string {
  return 'conversationId' in to ? `c:${to.conversationId}` : `u:${to.userId}`;
}

/**
 * One request that changes a timeline and is idempotent by `clientMsgId`: `send` in version 1;
 * `edit`, `delete` and `react` of version 2 have the same shape (`fields` carries `seq`, `emoji`,
 * ...). This is what a persistent store keeps across a page reload.
 */
export interface OutboxItem {
  clientMsgId: string;
  action: string;
  to: Destination;
  body: Record<string, unknown> | null;
  /** Other fields of the frame (version 2: `seq`, `emoji`, `remove`, `replyTo`). */
  fields?: Record<string, unknown>;
  createdAt: number;
}

/** An item with its transmission state (not persisted: a reload starts it afresh). */
export interface Pending extends OutboxItem {
  attempts: number;
  /** The requestId of the latest transmission (`clientMsgId.attempt`). */
  requestId: string | null;
  /** -1 while not in flight. */
  transmittedAt: number;
  notBefore: number;
}

export type Verdict = 'retry' | 'fail' | 'ignore';

/**
 * The sends not yet confirmed by a `sent`, and when to (re)transmit each.
 *
 * A send stays here until its `sent` arrives or the server answers with a definitive error; every
 * transmission carries the same `clientMsgId`, so the server stores it once and confirms every
 * retry with the same seq. It is transmitted again when its attempt is not answered within the
 * request timeout, after a reconnect, after an `INTERNAL` error (with a short growing delay), and
 * after `retryAfterMs` on `RATE_LIMITED` (the limit is per user, so every send waits).
 *
 * Sends to one destination go out one at a time, in the order they were made: the head of each
 * destination's queue must be confirmed before the next is transmitted, so seqs follow the order
 * in which the application sent (a retried send cannot be overtaken).
 *
 * Pure: time is passed in; `due` says what to write. The same rules as the Java SDK's Outbox.
 */
export class Outbox {
  private readonly queues = new Map<string, Pending[]>();
  private readonly byClientMsgId = new Map<string, Pending>();
  private readonly byRequestId = new Map<string, Pending>();
  private pausedUntilMs = 0;

  constructor(private readonly timeoutMs: number) {}

  add(item: OutboxItem): Pending {
    const existing = this.byClientMsgId.get(item.clientMsgId);
    if (existing !== undefined) return existing;
    const pending: Pending = { ...item, attempts: 0, requestId: null, transmittedAt: -1, notBefore: 0 };
    const key = orderingKey(item.to);
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = [];
      this.queues.set(key, queue);
    }
    queue.push(pending);
    this.byClientMsgId.set(item.clientMsgId, pending);
    return pending;
  }

  /**
   * The sends to transmit now (call only while connected): each queue's head that is not in
   * flight, or whose attempt timed out, once its wait is over. Each is marked transmitted with a
   * new requestId.
   */
  due(now: number): Pending[] {
    const due: Pending[] = [];
    if (now < this.pausedUntilMs) return due;
    for (const queue of this.queues.values()) {
      const head = queue[0];
      if (head === undefined || now < head.notBefore) continue;
      if (head.transmittedAt < 0 || now - head.transmittedAt >= this.timeoutMs) {
        head.attempts++;
        head.requestId = `${head.clientMsgId}.${head.attempts}`;
        head.transmittedAt = now;
        this.byRequestId.set(head.requestId, head);
        due.push(head);
      }
    }
    return due;
  }

  /** The `sent` for `clientMsgId` arrived: the send is done. Undefined when it was not pending. */
  confirmed(clientMsgId: string): Pending | undefined {
    const pending = this.byClientMsgId.get(clientMsgId);
    if (pending !== undefined) this.remove(pending);
    return pending;
  }

  /**
   * An error frame answered `requestId`. Retryable errors on the latest attempt schedule the next
   * one; on an older attempt they are stale and ignored. A definitive error on any attempt fails
   * the send (every attempt carries the same content).
   */
  failed(requestId: string, code: string, retryAfterMs: number, now: number): { verdict: Verdict; pending?: Pending } {
    const pending = this.byRequestId.get(requestId);
    if (pending === undefined || !this.byClientMsgId.has(pending.clientMsgId)) {
      return { verdict: 'ignore', pending };
    }
    if (!retryable(code)) {
      this.remove(pending);
      return { verdict: 'fail', pending };
    }
    if (requestId !== pending.requestId) {
      return { verdict: 'ignore', pending };
    }
    pending.transmittedAt = -1;
    if (code === 'RATE_LIMITED') {
      this.pausedUntilMs = Math.max(this.pausedUntilMs, now + Math.max(1, retryAfterMs));
    } else {
      pending.notBefore = now + Math.min(5000, 100 * 2 ** Math.min(pending.attempts, 6));
    }
    return { verdict: 'retry', pending };
  }

  /** The connection dropped: nothing is in flight any more; everything goes out again on the next one. */
  connectionLost(): void {
    for (const pending of this.byClientMsgId.values()) pending.transmittedAt = -1;
  }

  /** Removes and returns every pending send (the client is closing). */
  drain(): Pending[] {
    const all = this.all();
    this.queues.clear();
    this.byClientMsgId.clear();
    this.byRequestId.clear();
    return all;
  }

  /** Every pending send, in the order they were made per destination. */
  all(): Pending[] {
    const all: Pending[] = [];
    for (const queue of this.queues.values()) all.push(...queue);
    return all.sort((a, b) => a.createdAt - b.createdAt);
  }

  get(clientMsgId: string): Pending | undefined {
    return this.byClientMsgId.get(clientMsgId);
  }

  get size(): number {
    return this.byClientMsgId.size;
  }

  get pausedUntil(): number {
    return this.pausedUntilMs;
  }

  private remove(pending: Pending): void {
    this.byClientMsgId.delete(pending.clientMsgId);
    const key = orderingKey(pending.to);
    const queue = this.queues.get(key);
    if (queue !== undefined) {
      const i = queue.indexOf(pending);
      if (i >= 0) queue.splice(i, 1);
      if (queue.length === 0) this.queues.delete(key);
    }
    for (const [requestId, p] of this.byRequestId) {
      if (p === pending) this.byRequestId.delete(requestId);
    }
  }
}
