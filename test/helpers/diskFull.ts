/**
 * A full disk, simulated (issue 11, item 8): no real disk has to fill up. From a chosen moment SQLite writes fail
 * exactly as better-sqlite3 reports a full disk (its own `SqliteError`, code SQLITE_FULL, "database or disk is
 * full") and/or writes to files under a `blobs` folder fail as Node reports ENOSPC.
 *
 * In a test: `const disk = injectDiskFull({...})`, then `disk.restore()`. In a spawned CLI:
 * `node --import tsx --import test/helpers/diskFull.ts cli.ts` with OUROBOROS_TEST_DISK_FULL set to the options
 * as JSON.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { sep } from 'node:path';

export interface DiskFullOptions {
  /** The disk is full once `count` SQL statements whose text contains `sql` have run (count 0: from the start). */
  after: { sql: string; count: number };
  /**
   * What fails then: `inserts` (new rows; updates of existing rows still fit, as when the WAL file has room),
   * `writes` (every INSERT, UPDATE and DELETE: not even the run's status can be recorded) or `blobs` (writing a file
   * under a `blobs` folder fails with ENOSPC; SQLite goes on working).
   */
  then: 'inserts' | 'writes' | 'blobs';
  /** The SQLite error code thrown (default SQLITE_FULL); another code checks that other failures stay failures. */
  code?: string;
}

export interface DiskFull {
  /** How many writes were refused so far. */
  readonly refused: number;
  restore(): void;
}

const WRITE_SQL = { inserts: /^\s*INSERT\b/i, writes: /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i, blobs: null } as const;

export function injectDiskFull(options: DiskFullOptions): DiskFull {
  const statement = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as { run: (...args: unknown[]) => unknown };
  const run = statement.run;
  const { openSync, writeSync, closeSync } = fs;
  let seen = 0;
  let refused = 0;
  const full = (): boolean => seen >= options.after.count;
  const sqlFails = WRITE_SQL[options.then];
  statement.run = function (this: { source: string }, ...args: unknown[]) {
    if (sqlFails && full() && sqlFails.test(this.source)) {
      refused++;
      const code = options.code ?? 'SQLITE_FULL';
      throw new Database.SqliteError(code === 'SQLITE_FULL' ? 'database or disk is full' : 'disk I/O error', code);
    }
    const out = run.apply(this, args);
    if (this.source.includes(options.after.sql)) seen++;
    return out;
  };
  // Which open descriptors are blob files: only those fail, so stdout, stderr and the rest keep working.
  const blobFds = new Set<number>();
  const patched = {
    openSync: (...args: Parameters<typeof fs.openSync>): number => {
      const fd = openSync(...args);
      if (String(args[0]).includes(`${sep}blobs${sep}`)) blobFds.add(fd);
      return fd;
    },
    closeSync: (fd: number): void => {
      blobFds.delete(fd);
      closeSync(fd);
    },
    writeSync: ((fd: number, ...rest: unknown[]) => {
      if (options.then === 'blobs' && full() && blobFds.has(fd)) {
        refused++;
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { errno: -28, code: 'ENOSPC', syscall: 'write' });
      }
      return (writeSync as (...a: unknown[]) => number)(fd, ...rest);
    }) as typeof fs.writeSync,
  };
  Object.assign(fs, patched);
  syncBuiltinESMExports();
  return {
    get refused() {
      return refused;
    },
    restore() {
      statement.run = run;
      Object.assign(fs, { openSync, writeSync, closeSync });
      syncBuiltinESMExports();
    },
  };
}

const fromEnv = process.env.OUROBOROS_TEST_DISK_FULL;
if (fromEnv) injectDiskFull(JSON.parse(fromEnv) as DiskFullOptions);
