import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createWorkbenchHost, HostError, type LoopEngine, type WorkbenchHost } from '../../src/engine/host/index.js';
import {
  createBenchmarkSet,
  createRound,
  createRun,
  diskFullError,
  getRun,
  openStore,
  recordMetrics,
  updateRound,
  updateRunStatus,
  type Store,
} from '../../src/engine/store/index.js';
import { InputError } from '../../src/shared/errors.js';
import type { LoopEvent } from '../../src/shared/loop.js';
import type { RunRecord } from '../../src/shared/records.js';
import { repoRoot } from '../helpers/shared.js';
import { useTmpDirs } from '../helpers/tmp.js';

const TINY = { scenes: ['synthetic:4'], rounds: 1, steps: 2, batch: 4, candidates: 40, benchmarkPerFamily: 2, model: 'tiny' as const };

const hosts: WorkbenchHost[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
  for (const s of stores.splice(0)) s.close();
});

function host(options: Partial<Parameters<typeof createWorkbenchHost>[0]> & { workspaceDir: string }): { host: WorkbenchHost; events: LoopEvent[] } {
  const h = createWorkbenchHost({ transport: 'ipc', watchIntervalMs: 0, ...options });
  hosts.push(h);
  const events: LoopEvent[] = [];
  h.subscribe((e) => events.push(e));
  return { host: h, events };
}

function writer(dir: string): Store {
  const s = openStore({ workspaceDir: dir });
  stores.push(s);
  return s;
}

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A loop that creates its run and then waits to be told how to end, or to be aborted (→ paused). */
function scriptedEngine(): LoopEngine & { finish: (status: 'completed' | 'failed') => void; crash: (e: Error) => void; starts: number } {
  let finish: (status: 'completed' | 'failed') => void = () => {};
  let crash: (e: Error) => void = () => {};
  const engine = {
    starts: 0,
    finish: (s: 'completed' | 'failed') => finish(s),
    crash: (e: Error) => crash(e),
    async startLoop(store: Store, input: { name?: string }, options: Parameters<LoopEngine['startLoop']>[2]) {
      engine.starts++;
      const run = createRun(store, { name: input.name ?? 'scripted', mode: 'closed-loop', config: {}, seeds: {}, codeVersion: 'test', provider: 'mock' });
      return { runId: run.id, done: drive(store, run.id, options) };
    },
    async resumeLoop(store: Store, runId: string, options: Parameters<LoopEngine['resumeLoop']>[2]) {
      return { runId, done: drive(store, runId, options) };
    },
  };
  function drive(store: Store, runId: string, options: Parameters<LoopEngine['startLoop']>[2]): Promise<RunRecord> {
    updateRunStatus(store, runId, 'running');
    options.onEvent?.({ type: 'run', runId, status: 'running' });
    return new Promise<RunRecord>((resolve, reject) => {
      crash = reject;
      const end = (status: 'completed' | 'failed' | 'paused'): void => {
        const r = updateRunStatus(store, runId, status);
        options.onEvent?.({ type: 'run', runId, status });
        resolve(r);
      };
      finish = end;
      options.signal?.addEventListener('abort', () => setTimeout(() => end('paused'), 10));
    });
  }
  return engine;
}

