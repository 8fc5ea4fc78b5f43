/**
 * @parley/client: a Parley client for browsers and Node. Start with `ParleyClient`; see README.md.
 */
export { ParleyClient, ServerError, ClientClosedError, AuthFailedError, newClientMsgId, connectUrl, directConversationId } from './client.js';
export type { ClientOptions, ClientEvents, Listener } from './client.js';
export { HttpApi, ParleyHttpError, devToken, readBy } from './http.js';
export type { Group, MembersPage, GroupReads, MessagesPage, HttpApiOptions, FetchLike, AttachmentUpload, AttachmentDownload, AttachmentRef } from './http.js';
export { Backoff } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { Sequencer, advanced } from './sequencer.js';
export type { Progress, SequencerOptions } from './sequencer.js';
export { Outbox, retryable, orderingKey } from './outbox.js';
export type { OutboxItem, Pending, Verdict } from './outbox.js';
export { MessageStates, MAX_PER_CONVERSATION } from './states.js';
export { TypingSignals, Typists, TYPING_REPEAT_MS, TYPING_EXPIRY_MS, TYPING_BURST, TYPING_PER_SECOND } from './typing.js';
export { putObject, UploadError } from './upload.js';
export type { UploadBody, UploadProgress } from './upload.js';
export { MemoryStore, WebStorageStore, defaultStore } from './store.js';
export type { ClientStore, KeyValueStorage } from './store.js';
export { decode, memberChangeOf, MAX_BODY_BYTES } from './frames.js';
export type { Incoming, SyncedConversation } from './frames.js';
export type { SocketLike, SocketConstructor } from './socket.js';
export type * from './types.js';
