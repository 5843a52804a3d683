/**
 * Where a workspace lives. One workspace = one SQLite database plus a folder of content-addressed blobs; the
 * user picks it with a flag or OUROBOROS_WORKSPACE, otherwise it sits in the platform's per-user app-data folder.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const WORKSPACE_ENV = 'OUROBOROS_WORKSPACE';
export const APP_FOLDER = 'ouroboros-workbench';
export const DB_FILE = 'workbench.db';
export const BLOBS_FOLDER = 'blobs';

export interface WorkspaceDirOptions {
  /** An explicit choice (e.g. `--workspace`); wins over everything. */
  flag?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Injected for tests; default the running platform. */
  platform?: NodeJS.Platform;
  homeDir?: string;
  /** Relative flag/env paths resolve against this; default process.cwd(). */
  cwd?: string;
}

const given = (s: string | undefined): s is string => s !== undefined && s.trim() !== '';

/** The per-user folder applications keep their data in, before appending our own folder name. */
export function appDataDir(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>, home: string): string {
  if (platform === 'win32') return given(env.APPDATA) ? env.APPDATA : join(home, 'AppData', 'Roaming');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support');
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  return given(xdg) && xdg.startsWith('/') ? xdg : join(home, '.local', 'share');
}

/** The workspace folder: the flag, else $OUROBOROS_WORKSPACE, else `<app data>/ouroboros-workbench`. Absolute. */
export function resolveWorkspaceDir(options: WorkspaceDirOptions = {}): string {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  if (given(options.flag)) return resolve(cwd, options.flag);
  const fromEnv = env[WORKSPACE_ENV];
  if (given(fromEnv)) return resolve(cwd, fromEnv);
  return join(appDataDir(options.platform ?? process.platform, env, options.homeDir ?? homedir()), APP_FOLDER);
}

export interface WorkspacePaths {
  dir: string;
  dbPath: string;
  blobsDir: string;
}

export function workspacePaths(workspaceDir: string): WorkspacePaths {
  const dir = resolve(workspaceDir);
  return { dir, dbPath: join(dir, DB_FILE), blobsDir: join(dir, BLOBS_FOLDER) };
}
