/**
 * The PUT of a file to a presigned URL (docs/protocol.md, attachments), with progress where the
 * platform reports it: `XMLHttpRequest` in browsers (fetch has no upload progress), else `fetch`
 * (Node), which reports the start and the end only.
 */

/** A file's bytes: a browser `File`/`Blob`, or bytes in Node. */
export type UploadBody = Blob | Uint8Array | ArrayBuffer;

/** Bytes sent so far and the total, as the upload goes. */
export type UploadProgress = (sentBytes: number, totalBytes: number) => void;

/** The object store refused the upload (an expired URL, a type or size other than declared). */
export class UploadError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'UploadError';
  }
}

/**
 * Headers a browser sets itself and refuses to let a page set (`content-length`, `host`): the
 * signature covers them, and the browser sends the right values anyway.
 */
const SET_BY_THE_PLATFORM = new Set(['content-length', 'host']);

export function byteLength(body: UploadBody): number {
  return body instanceof ArrayBuffer ? body.byteLength : body instanceof Uint8Array ? body.byteLength : body.size;
}

/** PUTs `body` to the presigned `url` with the headers its signature covers; resolves when stored. */
export function putObject(url: string, headers: Record<string, string>, body: UploadBody,
  onProgress?: UploadProgress, fetchImpl?: typeof fetch): Promise<void> {
  const total = byteLength(body);
  const sent = Object.fromEntries(Object.entries(headers).filter(([name]) => !SET_BY_THE_PLATFORM.has(name.toLowerCase())));
  const Xhr = (globalThis as { XMLHttpRequest?: typeof XMLHttpRequest }).XMLHttpRequest;
  if (Xhr !== undefined && fetchImpl === undefined) {
    return new Promise((resolve, reject) => {
      const xhr = new Xhr();
      xhr.open('PUT', url);
      for (const [name, value] of Object.entries(sent)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => onProgress?.(event.loaded, total);
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress?.(total, total);
          resolve();
        } else {
          reject(new UploadError(xhr.status, `the upload was refused (HTTP ${xhr.status})`));
        }
      };
      xhr.onerror = () => reject(new UploadError(0, 'the upload failed: the object store could not be reached'));
      xhr.send(body as XMLHttpRequestBodyInit);
    });
  }
  const doFetch = fetchImpl ?? globalThis.fetch;
  onProgress?.(0, total);
  return doFetch(url, { method: 'PUT', headers: sent, body: body as BodyInit }).then(async (response) => {
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw new UploadError(response.status, `the upload was refused (HTTP ${response.status}) ${text.slice(0, 200)}`.trim());
    }
    onProgress?.(total, total);
  });
}
