/**
 * Where the app's data files (`resources/` at the top of the repository) are at run time.
 *
 * This module runs from `src/engine/` under tsx and vitest, and may be bundled into `out/main/` by
 * electron-vite, so the folder is not at a fixed relative path: we walk up from this module's own file until
 * a folder holding `resources/vsibench` appears. A packaged Electron app keeps its files elsewhere
 * (`process.resourcesPath`, outside the asar archive); its main process should set `OUROBOROS_RESOURCES`
 * to that folder before the engine loads any built-in source, and the variable wins over the walk.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESOURCES_ENV = 'OUROBOROS_RESOURCES';
/** A sub-folder every resources folder has; it tells the right `resources/` from any other. */
const MARKER = join('resources', 'vsibench');

function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/** The resources folder: `$OUROBOROS_RESOURCES` if set, else the nearest `resources/` above this module. */
export function resourcesDir(): string {
  const fromEnv = process.env[RESOURCES_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; ) {
    if (isDir(join(dir, MARKER))) return join(dir, 'resources');
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(
    `cannot find the resources folder: looked for ${MARKER} in ${start} and every folder above it; ` +
      `set ${RESOURCES_ENV} to the folder that holds vsibench/`,
  );
}

/** A file under the resources folder; throws naming the full path and the env var when it is missing. */
export function resourceFile(...parts: string[]): string {
  const dir = resourcesDir();
  const file = join(dir, ...parts);
  if (!existsSync(file)) {
    const how = process.env[RESOURCES_ENV] ? `${RESOURCES_ENV} is set to ${process.env[RESOURCES_ENV]}` : `found ${dir} by walking up from the engine's code`;
    throw new Error(`missing resource file ${file} (${how}); set ${RESOURCES_ENV} to a folder that holds ${join(...parts)}`);
  }
  return file;
}
