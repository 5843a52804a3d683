/**
 * WebSocket clients for the tests. `TestWebSocket` is `ws`'s client, recording what the server sent as frames
 * (opcode and payload) so tests can wait for them; `NodeSocket` wraps it in the browser API subset that the
 * renderer's event stream uses. `rawCloseAnswer` speaks raw bytes, for close frames that break the protocol and
 * that `ws`'s client therefore refuses to send.
 */
import { request, type IncomingHttpHeaders } from 'node:http';
import { WebSocket } from 'ws';
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

const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/** The body of the close frame a peer sent: 1005 stands for an empty one, 1006 for none at all. */
function closePayload(code: number, reason: Buffer): Buffer | undefined {
  if (code === 1006) return undefined;
  if (code === 1005) return Buffer.alloc(0);
  return Buffer.concat([Buffer.from([code >> 8, code & 0xff]), reason]);
}

export class TestWebSocket {
  readonly frames: Frame[] = [];
  ended = false;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly ws: WebSocket,
    readonly headers: IncomingHttpHeaders,
  ) {
    ws.on('message', (data: Buffer, isBinary: boolean) => this.record(isBinary ? OP_BINARY : OP_TEXT, data));
    ws.on('ping', (data: Buffer) => this.record(OP_PING, data));
    ws.on('pong', (data: Buffer) => this.record(OP_PONG, data));
    // Protocol errors end in 'close' too, which is what the tests look at.
    ws.on('error', () => {});
    ws.on('close', (code: number, reason: Buffer) => {
      const payload = closePayload(code, reason);
      if (payload) this.frames.push({ opcode: OP_CLOSE, payload });
      this.ended = true;
      this.notify();
    });
  }

  /** Connects, or rejects with `Refused` (status and body) when the server answers the upgrade with HTTP. */
  static open(url: string, headers: Record<string, string> = {}): Promise<TestWebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url.replace(/^http/, 'ws'), { headers });
      let answer: IncomingHttpHeaders = {};
      ws.once('upgrade', (res) => {
        answer = res.headers;
      });
      ws.once('unexpected-response', (req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => {
          req.destroy();
          reject(new Refused(res.statusCode ?? 0, body));
        });
      });
      // Listeners go on inside 'open', before ws reads the first frame, so none is missed.
      ws.once('open', () => resolve(new TestWebSocket(ws, answer)));
      ws.once('error', reject);
    });
  }

  texts(): string[] {
    return this.frames.filter((f) => f.opcode === OP_TEXT).map((f) => f.payload.toString('utf8'));
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
    this.ws.terminate();
  }

  private record(opcode: number, payload: Buffer): void {
    this.frames.push({ opcode, payload });
    this.notify();
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/**
 * Upgrades a raw connection, sends one masked close frame with `payload` as its body (whatever it holds), and
 * resolves with the body of the close frame the server answers with, once the server has ended the connection.
 */
export function rawCloseAnswer(url: string, payload: Buffer): Promise<Buffer> {
  if (payload.length > 125) throw new Error('a close frame body is at most 125 bytes');
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({
      host: u.hostname,
      port: u.port,
      path: u.pathname,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('upgrade', (_res, socket, head) => {
      const chunks: Buffer[] = [head];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', reject);
      socket.on('close', () => {
        // The server's frames are unmasked; a close frame's body fits the 7-bit length.
        let b = Buffer.concat(chunks);
        while (b.length >= 2) {
          const len = b[1]! & 0x7f;
          if ((b[1]! & 0x80) !== 0 || len > 125) return reject(new Error('unexpected server frame'));
          if ((b[0]! & 0x0f) === OP_CLOSE) return resolve(b.subarray(2, 2 + len));
          b = b.subarray(2 + len);
        }
        reject(new Error('the server sent no close frame'));
      });
      // FIN + close opcode, masked with the key 0 0 0 0 so the body goes out as is.
      socket.write(Buffer.concat([Buffer.from([0x80 | OP_CLOSE, 0x80 | payload.length, 0, 0, 0, 0]), payload]));
    });
    req.on('response', (res) => reject(new Refused(res.statusCode ?? 0, '')));
    req.on('error', reject);
    req.end();
  });
}

/** The browser WebSocket subset the renderer's EventStream uses, over `ws`'s client. */
export class NodeSocket implements SocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  private readonly ws: WebSocket;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url.replace(/^http/, 'ws'), { headers });
    // ws's event handlers deliver text messages as strings, as a browser does.
    this.ws.onopen = (ev) => this.onopen?.(ev);
    this.ws.onmessage = (ev) => this.onmessage?.({ data: ev.data });
    this.ws.onclose = (ev) => this.onclose?.(ev);
    this.ws.onerror = (ev) => this.onerror?.(ev);
  }

  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }
}
