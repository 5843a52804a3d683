import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveWorkspaceDir, workspacePaths } from '../../../src/engine/store/index.js';

const home = '/home/ada';

describe('resolveWorkspaceDir', () => {
  it('prefers the flag, then OUROBOROS_WORKSPACE, then the app-data folder', () => {
    const env = { OUROBOROS_WORKSPACE: '/data/env-ws', XDG_DATA_HOME: '/xdg' };
    expect(resolveWorkspaceDir({ flag: '/data/flag-ws', env, platform: 'linux', homeDir: home })).toBe('/data/flag-ws');
    expect(resolveWorkspaceDir({ env, platform: 'linux', homeDir: home })).toBe('/data/env-ws');
    expect(resolveWorkspaceDir({ env: { XDG_DATA_HOME: '/xdg' }, platform: 'linux', homeDir: home })).toBe('/xdg/ouroboros-workbench');
  });

  it('resolves relative choices against the working folder and ignores empty ones', () => {
    expect(resolveWorkspaceDir({ flag: 'ws', env: {}, cwd: '/work' })).toBe(resolve('/work', 'ws'));
    expect(resolveWorkspaceDir({ flag: '', env: { OUROBOROS_WORKSPACE: 'rel' }, cwd: '/work' })).toBe(resolve('/work', 'rel'));
    expect(resolveWorkspaceDir({ env: { OUROBOROS_WORKSPACE: '  ' }, platform: 'linux', homeDir: home })).toBe(
      join(home, '.local/share/ouroboros-workbench'),
    );
  });

  it('uses each platform’s per-user data folder', () => {
    expect(resolveWorkspaceDir({ env: {}, platform: 'linux', homeDir: home })).toBe(join(home, '.local', 'share', 'ouroboros-workbench'));
    // The XDG spec: a relative XDG_DATA_HOME is invalid and ignored.
    expect(resolveWorkspaceDir({ env: { XDG_DATA_HOME: 'relative' }, platform: 'linux', homeDir: home })).toBe(
      join(home, '.local', 'share', 'ouroboros-workbench'),
    );
    expect(resolveWorkspaceDir({ env: {}, platform: 'darwin', homeDir: home })).toBe(join(home, 'Library', 'Application Support', 'ouroboros-workbench'));
    expect(resolveWorkspaceDir({ env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, platform: 'win32', homeDir: home })).toBe(
      join('C:\\Users\\ada\\AppData\\Roaming', 'ouroboros-workbench'),
    );
    expect(resolveWorkspaceDir({ env: {}, platform: 'win32', homeDir: home })).toBe(join(home, 'AppData', 'Roaming', 'ouroboros-workbench'));
  });

  it('lays out the database and the blob folder inside the workspace', () => {
    expect(workspacePaths('/ws')).toEqual({ dir: '/ws', dbPath: '/ws/workbench.db', blobsDir: '/ws/blobs' });
  });
});
