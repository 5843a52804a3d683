/**
 * The server side of RFC 6455, as much as a server that only pushes events needs: the opening handshake,
 * unmasked text frames out, and of what the client sends only what the protocol requires answering (ping →
 * pong, close → close). Client messages are read and dropped. No extensions (no compression), no subprotocols.
 * Written here because the project has no WebSocket package and the handshake plus framing is ~150 lines.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Largest client frame accepted; clients have nothing to say beyond control frames. */
const MAX_CLIENT_FRAME = 64 * 1024;
/** A client this far behind in reading is dropped rather than buffered without bound. */
const MAX_BUFFERED = 16 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** Why the handshake is refused, or undefined when it is a valid RFC 6455 upgrade request. */
export function handshakeProblem(req: IncomingMessage): string | undefined {
  if (req.method !== 'GET') return 'a WebSocket handshake must be a GET request';
  const upgrade = req.headers.upgrade?.toLowerCase();
  const connection = req.headers.connection?.toLowerCase().split(',').map((s) => s.trim()) ?? [];
  if (upgrade !== 'websocket' || !connection.includes('upgrade')) return 'expected the headers "Upgrade: websocket" and "Connection: Upgrade"';
  if (req.headers['sec-websocket-version'] !== '13') return 'expected "Sec-WebSocket-Version: 13"';
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || Buffer.from(key, 'base64').length !== 16) return 'expected a "Sec-WebSocket-Key" of 16 base64-encoded bytes';
  return undefined;
}

export function frame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.alloc(2) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = 0x80 | opcode;
  if (n < 126) head[1] = n;
  else if (n < 65536) {
    head[1] = 126;
    head.writeUInt16BE(n, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, payload]);
}

function closePayload(code: number, reason = ''): Buffer {
  const r = Buffer.from(reason, 'utf8').subarray(0, 123);
  const b = Buffer.alloc(2 + r.length);
  b.writeUInt16BE(code, 0);
  r.copy(b, 2);
  return b;
}

/**
 * Whether a close code may be sent in a close frame (RFC 6455 §7.4 and the IANA registry): 1000–1003, 1007–1014
 * and the application ranges 3000–4999. Codes below 1000, 1004 (reserved), 1005, 1006 and 1015 (never sent on
 * the wire: they stand for "no code", "dropped" and "TLS failure"), 1016–2999 (unassigned) and 5000 and up are not.
 */
export function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/** Why a client's close frame breaks the protocol (§5.5.1, §7.4), as the close code and reason to answer with. */
export function closeFrameProblem(payload: Buffer): { code: number; reason: string } | undefined {
  if (payload.length === 0) return undefined;
  if (payload.length === 1) return { code: 1002, reason: 'a close frame body needs a 2-byte code' };
  const code = payload.readUInt16BE(0);
  if (!isValidCloseCode(code)) return { code: 1002, reason: `invalid close code ${code}` };
  if (!isUtf8(payload.subarray(2))) return { code: 1007, reason: 'close reason is not valid UTF-8' };
  return undefined;
}

export interface WebSocketConnection {
  readonly open: boolean;
  sendText(text: string): void;
  close(code?: number, reason?: string): void;
  /** Sends a close frame and ends the connection without waiting for the client's (server shutdown). */
  terminate(code?: number, reason?: string): void;
  onClose(listener: () => void): void;
}

