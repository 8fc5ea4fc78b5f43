import type { OutboxItem } from './outbox.js';

/**
 * Where the client keeps what must outlive the process (or the page):
 *
 * - per conversation, the **cursor**: the last seq handed to the application (entries and
 *   consumed gaps alike). The client loads the cursors once, on `connect()`, and syncs from them on
 *   every (re)connect, so a store that survives a reload resumes where the app stopped instead of
 *   starting over from the newest page. `saveCursor` is called right after the entries up to that
 *   seq were passed to the application's `message` listeners: a crash between the two can show
 *   those entries again on the next start, never lose them. Applications that store messages
 *   themselves get exactly-once across restarts by saving the cursor with the messages.
 * - the **sync position**: one opaque string per device, the point the last complete sync round
 *   reached (docs/protocol.md, v2 `sync`); the next round lists only what changed since.
 * - the **outbox**: the sends not yet confirmed. Saved whenever it changes; loaded on `connect()`
 *   and sent again with the same `clientMsgId`, so the server stores each once.
 *
 * Loads may return a promise (an asynchronous store such as IndexedDB); saves are not awaited.
 * One store belongs to one user and device: give each its own key prefix.
 */
export interface ClientStore {
  loadCursors(): Record<string, number> | Promise<Record<string, number>>;
  saveCursor(conversationId: string, seq: number): void | Promise<void>;
  /**
   * The device's sync position (the `cursor` of the last complete version-2 sync round), saved
   * after the cursors of what that round delivered. A store without these methods syncs from
   * `""` on every start: every conversation is listed once, nothing is delivered twice.
   */
  loadSyncPosition?(): string | null | Promise<string | null>;
  saveSyncPosition?(position: string): void | Promise<void>;
  loadOutbox(): OutboxItem[] | Promise<OutboxItem[]>;
  saveOutbox(items: OutboxItem[]): void | Promise<void>;
}

/** Keeps everything in memory: a new device on every start. The default in Node. */
export class MemoryStore implements ClientStore {
  private readonly cursors = new Map<string, number>();
  private outbox: OutboxItem[] = [];
  private position: string | null = null;

  loadSyncPosition(): string | null {
    return this.position;
  }

  saveSyncPosition(position: string): void {
    this.position = position;
  }

  loadCursors(): Record<string, number> {
    return Object.fromEntries(this.cursors);
  }

  saveCursor(conversationId: string, seq: number): void {
    this.cursors.set(conversationId, Math.max(seq, this.cursors.get(conversationId) ?? 0));
  }

  loadOutbox(): OutboxItem[] {
    return this.outbox.map((item) => ({ ...item }));
  }

  saveOutbox(items: OutboxItem[]): void {
    this.outbox = items.map((item) => ({ ...item }));
  }
}

/** The part of the Web Storage API the store uses (`localStorage`, `sessionStorage`, or a stand-in). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Keeps cursors and outbox in Web Storage (`localStorage` by default), under `prefix`, so that a
 * page reload keeps its place and its unsent messages. The default in browsers, with a prefix
 * made of the user and device ids. A storage that refuses writes (full, or disabled) degrades to
 * memory for the rest of the session.
 */
export class WebStorageStore implements ClientStore {
  private memory = new MemoryStore();
  private broken = false;

  constructor(readonly prefix: string, private readonly storage: KeyValueStorage | undefined = defaultStorage()) {}

  loadCursors(): Record<string, number> {
    const saved = this.read('cursors');
    const cursors: Record<string, number> = {};
    if (typeof saved === 'object' && saved !== null && !Array.isArray(saved)) {
      for (const [id, seq] of Object.entries(saved as Record<string, unknown>)) {
        if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0) cursors[id] = seq;
      }
    }
    for (const [id, seq] of Object.entries(this.memory.loadCursors())) cursors[id] = Math.max(seq, cursors[id] ?? 0);
    return cursors;
  }

  saveCursor(conversationId: string, seq: number): void {
    this.memory.saveCursor(conversationId, seq);
    if (this.broken) return;
    const cursors = this.loadCursors();
    cursors[conversationId] = Math.max(seq, cursors[conversationId] ?? 0);
    this.write('cursors', cursors);
  }

  loadSyncPosition(): string | null {
    const saved = this.read('sync');
    return typeof saved === 'string' ? saved : this.memory.loadSyncPosition();
  }

  saveSyncPosition(position: string): void {
    this.memory.saveSyncPosition(position);
    this.write('sync', position);
  }

  loadOutbox(): OutboxItem[] {
    const saved = this.read('outbox');
    if (!Array.isArray(saved)) return this.memory.loadOutbox();
    return saved.filter((item): item is OutboxItem => typeof item === 'object' && item !== null
      && typeof item.clientMsgId === 'string' && typeof item.action === 'string'
      && typeof item.to === 'object' && item.to !== null);
  }

  saveOutbox(items: OutboxItem[]): void {
    this.memory.saveOutbox(items);
    if (items.length === 0) this.remove('outbox');
    else this.write('outbox', items);
  }

  /** Forgets everything this store kept (sign-out). */
  clear(): void {
    this.memory = new MemoryStore();
    this.remove('cursors');
    this.remove('outbox');
    this.remove('sync');
  }

  private read(key: string): unknown {
    if (this.storage === undefined || this.broken) return undefined;
    try {
      const text = this.storage.getItem(this.prefix + key);
      return text === null ? undefined : JSON.parse(text);
    } catch {
      return undefined;
    }
  }

  private write(key: string, value: unknown): void {
    if (this.storage === undefined || this.broken) return;
    try {
      this.storage.setItem(this.prefix + key, JSON.stringify(value));
    } catch {
      this.broken = true; // quota or privacy mode: memory only from now on
    }
  }

  private remove(key: string): void {
    try {
      this.storage?.removeItem(this.prefix + key);
    } catch {
      // nothing to do
    }
  }
}

function defaultStorage(): KeyValueStorage | undefined {
  try {
    const storage = (globalThis as { localStorage?: KeyValueStorage }).localStorage;
    return storage ?? undefined;
  } catch {
    return undefined; // some browsers throw on access when storage is disabled
  }
}

/**
 * `localStorage` in browsers, else memory. (Only in a page: Node's experimental `localStorage` is
 * one file shared by every process, not a device's own.)
 */
export function defaultStore(prefix: string): ClientStore {
  const inPage = typeof (globalThis as { document?: unknown }).document !== 'undefined';
  return inPage && defaultStorage() !== undefined ? new WebStorageStore(prefix) : new MemoryStore();
}
