import { decodeEntries, summary } from './frames.js';
import type { ConversationSummary, Message, Presence } from './types.js';
import { byteLength, putObject, type UploadBody, type UploadProgress } from './upload.js';

/** A refusal by the HTTP API: the HTTP status and docs/protocol.md's error `code` (`NOT_FOUND`, `FORBIDDEN`, ...). */
export class ParleyHttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ParleyHttpError';
  }
}

export interface Group {
  conversationId: string;
  kind: 'group';
  name: string;
  members: string[];
  /** Version 2: the group's admins, when the server reports them. */
  admins?: string[];
}

/** `GET /groups/{id}/members`: one page of a group's members, in user id order. */
export interface MembersPage {
  conversationId: string;
  memberCount: number;
  members: { userId: string; admin: boolean }[];
  /** Present when more members follow: ask again with it. */
  cursor?: string;
}

/** `GET /groups/{id}/reads`: the other members' read positions (groups of at most 100 members; else empty). */
export interface GroupReads {
  conversationId: string;
  memberCount: number;
  reads: { userId: string; readSeq: number }[];
}

/** How many of `reads` have read up to `seq` or past it: "read by N" under the message at `seq`. */
export function readBy(reads: { readSeq: number }[], seq: number): number {
  return reads.filter((r) => r.readSeq >= seq).length;
}

export interface MessagesPage {
  messages: Message[];
  hasMore: boolean;
}

/** `POST /attachments`: where to PUT the file, valid 15 minutes. */
export interface AttachmentUpload {
  attachmentId: string;
  uploadUrl: string;
  /** The headers the signature covers: sent with the PUT as they are. */
  uploadHeaders: Record<string, string>;
  expiresAt: number;
}

/** `GET /attachments/{id}`: where to download it (and its thumbnail, once made), valid 15 minutes. */
export interface AttachmentDownload {
  downloadUrl: string;
  contentType: string;
  size: number;
  fileName: string;
  expiresAt: number;
  /** Images only, once the thumbnail function made it (no frame announces it: ask again). */
  thumbnailUrl?: string;
}

/** What a message's `body.attachments` holds for one uploaded file. */
export interface AttachmentRef {
  attachmentId: string;
  contentType: string;
  size: number;
  fileName: string;
}

export type FetchLike = (input: string, init?: {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}) => Promise<{ status: number; ok: boolean; text(): Promise<string> }>;

export interface HttpApiOptions {
  /** The HTTP API's base, as `PARLEY READY` prints it (`http://127.0.0.1:8080/api`) or the deploy's output. */
  httpUrl: string;
  /** Asked for each request; asked again once when a request is refused with 401 (an expired token). */
  token: () => string | Promise<string>;
  /** Default: the platform's `fetch`. */
  fetch?: FetchLike;
}

/**
 * docs/protocol.md's HTTP API: groups, conversations, history, presence, devices. Every method
 * sends `Authorization: Bearer <token>`; a 401 is retried once with a fresh token from the
 * callback, then thrown as a `ParleyHttpError` like every other refusal.
 */
export class HttpApi {
  private readonly base: string;
  private readonly fetchImpl: FetchLike;

  constructor(private readonly options: HttpApiOptions) {
    this.base = options.httpUrl.replace(/\/+$/, '');
    const platformFetch = (globalThis as { fetch?: FetchLike }).fetch;
    const chosen = options.fetch ?? platformFetch;
    if (chosen === undefined) throw new Error('no fetch on this platform: pass options.fetch');
    this.fetchImpl = chosen === platformFetch ? (input, init) => platformFetch!(input, init) : chosen;
  }

  /** `POST /groups`: a new group of the caller and `members`. */
  async createGroup(name: string, members: string[]): Promise<Group> {
    return group(await this.call('POST', '/groups', { name, members }));
  }

