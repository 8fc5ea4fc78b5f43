/**
 * @parley/client: a Parley client for browsers and Node. Start with `ParleyClient`; see README.md.
 */
export { ParleyClient, ServerError, ClientClosedError, AuthFailedError, newClientMsgId, connectUrl } from './client.js';
export type { ClientOptions, ClientEvents, Listener } from './client.js';
export { HttpApi, ParleyHttpError, devToken } from './http.js';
export type { Group, MessagesPage, HttpApiOptions, FetchLike } from './http.js';
export { Backoff } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { Sequencer, advanced } from './sequencer.js';
export type { Progress, SequencerOptions } from './sequencer.js';
export { Outbox, retryable, orderingKey } from './outbox.js';
export type { OutboxItem, Pending, Verdict } from './outbox.js';
export { MemoryStore, WebStorageStore, defaultStore } from './store.js';
export type { ClientStore, KeyValueStorage } from './store.js';
export { decode, MAX_BODY_BYTES } from './frames.js';
export type { Incoming, SyncedConversation } from './frames.js';
export type { SocketLike, SocketConstructor } from './socket.js';
export type * from './types.js';
