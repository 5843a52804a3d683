/**
 * One driver per run. Two processes resuming the same run would both commit stages and duplicate rows, so a
 * driver holds a lease: a file created exclusively in the workspace, naming its process. A lease whose process
 * is gone (killed, crashed) is stale and taken over; a live one refuses the second driver with a clear message.
 * Single workstation: process ids are only meaningful on this machine, which is the product's setting.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../shared/errors.js';

interface LeaseFile {
  pid: number;
  host: string;
  since: number;
}

/** Whether a process exists on this machine (EPERM: it does, but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface RunLease {
  release(): void;
}

export function acquireRunLease(workspaceDir: string, runId: string): RunLease {
  const dir = join(workspaceDir, 'leases');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${runId.replace(/[^A-Za-z0-9_-]/g, '_')}.lease`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      const lease: LeaseFile = { pid: process.pid, host: hostname(), since: Date.now() };
      writeSync(fd, JSON.stringify(lease));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder: LeaseFile | undefined;
      try {
        holder = JSON.parse(readFileSync(path, 'utf8')) as LeaseFile;
      } catch {
        // Half-written by a process killed between create and write: nobody holds it.
      }
      if (holder && holder.pid !== process.pid && holder.host === hostname() && processAlive(holder.pid)) {
        throw new InputError({ field: 'run', message: `run ${runId} is being executed by process ${holder.pid} (since ${new Date(holder.since).toISOString()}); stop it there first` });
      }
      if (holder && holder.pid === process.pid) {
        throw new InputError({ field: 'run', message: `run ${runId} is already being executed in this process` });
      }
      rmSync(path, { force: true });
    }
  }
  throw new InputError({ field: 'run', message: `could not take the lease on run ${runId} (${path})` });
}
