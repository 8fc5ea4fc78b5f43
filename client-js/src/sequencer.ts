import type { Message } from './types.js';

/**
 * What one input moved in one conversation: the cursor went from `from` to `cursor`, and
 * `delivered` are the entries in between, ascending (seqs in between that are not among them were
 * gaps). `from` is -1 when the conversation had no cursor yet: a cursor established counts as
 * progress even without entries, so that it is saved (a reloaded app must not take itself for a
 * new device).
 */
export interface Progress {
  conversationId: string;
  from: number;
  cursor: number;
  delivered: Message[];
}

export function advanced(progress: Progress): boolean {
  return progress.cursor > progress.from;
}

const UNKNOWN = -1;

/** Seqs above a conversation's cursor: an entry, or null for a seq known to hold none. Kept sorted. */
class Buffer {
  private readonly entries = new Map<number, Message | null>();
  private readonly seqs: number[] = [];

  get size(): number {
    return this.seqs.length;
  }

  has(seq: number): boolean {
    return this.entries.has(seq);
  }

  first(): number | undefined {
    return this.seqs[0];
  }

  /** Puts `value` at `seq`; with `onlyIfAbsent`, keeps what is there. */
  put(seq: number, value: Message | null, onlyIfAbsent = false): void {
    if (this.entries.has(seq)) {
      if (!onlyIfAbsent) this.entries.set(seq, value);
      return;
    }
    this.entries.set(seq, value);
    let lo = 0;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    this.seqs.splice(lo, 0, seq);
  }

  /** Removes and returns the lowest seq and its value. */
  pollFirst(): [number, Message | null] | undefined {
    const seq = this.seqs.shift();
    if (seq === undefined) return undefined;
    const value = this.entries.get(seq) ?? null;
    this.entries.delete(seq);
    return [seq, value];
  }

  remove(seq: number): void {
    if (!this.entries.delete(seq)) return;
    const i = this.seqs.indexOf(seq);
    if (i >= 0) this.seqs.splice(i, 1);
  }

  clear(): void {
    this.entries.clear();
    this.seqs.length = 0;
  }
}

class Conversation {
  cursor = UNKNOWN;
  readonly buffer = new Buffer();
  waitingSince = -1;
  syncs = 0;
  stalled = false;
  excluded = false;
  constructor(readonly id: string) {}
}

export interface SequencerOptions {
  /** How long a missing seq is waited for before a sync. Default 1000. */
  gapWaitMs?: number;
  /** The longest wait between syncs for the same missing seq (the wait doubles). Default 10000. */
  maxGapWaitMs?: number;
  /** A buffer this large asks for a sync at once. Default 500. */
  maxBuffered?: number;
}

/**
 * Turns what arrives (pushes, own confirmed sends, gap frames, sync pages), in any order and any
 * number of times, into each conversation's entries exactly once and in seq order.
 *
 * Per conversation it keeps the cursor (the last seq consumed: delivered, or known to hold no
 * entry) and a buffer of what arrived above `cursor + 1`. Whatever reaches `cursor + 1` is
 * consumed in order; seqs at or below the cursor are duplicates and dropped. A seq is known to
 * hold no entry from a `gap` frame, or from a sync page: by docs/protocol.md pages never span a
 * hole, so every seq a page leaves out between the cursor it was asked for and its last entry is a
 * declared gap.
 *
 * When something stays missing in front of the buffer for `gapWaitMs` (doubling on each
 * unsuccessful sync, up to `maxGapWaitMs`), or the buffer outgrows `maxBuffered`, the
 * conversation is reported by `dueForSync` so the client asks the server.
 *
 * A new device (no cursors at all) learns each conversation's starting point from its first sync,
 * which answers the newest page: the page's first seq, less one, becomes the cursor; older entries
 * are for `history`. After that first sync, a conversation that shows up for the first time starts
 * at seq 1, as the server's sync does for conversations not in the cursors.
 *
 * Pure: time is passed in, nothing is scheduled. The same rules as the Java SDK's Sequencer.
 */
export class Sequencer {
  private readonly conversations = new Map<string, Conversation>();
  private readonly gapWait: number;
  private readonly maxGapWait: number;
  private readonly maxBuffered: number;
  private initializedFlag: boolean;

