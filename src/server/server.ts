/**
 * Browser mode: the engine host behind HTTP + WebSocket on the loopback interface, serving the built renderer
 * beside the API, so the workbench runs in any browser on a machine where Electron cannot. Routes:
 *
 *   GET  /, /assets/…        the renderer (out/renderer)
 *   POST /api/<method>       one WorkbenchApi call; JSON array of arguments in, {"result"} or {"error"} out
 *   GET  /api/events         WebSocket of LoopEvents
 *
 * The wire format is documented in src/renderer/src/transport/wire.ts. Every argument list is checked by
 * `validateApiArgs` (via `invokeApi`) before the host sees it; who may call at all is security.ts's decision.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WorkbenchApi } from '../shared/api.js';
import { isApiMethod, API_METHODS } from '../shared/apiValidation.js';
import { InputError } from '../shared/errors.js';
import { invokeApi } from '../engine/host/dispatch.js';
import type { ChatCompletionsService } from '../engine/host/chatCompletions.js';
import { checkScenePaths } from './scenePaths.js';
import { isExpectedError, toErrorPayload, type ErrorPayload } from '../engine/host/errors.js';
import { accessProblem, securityHeaders } from './security.js';
import { readStatic, rendererBuilt } from './staticFiles.js';
import { createEventSockets } from './websocket.js';
import { encodeJson, encodeResult } from './wire.js';

export const DEFAULT_PORT = 5174;
/** Largest API request body: arguments are ids and small query objects. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Largest /v1/chat/completions body: a question with its frames as base64 images. */
const MAX_CHAT_BODY_BYTES = 64 * 1024 * 1024;

export interface WorkbenchServerOptions {
  host: WorkbenchApi;
  /** 0 picks a free port (tests). */
  port?: number;
  /** The built renderer; requests for pages get a "run npm run build" page when it is missing. */
  rendererDir: string;
  /** Where unexpected failures (bugs, not bad input) are reported; default stderr. */
  log?: (message: string, error?: unknown) => void;
  /**
   * Folders a run started through this server may read scene files from (the workspace and each --allow-dir).
   * Undefined: no restriction (tests of other behaviour).
   */
  allowedDirs?: readonly string[];
  /** OpenAI-compatible /v1/chat/completions and /v1/models over the workspace's checkpoints; absent: no /v1 routes. */
  chat?: ChatCompletionsService;
}

