import { describe, expect, it } from 'vitest';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildNeeded, BUILD_OUTPUTS } from '../../src/server/appBuild.js';
import { displayProblem, findElectronBinary } from '../../src/server/electronBinary.js';
import { parseServeArgs } from '../../src/server/serve.js';
import { resolveWorkspaceDir } from '../../src/engine/store/workspace.js';
import { inputError } from '../helpers/errors.js';
import { useTmpDirs } from '../helpers/tmp.js';

describe('npm run serve options', () => {
  it('default to port 5174 and the CLI’s workspace', () => {
    expect(parseServeArgs([])).toEqual({ workspaceDir: resolveWorkspaceDir(), port: 5174, readonly: false, allowDirs: [] });
    expect(parseServeArgs(['--workspace', 'ws', '--port=8080', '--readonly'])).toEqual({ workspaceDir: resolveWorkspaceDir({ flag: 'ws' }), port: 8080, readonly: true, allowDirs: [] });
    expect(parseServeArgs(['--allow-dir', '/data/scans', '--allow-dir', 'rel']).allowDirs).toEqual(['/data/scans', resolve('rel')]);
  });

  it('refuse what they do not know, naming the option', () => {
    expect(inputError(() => parseServeArgs(['--prot', '1'])).message).toBe('--prot: unknown option; expected one of --workspace, --port, --readonly, --debug, --allow-dir');
    expect(inputError(() => parseServeArgs(['--port', 'http'])).message).toBe('--port: expected a whole number ≥ 1, found "http"');
    expect(inputError(() => parseServeArgs(['--port', '70000'])).message).toBe('--port: expected a port from 1 to 65535, found 70000');
    expect(inputError(() => parseServeArgs(['serve'])).message).toMatch(/^unexpected argument "serve"/);
  });
});

describe('npm start', () => {
  const tmp = useTmpDirs();

  it('builds when an output is missing or a source is newer than the build', () => {
    const root = tmp();
    const out = join(root, 'out');
    mkdirSync(join(root, 'src', 'main'), { recursive: true });
    writeFileSync(join(root, 'src', 'main', 'index.ts'), '');
    expect(buildNeeded(root, out)).toMatch(/out\/main\/index\.js, .* are missing/);
    for (const f of BUILD_OUTPUTS) {
      mkdirSync(join(out, f, '..'), { recursive: true });
      writeFileSync(join(out, f), '');
    }
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(root, 'src', 'main', 'index.ts'), past, past);
    expect(buildNeeded(root, out)).toBeUndefined();
    writeFileSync(join(root, 'src', 'main', 'index.ts'), 'changed');
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src', 'main', 'index.ts'), future, future);
    expect(buildNeeded(root, out)).toBe('sources changed since the last build');
  });

  it('finds the Electron binary without triggering its download, or says why not', () => {
    const dist = tmp();
    expect(findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: dist })).toEqual({ ok: false, reason: expect.stringMatching(/^ELECTRON_OVERRIDE_DIST_PATH is set, but there is no Electron binary at /) });
    const probe = findElectronBinary({});
    if (probe.ok) expect(probe.path).toMatch(/electron/);
    else expect(probe.reason).toMatch(/Electron's binary is (not installed|missing)/);
  });

  it('knows when Linux has no display to open a window on', () => {
    expect(displayProblem('linux', {})).toBe('there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)');
    expect(displayProblem('linux', { DISPLAY: ':0' })).toBeUndefined();
    expect(displayProblem('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBeUndefined();
    expect(displayProblem('darwin', {})).toBeUndefined();
  });
});
