/**
 * Garbage collection of the blob folder.
 *
 * SAFE ONLY WHEN NO WRITER IS RUNNING on this workspace (e.g. at app start, before the loop starts): a writer
 * puts a blob file in place *before* the row that refers to it commits, and the sweep would take that file
 * for an orphan. Readers may be open (a reader mid-load of a replaced scene can still lose its file).
 */
import { readdirSync, rmSync, rmdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { isBlobHash, TEMP_PREFIX } from './blobs.js';
import type { Store } from './store.js';

export interface SweepReport {
  /** Hash-named files no row refers to. */
  removedBlobs: string[];
  /** Leftovers of interrupted writes. */
  removedTempFiles: string[];
  /** `blobs` rows nothing referred to any more (e.g. a replaced scene's old point cloud). */
  removedRows: number;
  freedBytes: number;
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

export function sweepBlobs(store: Store, options: { dryRun?: boolean } = {}): SweepReport {
  store.assertWritable('sweep blobs');
  const dryRun = options.dryRun ?? false;
  const refs = blobReferences(store);
  const referenced = refs.map((r) => `SELECT "${r.column}" FROM "${r.table}" WHERE "${r.column}" IS NOT NULL`).join(' UNION ');
  const unreferenced = `SELECT hash FROM blobs${referenced ? ` WHERE hash NOT IN (${referenced})` : ''}`;

  const removedRows = store.db.transaction(() => {
    if (dryRun) return (store.db.prepare(`SELECT count(*) AS n FROM (${unreferenced})`).get() as { n: number }).n;
    return store.db.prepare(`DELETE FROM blobs WHERE hash IN (${unreferenced})`).run().changes;
  })();
  const keepSql = dryRun ? `SELECT hash FROM blobs WHERE hash NOT IN (${unreferenced})` : 'SELECT hash FROM blobs';
  const keep = new Set(store.db.prepare(keepSql).pluck().all() as string[]);

  const report: SweepReport = { removedBlobs: [], removedTempFiles: [], removedRows, freedBytes: 0 };
  const drop = (path: string): void => {
    report.freedBytes += statSync(path).size;
    if (!dryRun) rmSync(path, { force: true });
  };
  const root = store.blobs.dir;
  for (const entry of safeList(root)) {
    const path = join(root, entry.name);
    if (entry.isFile() && entry.name.startsWith(TEMP_PREFIX)) {
      drop(path);
      report.removedTempFiles.push(path);
      continue;
    }
    if (!entry.isDirectory() || !/^[0-9a-f]{2}$/.test(entry.name)) continue;
    for (const file of safeList(path)) {
      const filePath = join(path, file.name);
      if (!file.isFile()) continue;
      if (file.name.startsWith(TEMP_PREFIX)) {
        drop(filePath);
        report.removedTempFiles.push(filePath);
      } else if (isBlobHash(file.name) && file.name.startsWith(entry.name) && !keep.has(file.name)) {
        drop(filePath);
        report.removedBlobs.push(file.name);
      }
      // Anything else was not put there by the store; leave it to the person who did.
    }
    if (!dryRun && safeList(path).length === 0) rmdirSync(path);
  }
  return report;
}

function safeList(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
