/**
 * The engine host's process: an Electron utility process (plain Node, no window), so SQLite queries, the
 * sandbox and training never run on main's thread, and a crash here costs a restart, not the window. Main
 * sends `init` once, then calls; events of running loops flow back unasked.
 */
import { invokeApi } from '../engine/host/dispatch.js';
import { toErrorPayload, isExpectedError, type ErrorPayload } from '../engine/host/errors.js';
import { createWorkbenchHost, type WorkbenchHost } from '../engine/host/host.js';
import type { FromHost, ToHost } from './hostProtocol.js';

const port = process.parentPort;
let host: WorkbenchHost | undefined;

const post = (m: FromHost): void => port.postMessage(m);

/**
 * better-sqlite3 and onnxruntime-node are native modules built for the Node that `npm install` ran; Electron
 * embeds another Node ABI. The loader's own message does not say what to do about it.
 */
function withAdvice(p: ErrorPayload): ErrorPayload {
  if (!/NODE_MODULE_VERSION|compiled against a different Node\.js version/.test(p.message)) return p;
  return {
    ...p,
    message: `${p.message}\nThe native modules were built for Node, not for Electron: rebuild them for Electron (e.g. \`npx @electron/rebuild -f -w better-sqlite3\`), or use browser mode (\`npm run serve\`).`,
  };
}

port.on('message', (e: Electron.MessageEvent) => {
  const msg = e.data as ToHost;
  switch (msg.type) {
    case 'init':
      host ??= createWorkbenchHost({ workspaceDir: msg.workspaceDir, readonly: msg.readonly, transport: 'ipc', appVersion: msg.appVersion });
      host.subscribe((event) => post({ type: 'event', event }));
      post({ type: 'ready' });
      break;
    case 'call': {
      const h = host;
      if (!h) {
        post({ type: 'reply', id: msg.id, reply: { ok: false, error: { name: 'HostError', code: 'unavailable', message: 'the engine host was not initialised' } } });
        break;
      }
      invokeApi(h, msg.method, msg.args).then(
        (value) => post({ type: 'reply', id: msg.id, reply: { ok: true, value } }),
        (err: unknown) => {
          if (!isExpectedError(err)) console.error(`engine host: ${msg.method} failed:`, err);
          post({ type: 'reply', id: msg.id, reply: { ok: false, error: withAdvice(toErrorPayload(err)) } });
        },
      );
      break;
    }
    case 'shutdown':
      // Pauses a running loop at its next safe point, so the run can be resumed after the app restarts.
      void (host?.close() ?? Promise.resolve()).finally(() => {
        post({ type: 'closed' });
        process.exit(0);
      });
      break;
  }
});
