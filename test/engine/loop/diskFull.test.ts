/**
 * A full disk stops a run resumably (issue 11, item 8): the run is paused with the reason, naming the file that
 * could not be written and the workspace, and resuming once there is space ends as if it had never stopped.
 * The disk fills up by injection (test/helpers/diskFull.ts), not for real.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoopEvent } from '../../../src/shared/loop.js';
import { resumeLoop, startLoop } from '../../../src/engine/loop/index.js';
import { getRun, isStoreError, listRounds, openStore, type Store } from '../../../src/engine/store/index.js';
import { injectDiskFull, type DiskFullOptions } from '../../helpers/diskFull.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { SMALL_LOOP, runDigest } from './loopFixture.js';

const tmp = useTmpDirs();
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Full once round 1's round row exists: its stages fail part-way. */
const IN_ROUND_1 = { sql: 'INSERT INTO rounds', count: 2 };

let expected: Record<string, unknown>;
let refDir: string;
beforeAll(async () => {
  refDir = mkdtempSync(join(tmpdir(), 'ouroboros-test-'));
  const ref = openStore({ workspaceDir: refDir });
  const run = await (await startLoop(ref, SMALL_LOOP)).done;
  expect(run.status).toBe('completed');
  expected = runDigest(ref, run.id);
  ref.close();
}, 120_000);
afterAll(() => rmSync(refDir, { recursive: true, force: true }));

/** Starts the small loop with the disk filling up as `options` say; the run's end (or the rejection) and its events. */
async function runOnFullDisk(store: Store, options: DiskFullOptions) {
  const events: LoopEvent[] = [];
  const disk = injectDiskFull(options);
  try {
    const handle = await startLoop(store, SMALL_LOOP, { onEvent: (e) => events.push(e) });
    const ended = await handle.done.then(
      (run) => ({ run, error: undefined }),
      (error: unknown) => ({ run: undefined, error }),
    );
    expect(disk.refused).toBeGreaterThan(0);
    return { runId: handle.runId, ...ended, events };
  } finally {
    disk.restore();
  }
}

async function resumeToEnd(store: Store, runId: string): Promise<void> {
  const resumed = await (await resumeLoop(store, runId)).done;
  expect(resumed.status).toBe('completed');
  expect(resumed.error).toBeNull();
  expect(runDigest(store, runId)).toEqual(expected);
}

describe('a full disk during a run (issue 11, item 8)', () => {
  it('SQLITE_FULL pauses the run with the database and workspace named; resumed, it ends as if never stopped', async () => {
    const ws = tmp();
    const store = openStore({ workspaceDir: ws });
    const { runId, run, events } = await runOnFullDisk(store, { after: IN_ROUND_1, then: 'inserts' });
    expect(run?.status).toBe('paused');
    expect(run?.error).toBe(`the disk is full: could not write ${store.dbPath} (workspace ${ws}): database or disk is full`);
    expect(getRun(store, runId)).toMatchObject({ status: 'paused', error: run?.error });
    expect(listRounds(store, runId).map((i) => i.status)).toEqual(['completed', 'pending']);
    const last = events.filter((e) => e.type === 'run').pop();
    expect(last).toMatchObject({ status: 'paused', message: expect.stringMatching(/disk is full: .*; free space on that disk, then resume the run$/) });
    await resumeToEnd(store, runId);
    store.close();
  });

  it('a real SQLITE_FULL from SQLite (the database may not grow) does the same', async () => {
    const ws = tmp();
    const store = openStore({ workspaceDir: ws });
    const grow = store.db.pragma('max_page_count', { simple: true }) as number;
    const handle = await startLoop(store, SMALL_LOOP, {
      onEvent: (e) => {
        // From round 1 on, the database file may not grow by a page: SQLite itself says "database or disk is full".
        if (e.type === 'stage' && e.phase === 'start' && e.round === 1) store.db.pragma(`max_page_count = ${store.db.pragma('page_count', { simple: true }) as number}`);
      },
    });
    const run = await handle.done;
    expect(run).toMatchObject({ status: 'paused', error: `the disk is full: could not write ${store.dbPath} (workspace ${ws}): database or disk is full` });
    store.db.pragma(`max_page_count = ${grow}`);
    await resumeToEnd(store, run.id);
    store.close();
  });

  it('ENOSPC writing a checkpoint blob pauses the run naming the blob file and the workspace; no temp file is left', async () => {
    const ws = tmp();
    const store = openStore({ workspaceDir: ws });
    const { runId, run } = await runOnFullDisk(store, { after: IN_ROUND_1, then: 'blobs' });
    expect(run?.status).toBe('paused');
    expect(run?.error).toMatch(new RegExp(`^the disk is full: could not write ${esc(join(ws, 'blobs'))}/[0-9a-f]{2}/[0-9a-f]{64} \\(workspace ${esc(ws)}\\): ENOSPC: no space left on device, write$`));
    const temps = readdirSync(join(ws, 'blobs'), { recursive: true }).filter((f) => String(f).includes('.tmp-'));
    expect(temps).toEqual([]);
    await resumeToEnd(store, runId);
    store.close();
  });

  it('when even recording the pause fails, done rejects with the cause and workspace; the run stays resumable', async () => {
    const ws = tmp();
    const store = openStore({ workspaceDir: ws });
    const { runId, run, error } = await runOnFullDisk(store, { after: IN_ROUND_1, then: 'writes' });
    expect(run).toBeUndefined();
    expect(isStoreError(error, 'disk-full')).toBe(true);
    expect((error as Error).message).toBe(
      `the disk is full: could not write ${store.dbPath} (workspace ${ws}): database or disk is full; the run could not be marked paused and is left marked running: free space, then resume it`,
    );
    expect(getRun(store, runId).status).toBe('running');
    await resumeToEnd(store, runId);
    store.close();
  });

  it('other write errors still fail the run with their message', async () => {
    const store = openStore({ workspaceDir: tmp() });
    const { runId, run } = await runOnFullDisk(store, { after: IN_ROUND_1, then: 'inserts', code: 'SQLITE_IOERR' });
    expect(run).toMatchObject({ status: 'failed', error: 'disk I/O error' });
    expect(getRun(store, runId).status).toBe('failed');
    store.close();
  });
});