describe('the run manager', () => {
  const tmp = useTmpDirs();

  it('a loop stopped by a full disk that could not record its pause is reported paused and can be resumed', async () => {
    const engine = scriptedEngine();
    const dir = tmp();
    const { host: h, events } = host({ workspaceDir: dir, engine });
    const { runId } = await h.startRun({ name: 'full' });
    engine.crash(diskFullError(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }), { workspaceDir: dir, target: join(dir, 'workbench.db') }));
    await expect.poll(() => events.filter((e) => e.type === 'run' && e.status === 'paused').length).toBe(1);
    const paused = events.find((e) => e.type === 'run' && e.status === 'paused') as Extract<LoopEvent, { type: 'run' }>;
    expect(paused.message).toMatch(/^the disk is full: could not write .*workbench\.db .*; free space, then resume the run$/);
    // The store still says running, which resume accepts once there is space.
    await expect.poll(() => h.resumeRun(runId).then(() => true, () => false)).toBe(true);
    expect(events.filter((e) => e.type === 'run' && e.status === 'running').length).toBe(2);
    engine.finish('completed');
  });

  it('runs one loop at a time, forwards its events, stops it paused and resumes it', async () => {
    const engine = scriptedEngine();
    const { host: h, events } = host({ workspaceDir: tmp(), engine });
    const { runId } = await h.startRun({ name: 'first' });
    expect(events).toEqual([{ type: 'run', runId, status: 'running' }]);
    const busy = await h.startRun({ name: 'second' }).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(HostError);
    expect((busy as HostError).code).toBe('busy');
    expect((busy as Error).message).toBe(`cannot start a run: run ${runId} is started or running in this workbench; stop it first`);
    expect(engine.starts).toBe(1);

    await h.stopRun(runId);
    expect((await h.getRun(runId)).run.status).toBe('paused');
    expect(events.at(-1)).toEqual({ type: 'run', runId, status: 'paused' });
    await h.stopRun(runId); // already stopped: nothing to do

    await h.resumeRun(runId);
    expect((await h.getRun(runId)).run.status).toBe('running');
    engine.finish('completed');
    await until('completion', () => events.at(-1)?.type === 'run' && (events.at(-1) as { status: string }).status === 'completed');
    await new Promise((r) => setTimeout(r, 0)); // the loop's last event comes just before its promise settles
    // Free again once the run settled.
    const next = await h.startRun({ name: 'next' });
    expect(next.runId).not.toBe(runId);
  });

  it('refuses to run the loop from a read-only workspace', async () => {
    const dir = tmp();
    writer(dir);
    const { host: h } = host({ workspaceDir: dir, readonly: true, engine: scriptedEngine() });
    const e = await h.startRun({}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HostError);
    expect((e as Error).message).toBe(`cannot start a run: the workspace ${dir} is open read-only (start the workbench without --readonly to run the loop)`);
  });

  it('leaves runs of other processes to them', async () => {
    const dir = tmp();
    const w = writer(dir);
    const other = createRun(w, { name: 'cli run', mode: 'closed-loop', config: {}, seeds: {}, codeVersion: 'x', provider: 'mock' });
    updateRunStatus(w, other.id, 'running');
    const { host: h } = host({ workspaceDir: dir, engine: scriptedEngine() });
    await expect(h.stopRun(other.id)).rejects.toThrow(`run "cli run" (${other.id}) is running in another process; stop it there (this workbench only stops runs it started)`);
    await expect(h.stopRun('nope')).rejects.toThrow(/no run "nope"/);
    await expect(h.resumeRun('nope')).rejects.toThrow(/no run "nope"/);
    // A model is registered only for a run that waits for one (LoopConfig.awaitModel).
    await expect(h.resumeRun(other.id, 'qwen-r1')).rejects.toThrow(`run ${other.id} does not wait for models`);
  });

  it('drives the real loop: start, stop at a safe point, resume to completion', async () => {
    const { host: h, events } = host({ workspaceDir: tmp() });
    const bad = await h.startRun({ ...TINY, batch: 0 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InputError);
    expect((bad as Error).message).toMatch(/^config\.batch: expected a whole number/);

    const { runId } = await h.startRun({ ...TINY, name: 'tiny' });
    await h.stopRun(runId);
    expect((await h.getRun(runId)).run.status).toBe('paused');
    expect(events.some((e) => e.type === 'run' && e.status === 'paused')).toBe(true);

    await h.resumeRun(runId);
    await until('the resumed run to finish', () => events.some((e) => e.type === 'run' && e.runId === runId && e.status === 'completed'), 60_000);
    const [summary] = await h.listRuns();
    expect(summary).toMatchObject({ id: runId, name: 'tiny', status: 'completed', roundsDone: 1, executionProvider: 'cpu' });
    expect(summary!.heldoutScore).not.toBeNull();
    expect(events.some((e) => e.type === 'round' && e.summary.round === 0)).toBe(true);
    const [curve] = await h.curves([runId]);
    expect(curve!.points.map((p) => p.round)).toEqual([-1, 0]);
    await expect(h.resumeRun(runId)).rejects.toThrow(/already completed/);
  });
});

