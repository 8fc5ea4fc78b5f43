/**
 * The WebSocket the client runs on: the platform's (browsers, Node 22, Node 20 with
 * `--experimental-websocket`), else the `ws` package (Node 20), loaded only when needed so that
 * browsers never see the import.
 */

/** What the client uses of a WebSocket: the WHATWG interface, which browsers and `ws` both offer. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code?: number; reason?: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type SocketConstructor = new (url: string) => SocketLike;

export const OPEN = 1;

let loaded: Promise<SocketConstructor> | undefined;

export function platformWebSocket(): SocketConstructor | undefined {
  const ws = (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
  return typeof ws === 'function' ? ws : undefined;
}

/** The platform's WebSocket, else `ws`; rejects with advice when neither is there. */
export function resolveWebSocket(): Promise<SocketConstructor> {
  const platform = platformWebSocket();
  if (platform !== undefined) return Promise.resolve(platform);
  if (loaded === undefined) {
    // A computed specifier: bundlers and TypeScript leave it alone, so browsers never load it.
    const name = 'ws';
    loaded = (import(name) as Promise<{ default?: SocketConstructor; WebSocket?: SocketConstructor }>)
      .then((module) => {
        const ctor = module.WebSocket ?? module.default;
        if (typeof ctor !== 'function') throw new Error('the ws package has no WebSocket export');
        return ctor;
      })
      .catch((e: unknown) => {
        loaded = undefined;
        throw new Error('this platform has no WebSocket: install the ws package (npm install ws), '
          + 'run Node 22, or start Node 20 with --experimental-websocket (' + String(e) + ')');
      });
  }
  return loaded;
}

/**
 * The HTTP status of a refused handshake, where the implementation tells it: `ws` reports
 * "Unexpected server response: 401". Browsers never tell (undefined).
 */
export function handshakeStatus(errorEvent: unknown): number | undefined {
  const e = errorEvent as { message?: unknown; error?: { message?: unknown } } | null;
  const text = [e?.message, e?.error?.message].find((m) => typeof m === 'string') as string | undefined;
  const match = text === undefined ? null : /Unexpected server response: (\d{3})/.exec(text);
  return match === null ? undefined : Number(match[1]);
}
