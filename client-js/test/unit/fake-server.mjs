/**
 * A scripted server for unit tests of the client: the client is given `FakeSocket` as its
 * WebSocket, and the test plays the server's part on each socket the client opens.
 */
export class FakeServer {
  constructor() {
    this.sockets = [];
    const server = this;
    this.WebSocket = class FakeSocket {
      constructor(url) {
        this.url = url;
        this.readyState = 0;
        this.sent = [];
        this.onopen = null;
        this.onmessage = null;
        this.onclose = null;
        this.onerror = null;
        server.sockets.push(this);
        server.notify();
      }
      send(text) {
        if (this.readyState !== 1) throw new Error('not open');
        this.sent.push(JSON.parse(text));
        server.notify();
      }
      close() {
        if (this.readyState === 3) return;
        const wasOpen = this.readyState === 1;
        this.readyState = 3;
        if (wasOpen || this.onclose) queueMicrotask(() => this.onclose?.({ code: 1000, reason: '' }));
      }
      // the server's side
      accept() {
        this.readyState = 1;
        this.onopen?.({});
      }
      push(frame) {
        this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
      }
      drop() {
        this.readyState = 3;
        this.onclose?.({ code: 1006, reason: 'dropped' });
      }
    };
    this.waiters = [];
  }

  notify() {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves when `condition()` is truthy (checked on every socket event and every 5 ms). */
  until(condition, what = 'condition') {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const check = () => {
        const value = condition();
        if (value) {
          clearInterval(timer);
          this.waiters = this.waiters.filter((w) => w !== check);
          resolve(value);
        } else if (Date.now() - started > 5000) {
          clearInterval(timer);
          this.waiters = this.waiters.filter((w) => w !== check);
          reject(new Error(`timed out waiting for ${what}`));
        }
      };
      const timer = setInterval(check, 5);
      this.waiters.push(check);
      check();
    });
  }

  latest() {
    return this.sockets[this.sockets.length - 1];
  }

  /** The next frame the socket sent with this action, not seen before by this call. */
  async request(socket, action) {
    socket.seen ??= new Set();
    return this.until(() => socket.sent.find((f, i) => f.action === action && !socket.seen.has(i) && socket.seen.add(i)), action);
  }
}

/** A JWT-shaped token (unsigned: the fake server does not check it). */
export function token(sub) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub })}.x`;
}
