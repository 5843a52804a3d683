/**
 * The narrow bridge: the renderer sees only `window.workbench`, the full WorkbenchApi (src/shared/api.ts).
 * Each method is one `workbench:<method>` invoke (main validates the arguments and forwards them to the engine
 * host); replies come as envelopes and become values or rejections here, so a host error reaches the view as
 * its own sentence rather than Electron's "Error invoking remote method …" wrapping. Loop events arrive on
 * `workbench:event`; `subscribe` returns the function that stops them.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { WorkbenchApi } from '../shared/api.js';
import { API_METHODS, type ApiMethod } from '../shared/apiValidation.js';
import type { LoopEvent } from '../shared/loop.js';

type Reply = { ok: true; value: unknown } | { ok: false; error: { name: string; code?: string; message: string } };

async function call(method: ApiMethod, args: unknown[]): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(`workbench:${method}`, ...args)) as Reply;
  if (reply.ok) return reply.value;
  // contextBridge keeps an Error's message across the isolation boundary (not its other fields), so the
  // message is the whole story.
  const e = new Error(reply.error.message);
  e.name = reply.error.name;
  throw e;
}

const methods = Object.fromEntries(API_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)]));

const api: WorkbenchApi = {
  ...(methods as Omit<WorkbenchApi, 'subscribe'>),
  subscribe(listener: (event: LoopEvent) => void): () => void {
    const handler = (_e: IpcRendererEvent, event: LoopEvent): void => listener(event);
    ipcRenderer.on('workbench:event', handler);
    return () => {
      ipcRenderer.removeListener('workbench:event', handler);
    };
  },
};

contextBridge.exposeInMainWorld('workbench', api);