/**
 * Completes the handshake on an upgrade request the caller has already authorised, and returns the
 * connection. A malformed handshake is answered with 400 and undefined is returned.
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, extraHeaders: Record<string, string> = {}): WebSocketConnection | undefined {
  const problem = handshakeProblem(req);
  if (problem) {
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${problem}\n`);
    return undefined;
  }
  const headers = [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${acceptKey(req.headers['sec-websocket-key'] as string)}`,
    ...Object.entries(extraHeaders).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.write(`${headers.join('\r\n')}\r\n\r\n`);
  return new Connection(socket);
}

class Connection implements WebSocketConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private closing = false;
  private closed = false;
  private awaitingPong = false;
  private readonly listeners: (() => void)[] = [];
  private readonly heartbeat: ReturnType<typeof setInterval>;

  constructor(private readonly socket: Duplex) {
    (socket as Partial<Socket>).setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.finish());
    socket.on('error', () => this.finish());
    socket.on('end', () => socket.end());
    // Connections that vanish without a close (a sleeping laptop, a killed tab) are found by their silence.
    this.heartbeat = setInterval(() => {
      if (this.awaitingPong) {
        this.socket.destroy();
        return;
      }
      this.awaitingPong = true;
      this.write(frame(OP_PING, Buffer.alloc(0)));
    }, HEARTBEAT_MS);
    this.heartbeat.unref?.();
  }

  get open(): boolean {
    return !this.closed && !this.closing;
  }

  sendText(text: string): void {
    if (!this.open) return;
    if (this.socket.writableLength > MAX_BUFFERED) {
      this.close(1008, 'client too slow to read events');
      this.socket.destroy();
      return;
    }
    this.write(frame(OP_TEXT, Buffer.from(text, 'utf8')));
  }

  close(code = 1000, reason = ''): void {
    if (this.closing || this.closed) return;
    this.closing = true;
    this.write(frame(OP_CLOSE, closePayload(code, reason)));
    // The client answers with its own close; end the TCP side even if it does not.
    setTimeout(() => this.socket.destroy(), 2000).unref?.();
  }

  terminate(code = 1001, reason = ''): void {
    this.close(code, reason);
    this.socket.end();
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.listeners.push(listener);
  }

  private write(b: Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(b);
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const l of this.listeners.splice(0)) l();
  }

  private fail(code: number, reason: string): void {
    this.close(code, reason);
    this.buffer = Buffer.alloc(0);
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      const fin = (b[0]! & 0x80) !== 0;
      const rsv = b[0]! & 0x70;
      const opcode = b[0]! & 0x0f;
      const masked = (b[1]! & 0x80) !== 0;
      let len = b[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        const big = b.readBigUInt64BE(2);
        if (big > BigInt(MAX_CLIENT_FRAME)) return this.fail(1009, 'frame too large');
        len = Number(big);
        at = 10;
      }
      if (rsv !== 0) return this.fail(1002, 'no extensions were negotiated');
      if (!masked) return this.fail(1002, 'client frames must be masked');
      if (len > MAX_CLIENT_FRAME) return this.fail(1009, 'frame too large');
      if (opcode >= 0x8 && (!fin || len > 125)) return this.fail(1002, 'control frames must be final and at most 125 bytes');
      if (![OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG].includes(opcode)) return this.fail(1002, `unknown opcode ${opcode}`);
      if (b.length < at + 4 + len) return;
      const mask = b.subarray(at, at + 4);
      const payload = Buffer.from(b.subarray(at + 4, at + 4 + len));
      for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
      this.buffer = b.subarray(at + 4 + len);
      this.handle(opcode, payload);
      if (this.closed) return;
    }
  }

  private handle(opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OP_PING:
        this.write(frame(OP_PONG, payload));
        break;
      case OP_PONG:
        this.awaitingPong = false;
        break;
      case OP_CLOSE: {
        if (!this.closing) {
          this.closing = true;
          const problem = closeFrameProblem(payload);
          // Echo the client's code; a close frame that breaks the protocol is answered as a protocol error.
          const answer = problem ? closePayload(problem.code, problem.reason) : closePayload(payload.length >= 2 ? payload.readUInt16BE(0) : 1000);
          this.write(frame(OP_CLOSE, answer));
        }
        this.socket.end();
        break;
      }
      default:
        // Data frames: the event stream is one-way; whatever a client sends is ignored.
        break;
    }
  }
}
