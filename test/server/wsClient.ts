/**
 * A WebSocket client for the tests, on a raw HTTP upgrade (Node 20 has no global WebSocket without a flag): it
 * checks the server's handshake answer, reads unmasked server frames and sends masked client frames, so it
 * exercises the server's framing from the outside. `NodeSocket` wraps it in the browser API subset that the
 * renderer's event stream uses.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { SocketLike } from '../../src/renderer/src/transport/eventStream.js';

export interface Frame {
  opcode: number;
  payload: Buffer;
}

export class Refused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused: ${status} ${body}`);
  }
}

export class RawWebSocket {
  readonly frames: Frame[] = [];
  ended = false;
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];

  constructor(
    readonly socket: Socket,
    head: Buffer,
    readonly headers: IncomingHttpHeaders,
  ) {
    socket.on('data', (c: Buffer) => this.receive(c));
    socket.on('close', () => {
      this.ended = true;
      this.notify();
    });
    if (head.length > 0) this.receive(head);
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<RawWebSocket> {
    const u = new URL(url);
    const key = randomBytes(16).toString('base64');
    return new Promise((resolve, reject) => {
      const req = request({
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': key, ...headers },
      });
      req.on('upgrade', (res, socket, head) => {
        const expected = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        if (res.headers['sec-websocket-accept'] !== expected) {
          socket.destroy();
          reject(new Error(`bad Sec-WebSocket-Accept ${res.headers['sec-websocket-accept']}`));
          return;
        }
        resolve(new RawWebSocket(socket, head, res.headers));
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => reject(new Refused(res.statusCode ?? 0, body)));
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** A client frame: masked, as RFC 6455 requires of clients. */
  send(opcode: number, payload: Buffer = Buffer.alloc(0), options: { mask?: boolean; fin?: boolean } = {}): void {
    const mask = options.mask ?? true;
    const n = payload.length;
    const head = Buffer.alloc(n < 126 ? 2 : n < 65536 ? 4 : 10);
    head[0] = (options.fin ?? true ? 0x80 : 0) | opcode;
    if (n < 126) head[1] = n;
    else if (n < 65536) {
      head[1] = 126;
      head.writeUInt16BE(n, 2);
    } else {
      head[1] = 127;
      head.writeBigUInt64BE(BigInt(n), 2);
    }
    if (!mask) {
      this.socket.write(Buffer.concat([head, payload]));
      return;
    }
    head[1]! |= 0x80;
    const key = randomBytes(4);
    const body = Buffer.from(payload);
    for (let i = 0; i < body.length; i++) body[i]! ^= key[i & 3]!;
    this.socket.write(Buffer.concat([head, key, body]));
  }

  texts(): string[] {
    return this.frames.filter((f) => f.opcode === 1).map((f) => f.payload.toString('utf8'));
  }

  /** Resolves once `check` holds (re-checked on every frame), or rejects after `ms`. */
  async until(check: () => boolean, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (!check()) {
      const left = end - Date.now();
      if (left <= 0) throw new Error('timed out waiting for WebSocket frames');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) break;
      if (b[1]! & 0x80) throw new Error('server frames must not be masked');
      let len = b[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (b.length < 4) break;
        len = b.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (b.length < 10) break;
        len = Number(b.readBigUInt64BE(2));
        at = 10;
      }
      if (b.length < at + len) break;
      this.frames.push({ opcode: b[0]! & 0x0f, payload: Buffer.from(b.subarray(at, at + len)) });
      this.buffer = b.subarray(at + len);
    }
    this.notify();
  }
}

/** The browser WebSocket subset the renderer's EventStream uses, over RawWebSocket. */
export class NodeSocket implements SocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  private raw: RawWebSocket | undefined;
  private seen = 0;
  private closed = false;

  constructor(url: string, headers: Record<string, string> = {}) {
    RawWebSocket.open(url, headers).then(
      (raw) => {
        if (this.closed) {
          raw.destroy();
          return;
        }
        this.raw = raw;
        this.onopen?.({});
        const pump = (): void => {
          for (; this.seen < raw.frames.length; this.seen++) {
            const f = raw.frames[this.seen]!;
            if (f.opcode === 1) this.onmessage?.({ data: f.payload.toString('utf8') });
          }
        };
        raw.socket.on('data', () => setImmediate(pump));
        raw.socket.on('close', () => this.onclose?.({}));
        pump();
      },
      (e: unknown) => {
        this.onerror?.(e);
        this.onclose?.({});
      },
    );
  }

  close(): void {
    this.closed = true;
    this.raw?.send(0x8, Buffer.from([0x03, 0xe8]));
    this.raw?.socket.end();
  }
}