describe('a read-only host beside a writing process', () => {
  const tmp = useTmpDirs();

  it('turns the other process’s writes into events', async () => {
    const dir = tmp();
    const w = writer(dir);
    const { host: h, events } = host({ workspaceDir: dir, readonly: true, watchIntervalMs: 25 });
    await h.listRuns(); // opens the connection; the watcher's first look is silent
    await new Promise((r) => setTimeout(r, 80));
    expect(events).toEqual([]);

    const run = createRun(w, { name: 'cli', mode: 'closed-loop', config: {}, seeds: {}, codeVersion: 'x', provider: 'mock' });
    await until('the new run', () => events.some((e) => e.type === 'run' && e.status === 'queued'));
    updateRunStatus(w, run.id, 'running');
    createRound(w, { runId: run.id, index: 0, status: 'running', stage: 'propose', startedAt: 100 });
    await until('the first stage', () => events.some((e) => e.type === 'stage' && e.stage === 'propose' && e.phase === 'start'));
    updateRound(w, run.id, 0, { stage: 'solve', counts: { proposed: 10, accepted: 7, rejected: 3 } });
    await until('the next stage', () => events.some((e) => e.type === 'stage' && e.stage === 'solve' && e.phase === 'start'));
    createBenchmarkSet(w, { id: 'b', name: 'b' });
    recordMetrics(w, [
      { runId: run.id, round: 0, benchmarkSetId: 'b', family: null, metric: 'score', value: 0.4, n: 10 },
      { runId: run.id, round: 0, benchmarkSetId: 'b', family: null, metric: 'samples_seen', value: 7, n: 7 },
    ]);
    updateRound(w, run.id, 0, { stage: 'evaluate', status: 'completed', finishedAt: 350 });
    updateRunStatus(w, run.id, 'completed');
    await until('completion', () => events.some((e) => e.type === 'run' && e.status === 'completed'));

    const mine = events.filter((e) => e.runId === run.id);
    const label = (e: LoopEvent): string => (e.type === 'run' ? `run ${e.status}` : e.type === 'stage' ? `${e.stage} ${e.phase}` : e.type);
    expect(mine.map(label)).toEqual(['run queued', 'run running', 'propose start', 'propose end', 'solve start', 'solve end', 'round', 'run completed']);
    const round = mine.find((e) => e.type === 'round');
    expect(round).toMatchObject({ summary: { round: 0, samplesSeen: 7, heldout: { overall: 0.4 }, ms: 250, counts: { accepted: 7 } } });
    // What it reports is what the store says.
    expect(getRun(w, run.id).status).toBe('completed');
  });

  it('follows a real loop that another process runs, round by round', async () => {
    const dir = tmp();
    openStore({ workspaceDir: dir }).close(); // the database exists before the watcher's first (silent) look
    const { host: h, events } = host({ workspaceDir: dir, readonly: true, watchIntervalMs: 50 });
    await h.listRuns();
    const args = ['src/engine/cli/loop.ts', '--base', 'none', '--scenes', 'synthetic:4', '--rounds', '2', '--steps', '2', '--batch', '4', '--candidates', '40'];
    args.push('--benchmark-per-family', '2', '--model', 'tiny', '--name', 'from the cli', '--workspace', dir, '--quiet');
    const child = spawn(join(repoRoot, 'node_modules', '.bin', 'tsx'), args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, output).toBe(0);
    await until('the completed run', () => events.some((e) => e.type === 'run' && e.status === 'completed'));
    const rounds = events.filter((e): e is Extract<LoopEvent, { type: 'round' }> => e.type === 'round');
    expect(rounds.map((e) => e.summary.round)).toEqual([0, 1]);
    expect(rounds.every((e) => e.summary.heldout !== null && e.summary.samplesSeen > 0)).toBe(true);
    expect(events.filter((e) => e.type === 'run').map((e) => (e as { status: string }).status).at(-1)).toBe('completed');
    const [run] = await h.listRuns();
    expect(run).toMatchObject({ name: 'from the cli', status: 'completed', roundsDone: 2 });
    await expect(h.startRun({})).rejects.toThrow(/open read-only/);
  });
});