  constructor(cursors: Record<string, number> = {}, options: SequencerOptions = {}) {
    this.gapWait = options.gapWaitMs ?? 1000;
    this.maxGapWait = Math.max(this.gapWait, options.maxGapWaitMs ?? 10_000);
    this.maxBuffered = options.maxBuffered ?? 500;
    let any = false;
    for (const [id, seq] of Object.entries(cursors)) {
      if (Number.isSafeInteger(seq) && seq >= 0) {
        this.conversation(id).cursor = seq;
        any = true;
      }
    }
    this.initializedFlag = any;
  }

  /** Whether the starting points are known: saved cursors, or the first sync has completed. */
  get initialized(): boolean {
    return this.initializedFlag;
  }

  /** An entry pushed, returned by the server for an own send, or otherwise learnt of. */
  offer(message: Message, now: number): Progress {
    const c = this.conversation(message.conversationId);
    c.excluded = false;
    const before = c.cursor;
    this.startIfInitialized(c);
    if (c.cursor !== UNKNOWN && message.seq <= c.cursor) {
      return { conversationId: c.id, from: before, cursor: c.cursor, delivered: [] };
    }
    c.buffer.put(message.seq, message); // an entry wins over a gap claim for its seq: nothing lost
    return this.drain(c, before, [], now);
  }

  /** A `gap` frame: `seq` holds no entry and never will. */
  gap(conversationId: string, seq: number, now: number): Progress {
    const c = this.conversation(conversationId);
    const before = c.cursor;
    this.startIfInitialized(c);
    if (c.cursor !== UNKNOWN && seq <= c.cursor) {
      return { conversationId: c.id, from: before, cursor: c.cursor, delivered: [] };
    }
    c.buffer.put(seq, null, true);
    return this.drain(c, before, [], now);
  }

  /**
   * A sync page.
   *
   * @param fromCursor the cursor the page was asked from (0 for a conversation that was not in the
   *   request's cursors), or null for the newest page a new device gets
   * @param messages ascending by seq
   * @param coveredUpTo a seq up to which the page is known to cover the timeline even beyond its
   *   last entry (docs/protocol.md: a forward page with `hasMore: false` covers up to `lastSeq`);
   *   ignored for a newest page
   */
  page(conversationId: string, fromCursor: number | null, messages: Message[], coveredUpTo: number, now: number): Progress {
    const c = this.conversation(conversationId);
    c.excluded = false;
    const before = c.cursor;
    const delivered: Message[] = [];
    if (fromCursor === null) {
      if (c.cursor === UNKNOWN) {
        c.cursor = messages.length === 0 ? 0 : messages[0]!.seq - 1;
      }
      if (messages.length > 0 && messages[0]!.seq <= c.cursor + 1) {
        Sequencer.consumeCovered(c, messages, delivered);
      } else {
        // Not contiguous with what we hold: the seqs between are unknown. Keep the entries; the
        // missing ones make the conversation due for a sync from the cursor.
        for (const m of messages) if (m.seq > c.cursor) c.buffer.put(m.seq, m);
      }
    } else {
      if (c.cursor === UNKNOWN) {
        c.cursor = fromCursor;
      }
      if (fromCursor <= c.cursor) {
        Sequencer.consumeCovered(c, messages, delivered);
        Sequencer.consumeThrough(c, coveredUpTo, delivered);
      } else {
        // Asked from above our cursor: cannot happen while cursors only grow; be safe.
        for (const m of messages) if (m.seq > c.cursor) c.buffer.put(m.seq, m);
      }
    }
    return this.drain(c, before, delivered, now);
  }

  /**
   * The first sync of a new device completed: conversations seen only through pushes so far are
   * new since, and start at seq 1.
   */
  initialSyncDone(now: number): Progress[] {
    this.initializedFlag = true;
    const progress: Progress[] = [];
    for (const c of this.conversations.values()) {
      if (c.cursor === UNKNOWN) {
        c.cursor = 0;
        progress.push(this.drain(c, UNKNOWN, [], now));
      }
    }
    return progress;
  }

  /** The cursors to sync from: every conversation with a known start, except excluded ones. */
  syncCursors(): Record<string, number> {
    const cursors: Record<string, number> = {};
    for (const c of this.conversations.values()) {
      if (c.cursor !== UNKNOWN && !c.excluded) cursors[c.id] = c.cursor;
    }
    return cursors;
  }

  /** The conversation's cursor, or undefined while its start is unknown. */
  cursor(conversationId: string): number | undefined {
    const c = this.conversations.get(conversationId);
    return c === undefined || c.cursor === UNKNOWN ? undefined : c.cursor;
  }