  /** `POST /groups/{id}/members`: the group afterwards. */
  async addMembers(conversationId: string, members: string[]): Promise<Group> {
    return group(await this.call('POST', `/groups/${encodeURIComponent(conversationId)}/members`, { members }));
  }

  /** `DELETE /groups/{id}/members/{userId}`: leave (yourself) or remove someone. */
  async removeMember(conversationId: string, userId: string): Promise<void> {
    await this.call('DELETE', `/groups/${encodeURIComponent(conversationId)}/members/${encodeURIComponent(userId)}`);
  }

  /** `GET /groups/{id}/members?limit=&cursor=`: one page of the member list (members only). */
  async groupMembers(conversationId: string, query: { limit?: number; cursor?: string } = {}): Promise<MembersPage> {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.cursor !== undefined) params.set('cursor', query.cursor);
    const suffix = params.toString() === '' ? '' : `?${params}`;
    const o = object(await this.call('GET', `/groups/${encodeURIComponent(conversationId)}/members${suffix}`));
    const members = Array.isArray(o.members) ? o.members : [];
    return {
      conversationId: String(o.conversationId),
      memberCount: typeof o.memberCount === 'number' ? o.memberCount : members.length,
      members: members.map((m) => object(m)).map((m) => ({ userId: String(m.userId), admin: m.admin === true })),
      ...(typeof o.cursor === 'string' ? { cursor: o.cursor } : {}),
    };
  }

  /** Every member of a group, page after page (`groupMembers` until no cursor is left). */
  async allGroupMembers(conversationId: string): Promise<{ userId: string; admin: boolean }[]> {
    const all: { userId: string; admin: boolean }[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.groupMembers(conversationId, cursor === undefined ? { limit: 500 } : { limit: 500, cursor });
      all.push(...page.members);
      cursor = page.cursor;
    } while (cursor !== undefined);
    return all;
  }

  /** `GET /groups/{id}/reads`: how far each other member has read (see `readBy`). */
  async groupReads(conversationId: string): Promise<GroupReads> {
    const o = object(await this.call('GET', `/groups/${encodeURIComponent(conversationId)}/reads`));
    const reads = Array.isArray(o.reads) ? o.reads : [];
    return {
      conversationId: String(o.conversationId),
      memberCount: typeof o.memberCount === 'number' ? o.memberCount : 0,
      reads: reads.map((r) => object(r)).map((r) => ({ userId: String(r.userId), readSeq: typeof r.readSeq === 'number' ? r.readSeq : 0 })),
    };
  }

  /** `GET /conversations`: every conversation of the user with unread counts. */
  async conversations(): Promise<{ conversations: ConversationSummary[]; totalUnread: number }> {
    const json = object(await this.call('GET', '/conversations'));
    const list = Array.isArray(json.conversations) ? json.conversations : [];
    return {
      conversations: list.map((c) => summary(object(c))),
      totalUnread: typeof json.totalUnread === 'number' ? json.totalUnread : 0,
    };
  }

  /**
   * `GET /conversations/{id}/messages`: one page, ascending. With `beforeSeq` (exclusive) the page
   * ends below it and `hasMore` says whether older ones exist; with `afterSeq` it starts above it.
   * A page may hold fewer than `limit` messages and still have more (pages are cut by size).
   */
  async messages(conversationId: string, query: { beforeSeq?: number; afterSeq?: number; limit?: number } = {}): Promise<MessagesPage> {
    const params = new URLSearchParams();
    if (query.beforeSeq !== undefined) params.set('beforeSeq', String(query.beforeSeq));
    if (query.afterSeq !== undefined) params.set('afterSeq', String(query.afterSeq));
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    const suffix = params.toString() === '' ? '' : `?${params}`;
    const json = object(await this.call('GET', `/conversations/${encodeURIComponent(conversationId)}/messages${suffix}`));
    return { messages: decodeEntries(json.messages, conversationId), hasMore: json.hasMore === true };
  }

  /** `GET /presence?users=`: at most 100 users per call. */
  async presence(users: string[]): Promise<Presence[]> {
    if (users.length === 0) return [];
    const json = object(await this.call('GET', `/presence?users=${users.map(encodeURIComponent).join(',')}`));
    const list = Array.isArray(json.presence) ? json.presence : [];
    return list.map((p) => {
      const o = object(p);
      return { userId: String(o.userId), online: o.online === true, lastActiveAt: typeof o.lastActiveAt === 'number' ? o.lastActiveAt : 0 };
    });
  }

  /** `PUT /devices/{deviceId}`: offline push notifications for this device. */
  async registerDevice(deviceId: string, device: { platform: 'apns' | 'fcm'; pushToken: string }): Promise<void> {
    await this.call('PUT', `/devices/${encodeURIComponent(deviceId)}`, device);
  }

  /** `DELETE /devices/{deviceId}`. */
  async unregisterDevice(deviceId: string): Promise<void> {
    await this.call('DELETE', `/devices/${encodeURIComponent(deviceId)}`);
  }

  /** `POST /attachments`: declares a file and answers the presigned PUT for it. */
  async createAttachment(declaration: { conversationId: string; contentType: string; size: number; fileName: string }): Promise<AttachmentUpload> {
    const o = object(await this.call('POST', '/attachments', declaration));
    const headers = typeof o.uploadHeaders === 'object' && o.uploadHeaders !== null ? o.uploadHeaders as Record<string, unknown> : {};
    return {
      attachmentId: String(o.attachmentId), uploadUrl: String(o.uploadUrl),
      uploadHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])),
      expiresAt: typeof o.expiresAt === 'number' ? o.expiresAt : 0,
    };
  }

  /** `GET /attachments/{id}`: members of its conversation only; 404 until the file arrived. */
  async attachment(attachmentId: string): Promise<AttachmentDownload> {
    const o = object(await this.call('GET', `/attachments/${encodeURIComponent(attachmentId)}`));
    const a: AttachmentDownload = {
      downloadUrl: String(o.downloadUrl), contentType: String(o.contentType ?? ''), size: Number(o.size ?? 0),
      fileName: String(o.fileName ?? ''), expiresAt: typeof o.expiresAt === 'number' ? o.expiresAt : 0,
    };
    if (typeof o.thumbnailUrl === 'string') a.thumbnailUrl = o.thumbnailUrl;
    return a;
  }

  /**
   * Declares and uploads one file for the conversation (`POST /attachments`, then the presigned
   * PUT), reporting progress. Answers the reference to put into `body.attachments` of a send.
   * `file.type` and `file.name` (a browser `File`) are the defaults of `contentType` and `fileName`.
   */
  async uploadAttachment(conversationId: string, file: UploadBody & { type?: string; name?: string },
    options: { contentType?: string; fileName?: string; onProgress?: UploadProgress } = {}): Promise<AttachmentRef> {
    const contentType = options.contentType ?? (file.type || 'application/octet-stream');
    const fileName = options.fileName ?? file.name ?? 'file';
    const size = byteLength(file);
    const upload = await this.createAttachment({ conversationId, contentType, size, fileName });
    await putObject(upload.uploadUrl, upload.uploadHeaders, file, options.onProgress);
    return { attachmentId: upload.attachmentId, contentType, size, fileName };
  }

  /** `PUT /blocks/{userId}`: nothing more from them in the direct conversation. */
  async block(userId: string): Promise<void> {
    await this.call('PUT', `/blocks/${encodeURIComponent(userId)}`);
  }

  /** `DELETE /blocks/{userId}`. */
  async unblock(userId: string): Promise<void> {
    await this.call('DELETE', `/blocks/${encodeURIComponent(userId)}`);
  }

  /** `GET /blocks`: the users the caller blocked. */
  async blocked(): Promise<string[]> {
    const o = object(await this.call('GET', '/blocks'));
    return Array.isArray(o.blocked) ? o.blocked.filter((u): u is string => typeof u === 'string') : [];
  }

  /** `PUT /conversations/{id}/settings`: a muted conversation sends no push notification, except for a mention. */
  async setMuted(conversationId: string, muted: boolean): Promise<{ muted: boolean }> {
    const o = object(await this.call('PUT', `/conversations/${encodeURIComponent(conversationId)}/settings`, { muted }));
    return { muted: o.muted === true };
  }

  /** `PATCH /groups/{id}`: admins only. */
  async renameGroup(conversationId: string, name: string): Promise<Group> {
    return group(await this.call('PATCH', `/groups/${encodeURIComponent(conversationId)}`, { name }));
  }

  /** `PUT /groups/{id}/admins/{userId}`: admins only. */
  async addAdmin(conversationId: string, userId: string): Promise<void> {
    await this.call('PUT', `/groups/${encodeURIComponent(conversationId)}/admins/${encodeURIComponent(userId)}`);
  }

  /** `DELETE /groups/{id}/admins/{userId}`: admins only; the group always keeps an admin. */
  async removeAdmin(conversationId: string, userId: string): Promise<void> {
    await this.call('DELETE', `/groups/${encodeURIComponent(conversationId)}/admins/${encodeURIComponent(userId)}`);
  }

  /** Any route, for what this version has no method for yet. Answers the parsed body (null for 204). */
  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    let response = await this.request(method, path, body);
    if (response.status === 401) {
      response = await this.request(method, path, body); // a fresh token: the last one may have expired
    }
    const text = await response.text();
    let json: unknown = null;
    if (text !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    if (!response.ok) {
      const o = typeof json === 'object' && json !== null ? json as Record<string, unknown> : {};
      const code = typeof o.code === 'string' ? o.code : response.status === 401 ? 'UNAUTHORIZED' : `HTTP_${response.status}`;
      const message = typeof o.message === 'string' ? o.message : `HTTP ${response.status}`;
      throw new ParleyHttpError(response.status, code, message);
    }
    return json;
  }

  private async request(method: string, path: string, body: unknown) {
    const headers: Record<string, string> = { Authorization: `Bearer ${await this.options.token()}` };
    const init: { method: string; headers: Record<string, string>; body?: string } = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return this.fetchImpl(`${this.base}${path}`, init);
  }
}

