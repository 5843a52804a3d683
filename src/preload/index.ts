/** The narrow bridge: the renderer sees only `window.workbench`, typed by src/shared/api.ts. */
import { contextBridge, ipcRenderer } from 'electron';
import type { WorkbenchApi } from '../shared/api.js';

const api: WorkbenchApi = {
  info: () => ipcRenderer.invoke('workbench:info'),
  listScenes: (query) => ipcRenderer.invoke('workbench:listScenes', query ?? {}),
};

contextBridge.exposeInMainWorld('workbench', api);
