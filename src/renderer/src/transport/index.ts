/**
 * How the renderer reaches the engine: `window.workbench` when the Electron preload put it there (IPC), else
 * browser mode's HTTP + WebSocket on the page's own origin. Either way the views get one WorkbenchApi.
 */
import type { WorkbenchApi } from '../../../shared/api.js';
import { API_VERSION } from '../../../shared/api.js';
import type { SocketFactory, SocketLike } from './eventStream.js';
import { createHttpClient, type FetchLike } from './httpClient.js';

export { ApiError } from './wire.js';
export { createHttpClient, type FetchLike, type HttpClientOptions } from './httpClient.js';
export type { SocketFactory, SocketLike } from './eventStream.js';

interface BrowserGlobals {
  workbench?: WorkbenchApi;
  fetch?: FetchLike;
  WebSocket?: new (url: string) => SocketLike;
  location?: { origin: string };
}

export interface ConnectOptions {
  /** Called when browser mode's live-event socket connects or drops. */
  onEventStatus?: (connected: boolean) => void;
}

export async function connect(options: ConnectOptions = {}): Promise<WorkbenchApi> {
  const g = globalThis as unknown as BrowserGlobals;
  if (g.workbench) return g.workbench;
  if (!g.fetch || !g.WebSocket || !g.location) throw new Error('no workbench bridge: open the app in Electron (npm start) or through browser mode (npm run serve)');
  const Socket = g.WebSocket;
  const socket: SocketFactory = (url) => new Socket(url);
  const api = createHttpClient({
    baseUrl: g.location.origin,
    fetch: g.fetch.bind(globalThis),
    socket,
    ...(options.onEventStatus ? { onEventStatus: options.onEventStatus } : {}),
  });
  // One round trip now, so a stale or foreign server is reported at start-up rather than by the first view.
  const info = await api.info();
  if (info.apiVersion !== API_VERSION) {
    throw new Error(`the workbench server speaks API version ${info.apiVersion}, this page needs ${API_VERSION}: restart \`npm run serve\` after rebuilding (npm run build)`);
  }
  return api;
}
