/**
 * A worker thread's first module when the engine runs from TypeScript sources (tests, `npm run loop` through tsx):
 * a worker does not inherit the host's loaders and ignores `--import` in its execArgv, so it registers tsx itself
 * before importing its real entry. A bundled build starts the built entry directly and never loads this file.
 */
import { workerData } from 'node:worker_threads';

const { entry } = /** @type {{ entry: string }} */ (workerData);
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
