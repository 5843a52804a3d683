/**
 * The one window: sandboxed renderer, context isolation, no Node, the strict CSP on every response, and no way
 * to navigate away or open other windows (https links go to the user's browser). The renderer's only door to
 * the engine is the preload's `window.workbench`.
 */
import { BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { contentSecurityPolicy } from '../engine/host/contentSecurityPolicy.js';

export function applySessionPolicy(): void {
  const csp = contentSecurityPolicy();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/** The address the renderer is loaded from: the dev server in `electron-vite dev`, else the built file. */
export function rendererUrl(): { url?: string; file: string } {
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  return { ...(devUrl ? { url: devUrl } : {}), file: join(import.meta.dirname, '../renderer/index.html') };
}

/** `icon`: the PNG's path (appIcon.ts), resolved by the entry. */
export function createWindow(icon: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Ouroboros Workbench',
    // Linux and Windows show it in the title bar and taskbar; macOS takes the dock icon from index.ts.
    icon,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    },
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https:')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  const { url, file } = rendererUrl();
  if (url) void win.loadURL(url);
  else void win.loadFile(file);
  return win;
}
