/**
 * Can Electron start here? Answered without `require('electron')`: that package's entry point tries to
 * download the binary when it is missing, which hangs or fails offline. Its install script records the
 * binary's path in `path.txt`; this reads that and checks the file, and on Linux also that there is a display.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronProbe = { ok: true; path: string } | { ok: false; reason: string };

export function findElectronBinary(env: Readonly<Record<string, string | undefined>> = process.env): ElectronProbe {
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: 'the electron package is not installed (run npm install)' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const p = join(override, relative ?? 'electron');
    return existsSync(p) ? { ok: true, path: p } : { ok: false, reason: `ELECTRON_OVERRIDE_DIST_PATH is set, but there is no Electron binary at ${p}` };
  }
  if (!relative) {
    return { ok: false, reason: `Electron's binary is not installed (${pathFile} is missing: its download did not run or failed); with a network, run \`node node_modules/electron/install.js\`` };
  }
  const full = join(pkgDir, 'dist', relative);
  if (!existsSync(full)) return { ok: false, reason: `Electron's binary is missing (expected ${full}); with a network, run \`node node_modules/electron/install.js\`` };
  return { ok: true, path: full };
}

/** Why no window can open, or undefined when there is (or may be) a display. */
export function displayProblem(platform: NodeJS.Platform = process.platform, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
  return undefined;
}
