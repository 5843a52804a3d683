/**
 * Garbage collection of the blob folder: blob files and `blobs` rows that no row refers to any more (a re-imported
 * scene's old point cloud, the checkpoints of a deleted run), and leftovers of interrupted writes.
 *
 * Safe beside readers and beside writers in other processes, because both sides take the database's write lock:
 * - The sweep decides and deletes inside one IMMEDIATE transaction: while it runs, no writer can commit a row.
 * - A writer puts its blob file in place *before* its transaction, so a sweep may still remove that file (it is
 *   unreferenced then). The writer therefore checks, inside its own transaction and after its first write (so
 *   holding the lock, and no sweep can start until it commits), that every blob file it refers to is there, and
 *   writes back any that went (scenes.ts, checkpoints.ts).
 * - Files never registered in `blobs` and temp files may belong to a write in progress (or to a writer of an older
 *   build without that check), so they are removed only once untouched for `minAgeMs`. A registered blob nothing
 *   refers to was committed and then let go; it is removed at once.
 * - A reader that read a replaced scene's row just before the sweep may find the file gone; `loadScene` then reads
 *   the row again.
 * What refers to a blob is read from the schema's foreign keys (`blobReferences`), so a table added later is covered
 * as long as it declares `REFERENCES blobs(hash)`.
 */
import { readdirSync, rmSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { isBlobHash, TEMP_PREFIX } from './blobs.js';
import type { Store } from './store.js';

/** How long an unregistered blob file or temp file is left alone: far longer than any write takes to commit. */
export const SWEEP_MIN_AGE_MS = 60 * 60 * 1000;

export interface SweepOptions {
  /** Report what would go, delete nothing. */
  dryRun?: boolean;
  /** Unregistered files and temp files younger than this stay (default SWEEP_MIN_AGE_MS). */
  minAgeMs?: number;
}

export interface SweepReport {
  /** Hash-named files no row refers to. */
  removedBlobs: string[];
  /** Leftovers of interrupted writes. */
  removedTempFiles: string[];
  /** `blobs` rows nothing referred to any more (e.g. a replaced scene's old point cloud). */
  removedRows: number;
  freedBytes: number;
  /** Unreferenced files left because they are younger than `minAgeMs` (a write may be about to commit them). */
  keptRecent: number;
}

/** Every (table, column) with a foreign key into `blobs`, read from the schema so a new table cannot be missed. */
export function blobReferences(store: Store): { table: string; column: string }[] {
  return store
    .prepare(
      `SELECT m.name AS "table", f."from" AS "column" FROM sqlite_schema AS m, pragma_foreign_key_list(m.name) AS f
       WHERE m.type = 'table' AND f."table" = 'blobs' ORDER BY 1, 2`,
    )
    .all() as { table: string; column: string }[];
}

export function sweepBlobs(store: Store, options: SweepOptions = {}): SweepReport {
  store.assertWritable('sweep blobs');
  // Inside a caller's transaction the deletes would be a savepoint: a rollback could bring back a reference to a
  // file already removed.
  if (store.db.inTransaction) throw new Error('sweepBlobs must not run inside a transaction');
  const dryRun = options.dryRun ?? false;
  const cutoff = Date.now() - Math.max(0, options.minAgeMs ?? SWEEP_MIN_AGE_MS);
  const refs = blobReferences(store);
  const referenced = refs.map((r) => `SELECT "${r.column}" FROM "${r.table}" WHERE "${r.column}" IS NOT NULL`).join(' UNION ');
  const unreferenced = `SELECT hash FROM blobs${referenced ? ` WHERE hash NOT IN (${referenced})` : ''}`;

  const sweep = (): SweepReport => {
    const stale = new Set(store.db.prepare(unreferenced).pluck().all() as string[]);
    const removedRows = dryRun ? stale.size : store.db.prepare(`DELETE FROM blobs WHERE hash IN (${unreferenced})`).run().changes;
    const registered = new Set(store.db.prepare('SELECT hash FROM blobs').pluck().all() as string[]);
    if (dryRun) for (const h of stale) registered.delete(h);

    const report: SweepReport = { removedBlobs: [], removedTempFiles: [], removedRows, freedBytes: 0, keptRecent: 0 };
    /** Removes the file when `always` or old enough; false when it stays (or went meanwhile). */
    const drop = (path: string, always: boolean): boolean => {
      let st;
      try {
        st = statSync(path);
      } catch {
        return false; // gone already
      }
      if (!always && st.mtimeMs > cutoff) {
        report.keptRecent++;
        return false;
      }
      report.freedBytes += st.size;
      if (!dryRun) rmSync(path, { force: true });
      return true;
    };
    const root = store.blobs.dir;
    for (const entry of safeList(root)) {
      const path = join(root, entry.name);
      if (entry.isFile() && entry.name.startsWith(TEMP_PREFIX)) {
        if (drop(path, false)) report.removedTempFiles.push(path);
        continue;
      }
      if (!entry.isDirectory() || !/^[0-9a-f]{2}$/.test(entry.name)) continue;
      for (const file of safeList(path)) {
        const filePath = join(path, file.name);
        if (!file.isFile()) continue;
        if (file.name.startsWith(TEMP_PREFIX)) {
          if (drop(filePath, false)) report.removedTempFiles.push(filePath);
        } else if (isBlobHash(file.name) && file.name.startsWith(entry.name) && !registered.has(file.name)) {
          if (drop(filePath, stale.has(file.name))) report.removedBlobs.push(file.name);
        }
        // Anything else was not put there by the store; leave it to the person who did.
      }
      // Empty folders stay: a writer may be between creating one and opening its temp file in it.
    }
    return report;
  };
  // IMMEDIATE: hold the write lock from the first read to the last delete (see the top of this file).
  return dryRun ? store.db.transaction(sweep)() : store.db.transaction(sweep).immediate();
}

function safeList(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
