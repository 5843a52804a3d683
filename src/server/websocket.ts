/**
 * The event WebSocket (`GET /api/events`) on the `ws` package, which does the RFC 6455 work: the handshake,
 * masking and size checks on client frames, ping → pong, close codes, UTF-8 checks. What is ours: the stricter
 * handshake check (version 13 only, with a message that names the header), one host subscription per
 * connection, the heartbeat, dropping clients that stop reading, and the close on shutdown. The stream is one-way:
 * whatever a client sends is read and dropped.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type ServerOptions } from 'ws';
import type { LoopEvent } from '../shared/loop.js';

/** Largest client message accepted; clients have nothing to say beyond control frames. */
const MAX_CLIENT_FRAME = 64 * 1024;
/** A client this far behind in reading is dropped rather than buffered without bound. */
const MAX_BUFFERED = 16 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;
/** How long a close waits for the client's answering close frame before the TCP connection is cut. */
const CLOSE_TIMEOUT_MS = 2000;

/**
 * Why the handshake is refused, or undefined when it is a valid RFC 6455 upgrade request. Checked before `ws`
 * sees the request: `ws` also accepts the pre-standard version 8, and its refusals do not say what was expected.
 */
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

export interface EventSockets {
  /** Completes an upgrade request the caller has already authorised (Host, Origin, path); a malformed one gets 400. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Sends every client a close (1001) and resolves once all are gone; a client that does not answer is cut after 2 s. */
  close(): Promise<void>;
}

export function createEventSockets(subscribe: (listener: (event: LoopEvent) => void) => () => void): EventSockets {
  // @types/ws 8.18 does not declare closeTimeout yet; ws 8.23 reads it (the default waits 30 s).
  const options: ServerOptions & { closeTimeout: number } = {
    noServer: true,
    maxPayload: MAX_CLIENT_FRAME,
    perMessageDeflate: false,
    // No subprotocols: without this hook ws would echo the client's first one.
    handleProtocols: () => false,
    closeTimeout: CLOSE_TIMEOUT_MS,
  };
  const wss = new WebSocketServer(options);

  const connected = (ws: WebSocket): void => {
    // Connections that vanish without a close (a sleeping laptop, a killed tab) are found by their silence.
    let awaitingPong = false;
    const heartbeat = setInterval(() => {
      if (awaitingPong) {
        ws.terminate();
        return;
      }
      awaitingPong = true;
      ws.ping();
    }, HEARTBEAT_MS);
    heartbeat.unref();
    ws.on('pong', () => {
      awaitingPong = false;
    });
    // Protocol errors (unmasked or oversized frames, bad close codes): ws has already answered with the close
    // code the RFC asks for; without a listener the error would be thrown.
    ws.on('error', () => {});
    const unsubscribe = subscribe((event) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED) {
        ws.close(1008, 'client too slow to read events');
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(event));
    });
    ws.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  };

  return {
    upgrade(req, socket, head) {
      const problem = handshakeProblem(req);
      if (problem) {
        socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${problem}\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, connected);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.close(1001, 'server shutting down');
        // In noServer mode this waits for the tracked clients to close, and refuses upgrades from now on.
        wss.close(() => resolve());
      }),
  };
}
