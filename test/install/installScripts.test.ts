/**
 * Install scripts (README › Install scripts): every dependency that has one is reviewed in package.json
 * `allowScripts`, and onnxruntime-node's CUDA download stays off by the mechanisms its installer and npm read,
 * not by an .npmrc key npm warns about.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/shared.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { allowScripts?: Record<string, unknown> };
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; hasInstallScript?: boolean }>;
};
const allow = pkg.allowScripts ?? {};
const nameOf = (path: string): string => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

/** npm without the parent's npm_config_* (an `npm test` passes its whole config down) and without proxies. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^npm_|proxy/i.test(k) || k === 'ONNXRUNTIME_NODE_INSTALL') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

describe('allowScripts', () => {
  it('decides every locked dependency that has an install script, by name, with true or false', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.hasInstallScript === true)
      .map(([path]) => nameOf(path));
    expect(withScripts.sort()).toEqual(['better-sqlite3', 'esbuild', 'onnxruntime-node']);
    // The lockfile has no `resolved` URLs (omit-lockfile-registry-resolved), so npm cannot match a pinned
    // `name@version` entry to an installed package: entries are names.
    for (const name of withScripts) expect(allow[name], `allowScripts["${name}"]`).toBeTypeOf('boolean');
    expect(Object.keys(allow).filter((k) => !withScripts.includes(k)), 'entries for packages without install scripts').toEqual([]);
    expect(allow).toMatchObject({ 'better-sqlite3': true, esbuild: true, 'onnxruntime-node': false });
  });

  it('npm reads it: no install script is left unreviewed, and the project config draws no warning', () => {
    const ls = spawnSync('npm', ['install-scripts', 'ls', '--json'], { cwd: repoRoot, encoding: 'utf8', env: cleanEnv(), timeout: 60_000 });
    if (/Unknown command/i.test(`${ls.stdout}${ls.stderr}`)) {
      // npm before allowScripts: nothing to ask, and the ONNXRUNTIME_NODE_INSTALL test below covers that case.
      console.warn(`npm ${spawnSync('npm', ['--version'], { encoding: 'utf8' }).stdout.trim()} has no install-scripts command: not asked`);
      return;
    }
    expect(ls.status, ls.stderr).toBe(0);
    expect(JSON.parse(ls.stdout)).toEqual({ allowScripts: [] });
    expect(ls.stderr).not.toMatch(/Unknown (project|user|global|builtin) config/);
  });
});

describe("onnxruntime-node's CUDA download", () => {
  const installer = join(repoRoot, 'node_modules/onnxruntime-node/script/install.js');
  const cudaLib = join(repoRoot, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so');
  // A proxy nobody listens on: a download attempt fails at once instead of reaching (or waiting on) NuGet.
  const deadProxy = { GLOBAL_AGENT_HTTP_PROXY: 'http://127.0.0.1:9', GLOBAL_AGENT_HTTPS_PROXY: 'http://127.0.0.1:9' };
  const run = (extra: Record<string, string>) => spawnSync(process.execPath, [installer], { cwd: repoRoot, encoding: 'utf8', env: cleanEnv({ ...deadProxy, ...extra }), timeout: 60_000 });

  it('ONNXRUNTIME_NODE_INSTALL=skip, which the install command and .ci/run set, makes its installer exit without fetching', () => {
    const r = run({ ONNXRUNTIME_NODE_INSTALL: 'skip' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/ECONNREFUSED/);
    expect(readFileSync(join(repoRoot, '.ci/run'), 'utf8')).toMatch(/^export ONNXRUNTIME_NODE_INSTALL=skip\nnpm ci /m);
    expect(readFileSync(join(repoRoot, 'README.md'), 'utf8')).toContain('ONNXRUNTIME_NODE_INSTALL=skip npm install && npm run loop');
  });

  it.skipIf(process.platform !== 'linux' || process.arch !== 'x64' || existsSync(cudaLib))('without it the installer would fetch (Linux x64, the one platform it downloads for)', () => {
    const r = run({});
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ECONNREFUSED 127\.0\.0\.1:9/);
  });
});
