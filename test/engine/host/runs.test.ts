import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LOOP_CONFIG } from '../../../src/engine/loop/config.js';
import { createWorkbenchHost, HostError, type LoopEngine, type WorkbenchHost } from '../../../src/engine/host/index.js';
import {
  createBenchmarkSet,
  createRound,
  createRun,
  diskFullError,
  getRun,
  openStore,
  recordMetrics,
  saveCheckpoint,
  updateRound,
  updateRunStatus,
  type Store,
} from '../../../src/engine/store/index.js';
import { InputError } from '../../../src/shared/errors.js';
import type { LoopEvent } from '../../../src/shared/loop.js';
import type { RunRecord } from '../../../src/shared/records.js';
import { repoRoot } from '../../helpers/shared.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { seedWorkspace } from './fixtures.js';

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
    // The rounds table's loss and samples seen come from the store as the loop's events carried them (issue 14).
    const live = events.filter((e): e is Extract<LoopEvent, { type: 'round' }> => e.type === 'round').map((e) => e.summary);
    const detail = await h.getRun(runId);
    expect(detail.roundFigures).toEqual(live.map((s) => ({ round: s.round, samplesSeen: s.samplesSeen, meanLoss: s.meanLoss })));
    expect(detail.roundFigures[0]!.meanLoss).toBeGreaterThan(0);
    // Its one round's duration (the time its stages ran, the stop left out), and no round running.
    expect(detail.run.roundMs).toEqual([detail.rounds[0]!.activeMs]);
    expect(detail.rounds[0]!.activeMs!).toBeLessThanOrEqual(detail.rounds[0]!.finishedAt! - detail.rounds[0]!.startedAt! + 200);
    expect(detail.run.roundStartedAt).toBeNull();
    // A clone's settings are the run's own.
    const config = await h.getRunConfig(runId);
    expect(config).toMatchObject({ ...TINY, name: 'tiny' });
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
    // As the loop writes them: a round starts with no stage committed; each stage commits its own name.
    createRound(w, { runId: run.id, round: 0, status: 'running', startedAt: 100 });
    await until('the first stage', () => events.some((e) => e.type === 'stage' && e.stage === 'propose' && e.phase === 'start'));
    // Proposals and filters commit together.
    updateRound(w, run.id, 0, { stage: 'filter', counts: { proposed: 10, accepted: 7, rejected: 3 } });
    await until('the next stage', () => events.some((e) => e.type === 'stage' && e.stage === 'solve' && e.phase === 'start'));
    updateRound(w, run.id, 0, { stage: 'solve' });
    await until('the stage after', () => events.some((e) => e.type === 'stage' && e.stage === 'control' && e.phase === 'start'));
    createBenchmarkSet(w, { id: 'b', name: 'b' });
    recordMetrics(w, [
      { runId: run.id, round: 0, benchmarkSetId: 'b', family: null, metric: 'score', value: 0.4, n: 10 },
      { runId: run.id, round: 0, benchmarkSetId: 'b', family: null, metric: 'samples_seen', value: 7, n: 7 },
    ]);
    updateRound(w, run.id, 0, { stage: 'evaluate', status: 'completed', finishedAt: 350, activeMs: 250 });
    updateRunStatus(w, run.id, 'completed');
    await until('completion', () => events.some((e) => e.type === 'run' && e.status === 'completed'));

    const mine = events.filter((e) => e.runId === run.id);
    const label = (e: LoopEvent): string => (e.type === 'run' ? `run ${e.status}` : e.type === 'stage' ? `${e.stage} ${e.phase}` : e.type);
    // A stage is shown under way until it commits, never after (issue 14: rows said "filter" through solve and train).
    expect(mine.map(label)).toEqual([
      'run queued',
      'run running',
      'propose start',
      'propose end',
      'filter end',
      'solve start',
      'solve end',
      'control start',
      // control, train and evaluate committed between two looks
      'control end',
      'train end',
      'evaluate end',
      'round',
      'run completed',
    ]);
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