function object(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ParleyHttpError(200, 'BAD_RESPONSE', 'the server answered something other than a JSON object');
  }
  return value as Record<string, unknown>;
}

function group(value: unknown): Group {
  const o = object(value);
  return {
    conversationId: String(o.conversationId),
    kind: 'group',
    name: typeof o.name === 'string' ? o.name : '',
    members: Array.isArray(o.members) ? o.members.filter((m): m is string => typeof m === 'string') : [],
    ...(Array.isArray(o.admins) ? { admins: o.admins.filter((m): m is string => typeof m === 'string') } : {}),
  };
}

/**
 * A token for `userId` from the local runtime's development issuer (`POST /dev/token`; the local
 * runtime only). `baseUrl` is the runtime's root, e.g. `http://127.0.0.1:8080`.
 */
export async function devToken(baseUrl: string, userId: string, deviceId?: string, fetchImpl?: FetchLike): Promise<string> {
  const doFetch = fetchImpl ?? (globalThis as { fetch?: FetchLike }).fetch;
  if (doFetch === undefined) throw new Error('no fetch on this platform');
  const response = await doFetch(`${baseUrl.replace(/\/+$/, '')}/dev/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(deviceId === undefined ? { userId } : { userId, deviceId }),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // reported below
  }
  const token = typeof json === 'object' && json !== null ? (json as Record<string, unknown>).token : undefined;
  if (!response.ok || typeof token !== 'string') {
    throw new ParleyHttpError(response.status, 'TOKEN_REFUSED', `the local issuer refused a token for ${userId}: ${text.slice(0, 200)}`);
  }
  return token;
}
