/**
 * A TCP proxy in front of the runtime for fault injection over real sockets: it can cut every
 * connection through it (as a network drop or a gateway incident does, both sides see the TCP
 * connection end) and insert a text frame into the server-to-client WebSocket stream at a frame
 * boundary (a frame from a newer server version).
 */
import net from 'node:net';

export class Proxy {
  static async start(targetPort) {
    const proxy = new Proxy(targetPort);
    await new Promise((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = proxy.server.address().port;
    return proxy;
  }

  constructor(targetPort) {
    this.targetPort = targetPort;
    this.pairs = new Set();
    this.cut = 0;
    this.server = net.createServer((client) => this.accept(client));
  }

  get websocketUrl() {
    return `ws://127.0.0.1:${this.port}`;
  }

  accept(client) {
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    const pair = { client, upstream, reader: new FrameReader(), pendingInserts: [] };
    this.pairs.add(pair);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      // Forward whole frames only, so that an inserted frame lands between two of them.
      for (const piece of pair.reader.push(chunk)) client.write(piece);
      this.flushInserts(pair);
    });
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  }

  /** Open connections through the proxy. */
  get open() {
    return this.pairs.size;
  }

  /** Cuts every connection now. */
  dropAll() {
    for (const pair of [...this.pairs]) {
      this.cut++;
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
  }

  /** Cuts one connection picked by `random` (a number in [0, 1)). */
  dropOne(random = Math.random) {
    const pairs = [...this.pairs];
    if (pairs.length === 0) return false;
    const pair = pairs[Math.floor(random() * pairs.length)];
    this.cut++;
    pair.client.destroy();
    pair.upstream.destroy();
    this.pairs.delete(pair);
    return true;
  }

  /** Sends `text` as a server text frame on every open WebSocket, between two server frames. */
  insert(text) {
    for (const pair of this.pairs) {
      pair.pendingInserts.push(text);
      this.flushInserts(pair);
    }
  }

  flushInserts(pair) {
    if (!pair.reader.atBoundary() || !pair.reader.upgraded) return;
    for (const text of pair.pendingInserts.splice(0)) pair.client.write(textFrame(text));
  }

  async close() {
    this.dropAll();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** An unmasked (server) WebSocket text frame. */
function textFrame(text) {
  const payload = Buffer.from(text, 'utf8');
  let header;
  if (payload.length < 126) {
    header = Buffer.from([0x81, payload.length]);
  } else if (payload.length < 65_536) {
    header = Buffer.alloc(4);
    header[0] = 0x81;
    header[1] = 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x81;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([header, payload]);
}

/**
 * Splits the server's byte stream into the HTTP upgrade response and then whole WebSocket frames
 * (unmasked, as a server sends them). Frames are only read for their length.
 */
class FrameReader {
  constructor() {
    this.upgraded = false;
    this.buffer = Buffer.alloc(0);
  }

  /** The pieces that can be forwarded now: complete parts only. */
  push(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const out = [];
    if (!this.upgraded) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return out;
      out.push(this.buffer.subarray(0, end + 4));
      this.buffer = this.buffer.subarray(end + 4);
      this.upgraded = true;
    }
    for (;;) {
      const length = frameLength(this.buffer);
      if (length === undefined || this.buffer.length < length) break;
      out.push(this.buffer.subarray(0, length));
      this.buffer = this.buffer.subarray(length);
    }
    return out;
  }

  atBoundary() {
    return this.buffer.length === 0;
  }
}

function frameLength(buffer) {
  if (buffer.length < 2) return undefined;
  const masked = (buffer[1] & 0x80) !== 0;
  let length = buffer[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  return offset + (masked ? 4 : 0) + length;
}
