/**
 * Whether the built app (out/) is missing or older than its sources, and building it: `npm start` builds only
 * when needed, so a fresh checkout starts with one command and a rebuilt one starts at once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { APP_ROOT, OUT_DIR } from './paths.js';

/** What Electron loads; the renderer is what browser mode serves. */
export const BUILD_OUTPUTS = ['main/index.js', 'main/hostProcess.js', 'main/engineWorker.mjs', 'main/predictorWorker.mjs', 'preload/index.cjs', 'renderer/index.html'];

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Why a build is needed, or undefined when out/ is complete and newer than every source. */
export function buildNeeded(root = APP_ROOT, out = OUT_DIR): string | undefined {
  const missing = BUILD_OUTPUTS.filter((f) => !existsSync(join(out, f)));
  if (missing.length > 0) return `${missing.map((f) => `out/${f}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`;
  const built = Math.min(...BUILD_OUTPUTS.map((f) => statSync(join(out, f)).mtimeMs));
  const sources = [join(root, 'src'), join(root, 'electron.vite.config.ts'), join(root, 'package.json')].filter((p) => existsSync(p));
  const changed = Math.max(...sources.map(newestMtime));
  return changed > built ? 'sources changed since the last build' : undefined;
}

/** Runs `electron-vite build` (it needs no Electron binary); throws with a clear message when it fails. */
export function buildApp(root = APP_ROOT): void {
  const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  const r = spawnSync(bin, ['build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.error) throw new Error(`could not run electron-vite (${r.error.message}); run \`npm install\`, then \`npm run build\``);
  if (r.status !== 0) throw new Error(`the build failed (electron-vite exited with ${r.status}); see its output above`);
}
