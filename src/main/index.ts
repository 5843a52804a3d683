/**
 * Electron main: the window (window.ts), the engine host in a utility process (engineHost.ts, hostProcess.ts)
 * and the IPC between them (ipc.ts). Quitting first lets the host pause a running loop, so the run can be
 * resumed next time instead of being left "running" by a dead process.
 */
import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';
import { windowIconPath } from './appIcon.js';
import { parseDesktopArgs } from './args.js';
import { EngineHost } from './engineHost.js';
import { registerApiHandlers } from './ipc.js';
import { applySessionPolicy, createWindow } from './window.js';

const options = parseDesktopArgs(process.argv);
const icon = windowIconPath(import.meta.dirname);
const host = new EngineHost(join(import.meta.dirname, 'hostProcess.js'), { workspaceDir: options.workspaceDir, readonly: options.readonly, appVersion: app.getVersion() });

void app.whenReady().then(() => {
  // macOS ignores a window's icon; an unpackaged app would otherwise show Electron's in the dock.
  if (process.platform === 'darwin') app.dock?.setIcon(icon);
  applySessionPolicy();
  registerApiHandlers(host);
  createWindow(icon);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(icon);
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let hostStopped = false;
app.on('before-quit', (event) => {
  if (hostStopped) return;
  event.preventDefault();
  void host.shutdown().finally(() => {
    hostStopped = true;
    app.quit();
  });
});