export interface WorkbenchServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function statusOf(p: ErrorPayload): number {
  if (p.name === 'InputError') return 400;
  switch (p.code) {
    case 'not-found':
      return 404;
    case 'readonly':
      return 403;
    case 'busy':
    case 'elsewhere':
    case 'invalid-state':
      return 409;
    case 'unavailable':
      return 503;
    default:
      return 500;
  }
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, max = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      // Keep draining (so the 413 can be sent on a healthy connection) but stop keeping the bytes.
      if (size > max) reject(new BodyTooLarge());
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>Ouroboros Workbench</title>
<body style="font-family: system-ui, sans-serif; padding: 24px"><h1>The renderer is not built</h1>
<p>Run <code>npm run build</code>, then reload this page (the server keeps running).</p></body>`;

export async function startWorkbenchServer(options: WorkbenchServerOptions): Promise<WorkbenchServer> {
  const { host, rendererDir } = options;
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  let port = options.port ?? DEFAULT_PORT;
  const events = createEventSockets((listener) => host.subscribe(listener));

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { ...securityHeaders(port), 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...extra });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };
  const sendError = (res: ServerResponse, status: number, payload: ErrorPayload, extra: Record<string, string> = {}): void =>
    send(res, status, 'application/json; charset=utf-8', encodeJson({ error: payload }), { 'Cache-Control': 'no-store', ...extra });

  async function api(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      sendError(res, 405, { name: 'InputError', code: 'method-not-allowed', message: `use POST /api/${method} with the arguments as a JSON array` });
      return;
    }
    if (!isApiMethod(method)) {
      sendError(res, 404, { name: 'InputError', code: 'not-found', message: `unknown API method "${method}"; expected one of ${API_METHODS.join(', ')}` });
      return;
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      sendError(res, 415, { name: 'InputError', code: 'unsupported-media-type', message: `${method}: expected a request body of type application/json` });
      return;
    }
    let args: unknown;
    try {
      const text = await readBody(req);
      try {
        args = text.trim() === '' ? [] : JSON.parse(text);
      } catch (e) {
        throw new InputError({ field: method, message: `the request body is not valid JSON (${(e as Error).message})` });
      }
      if (method === 'startRun' && options.allowedDirs && Array.isArray(args)) checkScenePaths(args[0], options.allowedDirs);
      const result = await invokeApi(host, method, args);
      send(res, 200, 'application/json; charset=utf-8', encodeResult(result), { 'Cache-Control': 'no-store' });
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        sendError(res, 413, { name: 'InputError', code: 'too-large', message: `${method}: the request body is larger than ${MAX_BODY_BYTES} bytes` }, { Connection: 'close' });
        return;
      }
      const payload = toErrorPayload(e);
      if (!isExpectedError(e)) log(`error in ${method}: ${payload.message}`, e);
      if (!res.headersSent) sendError(res, statusOf(payload), payload);
    }
  }

  /** OpenAI's wire shapes: errors as {error: {message, type, param, code}}, so OpenAI clients report them. */
  async function openai(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const chat = options.chat;
    const fail = (status: number, message: string, param: string | null = null): void =>
      send(res, status, 'application/json; charset=utf-8', JSON.stringify({ error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', param, code: null } }), { 'Cache-Control': 'no-store' });
    if (!chat) return fail(404, 'this server does not serve the OpenAI API');
    try {
      if (path === '/v1/models' && req.method === 'GET') {
        send(res, 200, 'application/json; charset=utf-8', JSON.stringify(chat.models()), { 'Cache-Control': 'no-store' });
        return;
      }
      if (path !== '/v1/chat/completions') return fail(404, `no route ${path}; this server has GET /v1/models and POST /v1/chat/completions`);
      if (req.method !== 'POST') return fail(405, 'use POST /v1/chat/completions');
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return fail(415, 'expected a request body of type application/json');
      let body: unknown;
      const text = await readBody(req, MAX_CHAT_BODY_BYTES);
      try {
        body = JSON.parse(text);
      } catch (e) {
        return fail(400, `the request body is not valid JSON (${(e as Error).message})`);
      }
      send(res, 200, 'application/json; charset=utf-8', JSON.stringify(await chat.complete(body)), { 'Cache-Control': 'no-store' });
    } catch (e) {
      if (e instanceof BodyTooLarge) return fail(413, `the request body is larger than ${MAX_CHAT_BODY_BYTES} bytes`);
      const p = toErrorPayload(e);
      if (!isExpectedError(e)) log(`error in ${path}: ${p.message}`, e);
      if (!res.headersSent) fail(p.name === 'InputError' ? 400 : p.code === 'unavailable' || p.code === 'not-found' ? 404 : 500, p.message, p.problems?.[0]?.field ?? null);
    }
  }

  function page(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    if (!rendererBuilt(rendererDir)) {
      send(res, 503, 'text/html; charset=utf-8', NOT_BUILT_PAGE, { 'Cache-Control': 'no-store' });
      return;
    }
    const file = readStatic(rendererDir, path);
    if (file.status !== 200) {
      send(res, file.status, 'text/plain; charset=utf-8', `${file.message}\n`);
      return;
    }
    send(res, 200, file.type, file.body, { 'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache' });
  }

  const server = createServer((req, res) => {
    const denied = accessProblem(req.headers, port);
    if (denied) {
      send(res, 403, 'text/plain; charset=utf-8', `${denied}\n`);
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/api/events') {
      send(res, 426, 'text/plain; charset=utf-8', 'this address is a WebSocket (GET with Upgrade: websocket)\n', { Upgrade: 'websocket' });
      return;
    }
    if (path.startsWith('/api/')) {
      void api(req, res, path.slice('/api/'.length));
      return;
    }
    if (path === '/v1' || path.startsWith('/v1/')) {
      void openai(req, res, path);
      return;
    }
    page(req, res, path);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const denied = accessProblem(req.headers, port);
    const path = (req.url ?? '/').split('?')[0];
    if (denied || path !== '/api/events') {
      const status = denied ? '403 Forbidden' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${denied ?? 'no WebSocket here; use /api/events'}\n`);
      return;
    }
    events.upgrade(req, socket, head);
  });

  // Node closes an idle keep-alive connection after 5 s by default; a client reusing it at that moment gets
  // ECONNRESET on a request the server never saw (the soak test caught one on stopRun). Keep idle connections
  // far longer than clients wait between calls; headers must be allowed longer still.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the API can start training runs and read the workspace, so it is never exposed.
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: async () => {
      const sockets = events.close();
      const http = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([sockets, http]);
    },
  };
}
