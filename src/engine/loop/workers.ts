/**
 * Where the loop's worker threads start. From sources (tests, the CLI through tsx) a worker runs `moduleWorker.mjs`,
 * which registers tsx and imports the `.ts` entry; a bundled build starts the built `.js` entry beside the bundle
 * (electron.vite.config.ts emits the ones the engine host uses). Undefined when the entry is not there.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface WorkerEntry {
  /** What `new Worker` starts. */
  url: URL;
  /** The module the worker runs, as `workerData.entry` (moduleWorker.mjs imports it). */
  entry: string;
}

/** `source` and `built`: the entry's URL from sources and bundled, each a literal `new URL('./name.ext', import.meta.url)` of the caller's folder. */
export function workerEntry(source: URL, built: URL): WorkerEntry | undefined {
  if (import.meta.url.endsWith('.ts')) return { url: new URL('./moduleWorker.mjs', import.meta.url), entry: source.href };
  return existsSync(fileURLToPath(built)) ? { url: built, entry: built.href } : undefined;
}
