/**
 * The one contract between the renderer and the engine host. Desktop (IPC through the preload) and browser
 * mode (HTTP + WebSocket) are two transports of this same interface, so every view works in both.
 */
import type { SceneSummary } from './scene.js';

export const API_VERSION = 1;

export interface WorkbenchInfo {
  apiVersion: number;
  appVersion: string;
  transport: 'ipc' | 'http';
  workspaceDir: string;
}

export interface WorkbenchApi {
  info(): Promise<WorkbenchInfo>;
  listScenes(query?: { dataset?: string; limit?: number; offset?: number }): Promise<SceneSummary[]>;
}