describe('run management through the host (issue 14)', () => {
  const tmp = useTmpDirs();

  it('reads each round’s samples seen, loss and duration from the store', async () => {
    const dir = tmp();
    const { runId } = await seedWorkspace(dir);
    const { host: h } = host({ workspaceDir: dir });
    const detail = await h.getRun(runId);
    // The fixture's training steps: round 0 losses 1.9 and 1.8, round 1 0.9 and 0.8; samples_seen 64 and 128.
    expect(detail.roundFigures.map((f) => [f.round, f.samplesSeen, f.meanLoss?.toFixed(6)])).toEqual([
      [0, 64, (1.85).toFixed(6)],
      [1, 128, (0.85).toFixed(6)],
    ]);
    expect(detail.run).toMatchObject({ roundMs: [250, 250], roundStartedAt: null, tags: [], notes: '' });
    const [listed] = await h.listRuns();
    expect(listed).toMatchObject({ roundMs: [250, 250], roundStartedAt: null });
  });

  it('renames, tags and annotates a run; clones its settings as it ran them', async () => {
    const dir = tmp();
    const { runId } = await seedWorkspace(dir);
    const { host: h } = host({ workspaceDir: dir });
    const summary = await h.updateRun(runId, { name: ' first try ', tags: ['seed 1', 'ablation', 'seed 1'] });
    expect(summary).toMatchObject({ id: runId, name: 'first try', tags: ['ablation', 'seed 1'], notes: '', roundsDone: 2, heldoutScore: 0.3 });
    expect(await h.updateRun(runId, { notes: 'diverged after round 1' })).toMatchObject({ name: 'first try', tags: ['ablation', 'seed 1'], notes: 'diverged after round 1' });
    expect((await h.listRuns())[0]).toMatchObject({ name: 'first try', tags: ['ablation', 'seed 1'], notes: 'diverged after round 1' });
    await expect(h.updateRun('nope', { notes: '' })).rejects.toThrow(/no run "nope"/);
    // The seeded run predates the `selection` setting: its clone keeps the behaviour it ran with, not today's default.
    const config = await h.getRunConfig(runId);
    expect(config).toMatchObject({ rounds: 2, selection: 'all-but-easy', steps: DEFAULT_LOOP_CONFIG.steps });
    expect(DEFAULT_LOOP_CONFIG.selection).not.toBe('all-but-easy');
    await expect(h.getRunConfig('nope')).rejects.toThrow(/no run "nope"/);

    const { host: reader } = host({ workspaceDir: dir, readonly: true });
    const e = await reader.updateRun(runId, { name: 'x' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HostError);
    expect((e as Error).message).toBe(`cannot change run ${runId}: the workspace ${dir} is open read-only`);
    await expect(reader.deleteRun(runId)).rejects.toThrow(`cannot delete run ${runId}: the workspace ${dir} is open read-only`);
  });

  it('deletes a run with its checkpoint files, and refuses one that runs here or in another process', async () => {
    const dir = tmp();
    const { runId } = await seedWorkspace(dir);
    const w = writer(dir);
    const ckpt = saveCheckpoint(w, { runId, round: 1, config: {}, optimizerStep: 4, content: { bytes: new TextEncoder().encode('weights') } });
    const file = join(dir, 'blobs', ckpt.blobHash.slice(0, 2), ckpt.blobHash);
    expect(existsSync(file)).toBe(true);
    const engine = scriptedEngine();
    const { host: h } = host({ workspaceDir: dir, engine });

    // Running in this workbench.
    const { runId: mine } = await h.startRun({ name: 'mine' });
    let e = await h.deleteRun(mine).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HostError);
    expect((e as HostError).code).toBe('busy');
    expect((e as Error).message).toBe(`cannot delete run "mine" (${mine}): it is running in this workbench; stop it first`);
    await h.stopRun(mine);

    // Paused, but another live process holds its lease (about to resume it): left alone.
    const lease = join(dir, 'leases', `${runId}.lease`);
    mkdirSync(join(dir, 'leases'), { recursive: true });
    writeFileSync(lease, JSON.stringify({ pid: process.ppid, host: hostname(), since: 0 }));
    e = await h.deleteRun(runId).catch((x: unknown) => x);
    expect((e as HostError).code).toBe('elsewhere');
    expect((e as Error).message).toMatch(new RegExp(`^cannot delete run "seeded" \\(${runId}\\): run ${runId} is being executed by process ${process.ppid} `));
    rmSync(lease);

    expect(await h.deleteRun(runId)).toEqual({ runId, removedBlobs: 1, freedBytes: 7 });
    expect(existsSync(file)).toBe(false);
    expect(existsSync(lease)).toBe(false);
    expect((await h.listRuns()).map((r) => r.id)).toEqual([mine]);
    await expect(h.getRun(runId)).rejects.toThrow(/no run/);
    // A run marked running by another process is that process's: the store refuses, naming what to do.
    updateRunStatus(w, mine, 'running');
    await expect(h.deleteRun(mine)).rejects.toThrow(`run "mine" (${mine}) is running: stop it before deleting it (a run left running by a crash: resume it, then stop it)`);
  });
});
