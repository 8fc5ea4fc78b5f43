import type { Message, MessageView, Reaction } from './types.js';

/** Messages kept per conversation; the oldest are forgotten beyond it. */
export const MAX_PER_CONVERSATION = 2000;

interface Entry {
  message: Message;
  body: Record<string, unknown> | null;
  editedAt: number;
  deleted: boolean;
  /** The seq of the last event this state holds: events at or below it are skipped. */
  stateSeq: number;
  /** Emoji to count, in the order first seen (a page lists them most reacted first). */
  counts: Map<string, number>;
  /** The emoji the user reacted with. */
  mine: Set<string>;
}

/**
 * The current state of each message the client holds (protocol v2): messages and their events
 * applied in seq order, which ends where the server's `history` is. A page's message brings its
 * state and `stateSeq`; events at or below that seq are already in it and are skipped (an
 * untouched message has none, so every event applies). Keeps the newest
 * `MAX_PER_CONVERSATION` messages of each conversation. The same rules as the Java SDK's
 * `MessageStates`, so every device ends with the same state.
 */
export class MessageStates {
  private readonly conversations = new Map<string, Map<number, Entry>>();

  /** @param self the user's id, once known: their own reactions are `me`. */
  constructor(private readonly self: () => string | null) {}

  /**
   * Applies one entry, delivered in seq order. Answers the view of the message it changed (an
   * event's target), or null for a message, or for an event on a message the client does not hold.
   */
  apply(entry: Message): MessageView | null {
    const messages = this.of(entry.conversationId);
    if (entry.kind === 'message') {
      this.hold(messages, entry);
      return null;
    }
    const target = entry.targetSeq === undefined ? undefined : messages.get(entry.targetSeq);
    if (target === undefined || entry.seq <= target.stateSeq) return null;
    switch (entry.kind) {
      case 'edit':
        target.body = entry.body;
        target.editedAt = entry.sentAt;
        break;
      case 'delete':
        target.deleted = true;
        target.body = null;
        target.counts.clear();
        target.mine.clear();
        break;
      case 'reaction': {
        const emoji = entry.emoji;
        if (emoji === undefined) return null;
        const count = (target.counts.get(emoji) ?? 0) + (entry.remove === true ? -1 : 1);
        if (count > 0) target.counts.set(emoji, count);
        else target.counts.delete(emoji);
        if (entry.senderId !== null && entry.senderId === this.self()) {
          if (entry.remove === true) target.mine.delete(emoji);
          else target.mine.add(emoji);
        }
        break;
      }
      default:
        return null; // a kind of a newer protocol version
    }
    target.stateSeq = entry.seq;
    return view(target);
  }

  /** Messages of a history page the client did not hold yet, with the state the page gave. */
  absorb(page: Message[]): void {
    for (const message of page) {
      if (message.kind !== 'message') continue;
      const messages = this.of(message.conversationId);
      if (!messages.has(message.seq)) this.hold(messages, message);
    }
  }

  /** The message's current state, or undefined when the client does not hold it. */
  view(conversationId: string, seq: number): MessageView | undefined {
    const entry = this.conversations.get(conversationId)?.get(seq);
    return entry === undefined ? undefined : view(entry);
  }

  private of(conversationId: string): Map<number, Entry> {
    let messages = this.conversations.get(conversationId);
    if (messages === undefined) {
      messages = new Map();
      this.conversations.set(conversationId, messages);
    }
    return messages;
  }

  private hold(messages: Map<number, Entry>, message: Message): void {
    const entry: Entry = {
      message,
      body: message.deleted === true ? null : message.body,
      editedAt: message.editedAt ?? 0,
      deleted: message.deleted === true,
      stateSeq: message.stateSeq ?? 0,
      counts: new Map(),
      mine: new Set(),
    };
    for (const reaction of message.reactions ?? []) {
      entry.counts.set(reaction.emoji, reaction.count);
      if (reaction.me) entry.mine.add(reaction.emoji);
    }
    messages.delete(message.seq);
    messages.set(message.seq, entry);
    if (messages.size > MAX_PER_CONVERSATION) {
      const oldest = Math.min(...messages.keys());
      messages.delete(oldest);
    }
  }
}

function view(entry: Entry): MessageView {
  const reactions: Reaction[] = [];
  for (const [emoji, count] of entry.counts) reactions.push({ emoji, count, me: entry.mine.has(emoji) });
  const m = entry.message;
  const v: MessageView = {
    conversationId: m.conversationId, seq: m.seq, senderId: m.senderId, body: entry.deleted ? null : entry.body,
    sentAt: m.sentAt, editedAt: entry.editedAt, deleted: entry.deleted, reactions,
  };
  if (m.replyTo !== undefined) v.replyTo = m.replyTo;
  return v;
}
