/**
 * The IPC side of the API: one `workbench:<method>` handler per method. Arguments are validated here, before
 * they cross to the engine host, and only the app's own page may call (not a frame that somehow loaded
 * something else). Replies are envelopes ({ok, value} / {ok: false, error}) so the host's error message reaches
 * the renderer intact; the preload turns them back into values and rejections.
 */
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { pathToFileURL } from 'node:url';
import { API_METHODS, validateApiArgs } from '../shared/apiValidation.js';
import { toErrorPayload } from '../engine/host/errors.js';
import type { EngineHost } from './engineHost.js';
import { channelOf, EVENT_CHANNEL, type Reply } from './hostProtocol.js';
import { rendererUrl } from './window.js';

function fromOurPage(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  const { url, file } = rendererUrl();
  const expected = url ? new URL(url).origin : pathToFileURL(file).href;
  return url ? new URL(frame.url).origin === expected : frame.url.split(/[?#]/)[0] === expected;
}

export function registerApiHandlers(host: EngineHost): void {
  for (const method of API_METHODS) {
    ipcMain.handle(channelOf(method), async (event, ...args: unknown[]): Promise<Reply> => {
      if (!fromOurPage(event)) return { ok: false, error: { name: 'HostError', code: 'forbidden', message: `${method}: refused, the caller is not the workbench page` } };
      try {
        const checked = validateApiArgs(method, args);
        return await host.call(method, checked as unknown[]);
      } catch (e) {
        return { ok: false, error: toErrorPayload(e) };
      }
    });
  }
  host.onEvent((e) => {
    for (const win of BrowserWindow.getAllWindows()) if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, e);
  });
}
