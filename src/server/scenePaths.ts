/**
 * Browser mode serves whoever can reach 127.0.0.1:<port> — other local users, a page that got past the Host and
 * Origin checks, a forwarded SSH port — so a run it starts may read scene files only from folders the person who
 * started the server chose: the workspace and each `--allow-dir`. Synthetic and built-in sources read no user
 * files. The desktop app's user picks files on their own machine and is not restricted.
 */
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { sourceReadPaths } from '../engine/sources/index.js';
import { InputError } from '../shared/errors.js';

/** The real path of `p`, or of its nearest existing parent joined with the rest (so a missing file is judged by where it would be). */
function realish(p: string): string {
  let head = resolve(p);
  const tail: string[] = [];
  for (;;) {
    try {
      return resolve(realpathSync(head), ...tail.reverse());
    } catch {
      const parent = dirname(head);
      if (parent === head) return resolve(p);
      tail.push(head.slice(parent.length + (parent.endsWith('/') || parent.endsWith('\\') ? 0 : 1)));
      head = parent;
    }
  }
}

const inside = (dir: string, p: string): boolean => {
  const r = relative(dir, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/** Throws an InputError naming the field when a run's sources read files outside the allowed folders. */
export function checkScenePaths(config: unknown, allowedDirs: readonly string[]): void {
  if (config === null || typeof config !== 'object') return;
  const allowed = allowedDirs.map(realish);
  for (const field of ['scenes', 'heldoutScenes'] as const) {
    const list = (config as Record<string, unknown>)[field];
    if (!Array.isArray(list)) continue;
    list.forEach((spec, i) => {
      if (typeof spec !== 'string') return; // the loop's validator names wrong types
      let paths: string[];
      try {
        paths = sourceReadPaths(spec); // its path and any ?videos= folder
      } catch {
        return; // a malformed spec is the validator's to report
      }
      for (const path of paths) {
        const real = realish(path);
        if (allowed.some((d) => inside(d, real))) continue;
        throw new InputError({
          field: `config.${field}[${i}]`,
          message: `browser mode reads scene files only inside ${allowedDirs.join(', ')}; ${JSON.stringify(spec)} is outside them (start the server with --allow-dir <folder> to allow another folder)`,
        });
      }
    });
  }
}
