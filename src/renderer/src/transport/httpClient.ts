/**
 * The WorkbenchApi over browser mode's HTTP + WebSocket (format in wire.ts). Every method is one POST; a failed
 * call rejects with an ApiError carrying the host's message, so views show the same sentence as in Electron.
 */
import type { WorkbenchApi } from '../../../shared/api.js';
import type { ApiMethod } from '../../../shared/apiValidation.js';
import { API_METHODS } from '../../../shared/apiValidation.js';
import { EventStream, type SocketFactory } from './eventStream.js';
import { ApiError, reviveBinary, type WireError } from './wire.js';

/** The part of `fetch` this uses; tests pass Node's. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{ ok: boolean; status: number; statusText: string; text(): Promise<string> }>;

export interface HttpClientOptions {
  /** Origin of the server, e.g. `http://127.0.0.1:5174`. */
  baseUrl: string;
  fetch: FetchLike;
  socket: SocketFactory;
  onEventStatus?: (connected: boolean) => void;
}

export function eventsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/api/events`;
}

async function call(options: HttpClientOptions, method: ApiMethod, args: unknown[]): Promise<unknown> {
  // Trailing optional arguments left out stay out, as over IPC.
  while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await options.fetch(`${options.baseUrl.replace(/\/$/, '')}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(args),
    });
  } catch (e) {
    throw new ApiError({ name: 'NetworkError', code: 'unreachable', message: `cannot reach the workbench server at ${options.baseUrl} (${e instanceof Error ? e.message : String(e)}); is \`npm run serve\` still running?` });
  }
  const text = await res.text();
  let body: { result?: unknown; error?: WireError } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = undefined;
  }
  if (!res.ok || !body || body.error) {
    throw new ApiError(body?.error ?? { name: 'Error', code: `http-${res.status}`, message: `${method} failed: HTTP ${res.status} ${res.statusText}` });
  }
  return reviveBinary(body.result ?? null);
}

export function createHttpClient(options: HttpClientOptions): WorkbenchApi {
  const events = new EventStream({ url: eventsUrl(options.baseUrl), socket: options.socket, ...(options.onEventStatus ? { onStatus: options.onEventStatus } : {}) });
  const methods = Object.fromEntries(API_METHODS.map((m) => [m, (...args: unknown[]) => call(options, m, args)]));
  return { ...methods, subscribe: (listener) => events.subscribe(listener) } as WorkbenchApi;
}
