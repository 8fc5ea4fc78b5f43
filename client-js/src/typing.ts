import type { Typing } from './types.js';

/** docs/protocol.md: while the user types, `start` is repeated every 3 s ... */
export const TYPING_REPEAT_MS = 3000;
/** ... and 5 s without a `start` count as `stop` (a `stop` is best effort and may be lost). */
export const TYPING_EXPIRY_MS = 5000;

/** docs/protocol.md: the server's typing budget per user and conversation: a burst of 5, then one per second. */
export const TYPING_BURST = 5;
export const TYPING_PER_SECOND = 1;

/**
 * The user's own typing signals: `start` goes out when the user begins and again every
 * `TYPING_REPEAT_MS` while they go on (however often the application reports a keystroke), `stop`
 * once when they stop. A message the user sends implies the stop (receivers end the typist's
 * indicator when the message arrives), so `sent` forgets the start without a signal. Signals stay
 * inside the server's budget (`TYPING_BURST`, then `TYPING_PER_SECOND`): one the budget has no
 * room for is dropped, as typing is best effort. Pure: time is passed in; the answer says whether
 * to write.
 */
export class TypingSignals {
  private readonly lastStart = new Map<string, number>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Whether a `start` should go out now for a keystroke in the conversation. */
  start(conversationId: string, now: number): boolean {
    const last = this.lastStart.get(conversationId);
    if (last !== undefined && now - last < TYPING_REPEAT_MS) return false;
    if (!this.spend(conversationId, now)) return false;
    this.lastStart.set(conversationId, now);
    return true;
  }

  /** Whether a `stop` should go out: only after a `start` that has not expired yet. */
  stop(conversationId: string, now: number): boolean {
    const last = this.lastStart.get(conversationId);
    this.lastStart.delete(conversationId);
    return last !== undefined && now - last < TYPING_EXPIRY_MS && this.spend(conversationId, now);
  }

  /** The user sent a message there: it ends their typing for the receivers; the next keystroke starts anew. */
  sent(conversationId: string): void {
    this.lastStart.delete(conversationId);
  }

  /** After a reconnect the other side may have expired the user: the next keystroke signals anew. */
  reset(): void {
    this.lastStart.clear();
  }

  private spend(conversationId: string, now: number): boolean {
    const bucket = this.buckets.get(conversationId) ?? { tokens: TYPING_BURST, at: now };
    bucket.tokens = Math.min(TYPING_BURST, bucket.tokens + ((now - bucket.at) / 1000) * TYPING_PER_SECOND);
    bucket.at = now;
    this.buckets.set(conversationId, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

/**
 * Who is typing where, from the other members' signals: a `start` holds for `TYPING_EXPIRY_MS`
 * (renewed by the next), a `stop`, a message from the typist or the expiry ends it. Each change is
 * reported once: `start` when someone begins, `stop` when they end, whichever way it ends.
 */
export class Typists {
  /** conversationId -> userId -> when the latest `start` expires. */
  private readonly expiries = new Map<string, Map<string, number>>();

  /** A `typing` frame; answers the change to report, or null when nothing changed. */
  signal(typing: Typing, now: number): Typing | null {
    if (typing.state === 'stop') return this.end(typing.conversationId, typing.userId);
    let users = this.expiries.get(typing.conversationId);
    if (users === undefined) {
      users = new Map();
      this.expiries.set(typing.conversationId, users);
    }
    const known = users.has(typing.userId);
    users.set(typing.userId, now + TYPING_EXPIRY_MS);
    return known ? null : { ...typing };
  }

  /** The user's message arrived: they stopped typing it. */
  end(conversationId: string, userId: string): Typing | null {
    const users = this.expiries.get(conversationId);
    if (users === undefined || !users.delete(userId)) return null;
    if (users.size === 0) this.expiries.delete(conversationId);
    return { conversationId, userId, state: 'stop' };
  }

  /** The `stop`s implied by time: every `start` older than the expiry. */
  expire(now: number): Typing[] {
    const ended: Typing[] = [];
    for (const [conversationId, users] of this.expiries) {
      for (const [userId, expiresAt] of users) {
        if (now >= expiresAt) ended.push(this.end(conversationId, userId)!);
      }
    }
    return ended;
  }

  /** The users typing in the conversation now, in the order they began. */
  typing(conversationId: string): string[] {
    return [...(this.expiries.get(conversationId)?.keys() ?? [])];
  }

  /** The connection is gone: nobody's signals arrive any more, so nobody is shown typing. */
  clear(): Typing[] {
    const ended: Typing[] = [];
    for (const [conversationId, users] of this.expiries) {
      for (const userId of users.keys()) ended.push({ conversationId, userId, state: 'stop' });
    }
    this.expiries.clear();
    return ended;
  }
}
