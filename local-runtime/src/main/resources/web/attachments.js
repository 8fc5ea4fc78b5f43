// Attachments of the web chat page: files picked or dropped for the next message (uploaded at
// once through the presigned PUT, with progress), and the download links of attachments shown in
// the timeline (GET /attachments/{id}; presigned, so asked again before they expire).

/** docs/protocol.md: 100 MB per file, at most 10 per message, these content types. */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;
export const MAX_ATTACHMENTS = 10;
const TYPES = [/^image\//, /^video\//, /^audio\//, /^application\/pdf$/, /^application\/zip$/, /^text\/plain$/];

export function allowedType(contentType) {
  return TYPES.some((type) => type.test(contentType));
}

/** How a notification names an attachment: "Photo", "Video", "Audio" or "File". */
export function kindOf(contentType) {
  if (/^image\//.test(contentType)) return 'Photo';
  if (/^video\//.test(contentType)) return 'Video';
  if (/^audio\//.test(contentType)) return 'Audio';
  return 'File';
}

/** The files of the next message, per conversation (an attachment belongs to the conversation it was declared for). */
export class Uploads {
  constructor(onChange) {
    this.items = [];
    this.counter = 0;
    this.onChange = onChange;
  }

  of(conversationId) {
    return this.items.filter((item) => item.conversationId === conversationId);
  }

  /** Starts uploading `file`; answers a reason when it cannot be attached. */
  add(api, conversationId, file) {
    const type = file.type || 'application/octet-stream';
    if (!allowedType(type)) return `${file.name}: this kind of file cannot be sent (${type}).`;
    if (file.size === 0) return `${file.name} is empty.`;
    if (file.size > MAX_FILE_BYTES) return `${file.name} is larger than 100 MB.`;
    if (this.of(conversationId).length >= MAX_ATTACHMENTS) return `A message holds at most ${MAX_ATTACHMENTS} files.`;
    const item = {
      key: `u${++this.counter}`, conversationId, name: file.name, type, size: file.size, sent: 0,
      status: 'uploading', ref: null, error: null,
      previewUrl: type.startsWith('image/') ? URL.createObjectURL(file) : null,
    };
    this.items.push(item);
    this.onChange();
    api.uploadAttachment(conversationId, file, {
      contentType: type,
      fileName: file.name,
      onProgress: (sent) => {
        item.sent = sent;
        this.onChange(item);
      },
    }).then((ref) => {
      item.status = 'done';
      item.ref = ref;
      item.sent = item.size;
    }, (error) => {
      item.status = 'failed';
      item.error = error.message;
    }).finally(() => this.onChange());
    return null;
  }

  remove(key) {
    const item = this.items.find((i) => i.key === key);
    if (!item) return;
    if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
    this.items = this.items.filter((i) => i !== item);
    this.onChange();
  }

  busy(conversationId) {
    return this.of(conversationId).some((item) => item.status === 'uploading');
  }

  /** The references for `body.attachments` of the files uploaded for the conversation. */
  refs(conversationId) {
    return this.of(conversationId).filter((item) => item.status === 'done').map((item) => item.ref);
  }

  /** The message went out: its files are no longer staged. */
  clear(conversationId) {
    for (const item of this.of(conversationId)) if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
    this.items = this.items.filter((item) => item.conversationId !== conversationId);
    this.onChange();
  }

  clearAll() {
    for (const item of this.items) if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
    this.items = [];
  }
}

/**
 * Download links of attachments, asked for once each and again shortly before they expire. An
 * image's thumbnail is made after its upload (no frame announces it): until it exists the image
 * itself is shown, and the link is asked again a few times for the thumbnail.
 */
export class AttachmentLinks {
  constructor(api, onChange) {
    this.api = api;
    this.onChange = onChange;
    this.links = new Map();
    this.queue = [];
    this.running = 0;
  }

  /** The link of the attachment, or a loading/failed marker; asks for it when due. */
  get(attachmentId) {
    const link = this.links.get(attachmentId);
    if (!link || (link.status === 'ready' && !link.queued && link.expiresAt - 60_000 < Date.now())) {
      this.request(attachmentId, link ? link.tries : 0);
    }
    return this.links.get(attachmentId);
  }

  clear() {
    this.links.clear();
    this.queue = [];
  }

  request(attachmentId, tries) {
    const previous = this.links.get(attachmentId);
    this.links.set(attachmentId, { ...(previous || {}), status: previous && previous.status === 'ready' ? 'ready' : 'loading', tries, queued: true });
    this.queue.push(attachmentId);
    this.pump();
  }

  pump() {
    // A few at a time: GET /attachments has a per-user budget.
    while (this.running < 3 && this.queue.length > 0) {
      const attachmentId = this.queue.shift();
      this.running += 1;
      this.fetch(attachmentId).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  async fetch(attachmentId) {
    const before = this.links.get(attachmentId) || { tries: 0 };
    const tries = before.tries + 1;
    const api = this.api();
    if (!api) return;
    try {
      const link = await api.attachment(attachmentId);
      this.links.set(attachmentId, { status: 'ready', tries, ...link });
      if (link.contentType.startsWith('image/') && !link.thumbnailUrl && tries < 6) {
        setTimeout(() => this.request(attachmentId, tries), 500 * 2 ** tries);
      }
    } catch (error) {
      const retry = error && (error.code === 'RATE_LIMITED' || error.status === 404 || error.status >= 500) && tries < 6;
      this.links.set(attachmentId, { ...before, status: retry && before.status === 'ready' ? 'ready' : retry ? 'loading' : 'failed', tries });
      if (retry) setTimeout(() => this.request(attachmentId, tries), 500 * 2 ** tries);
    }
    this.onChange();
  }
}