  buffered(conversationId: string): number {
    return this.conversations.get(conversationId)?.buffer.size ?? 0;
  }

  /** Conversations missing something long enough (or buffering too much) to ask the server. */
  dueForSync(now: number): Set<string> {
    const due = new Set<string>();
    for (const c of this.conversations.values()) {
      if (c.excluded || c.cursor === UNKNOWN || c.waitingSince < 0 || (c.buffer.size === 0 && !c.stalled)) {
        continue;
      }
      const wait = Math.min(this.maxGapWait, this.gapWait * 2 ** Math.min(c.syncs, 20));
      if ((c.syncs === 0 && c.buffer.size > this.maxBuffered) || now - c.waitingSince >= wait) {
        due.add(c.id);
      }
    }
    return due;
  }

  /** A sync was sent because of `due`: wait longer before asking again for the same seq. */
  syncStarted(due: Iterable<string>, now: number): void {
    for (const id of due) {
      const c = this.conversations.get(id);
      if (c !== undefined) {
        c.syncs++;
        c.waitingSince = now;
      }
    }
  }

  /** The server said more follows the cursor but could not page on (a send in flight): ask again later. */
  stalled(conversationId: string, now: number): void {
    const c = this.conversation(conversationId);
    c.stalled = true;
    if (c.waitingSince < 0) c.waitingSince = now;
  }

  /** The server said nothing follows the page. */
  settled(conversationId: string): void {
    const c = this.conversations.get(conversationId);
    if (c !== undefined) {
      c.stalled = false;
      if (c.buffer.size === 0) {
        c.waitingSince = -1;
        c.syncs = 0;
      }
    }
  }

  /**
   * The user is no longer a member: leave the conversation out of sync cursors. Its cursor is
   * kept, so entries already delivered are not delivered again if the user is added back.
   */
  exclude(conversationId: string): void {
    const c = this.conversation(conversationId);
    c.excluded = true;
    c.buffer.clear();
    c.stalled = false;
    c.waitingSince = -1;
  }

  private conversation(id: string): Conversation {
    let c = this.conversations.get(id);
    if (c === undefined) {
      c = new Conversation(id);
      this.conversations.set(id, c);
    }
    return c;
  }

  private startIfInitialized(c: Conversation): void {
    if (c.cursor === UNKNOWN && this.initializedFlag) c.cursor = 0;
  }

  /**
   * The page covers (cursor, last entry] contiguously: consume it all. Buffered seqs the page
   * skips were declared gaps; a buffered entry there contradicts the page and is delivered anyway,
   * since losing it would be worse than trusting the page.
   */
  private static consumeCovered(c: Conversation, messages: Message[], delivered: Message[]): void {
    for (const m of messages) {
      if (m.seq <= c.cursor) continue;
      while (c.buffer.size > 0 && c.buffer.first()! < m.seq) {
        const [seq, buffered] = c.buffer.pollFirst()!;
        if (buffered !== null && seq > c.cursor) delivered.push(buffered);
      }
      c.buffer.remove(m.seq);
      delivered.push(m);
      c.cursor = m.seq;
    }
  }

  /** Every seq up to `seq` is known: what is buffered up to there is delivered, the rest were gaps. */
  private static consumeThrough(c: Conversation, seq: number, delivered: Message[]): void {
    while (c.buffer.size > 0 && c.buffer.first()! <= seq) {
      const [bufferedSeq, value] = c.buffer.pollFirst()!;
      if (bufferedSeq > c.cursor && value !== null) delivered.push(value);
    }
    c.cursor = Math.max(c.cursor, seq);
  }

  private drain(c: Conversation, before: number, delivered: Message[], now: number): Progress {
    if (c.cursor === UNKNOWN) {
      return { conversationId: c.id, from: UNKNOWN, cursor: UNKNOWN, delivered: [] };
    }
    while (c.buffer.size > 0 && c.buffer.first()! <= c.cursor + 1) {
      const [seq, value] = c.buffer.pollFirst()!;
      if (seq <= c.cursor) continue;
      if (value !== null) delivered.push(value);
      c.cursor = seq;
    }
    const moved = c.cursor > before;
    if (moved) {
      c.stalled = false;
      c.syncs = 0;
    }
    if (c.buffer.size === 0 && !c.stalled) {
      c.waitingSince = -1;
      c.syncs = 0;
    } else if (moved || c.waitingSince < 0) {
      c.waitingSince = now;
    }
    return { conversationId: c.id, from: before, cursor: c.cursor, delivered };
  }
}
