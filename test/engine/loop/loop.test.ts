import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LoopEvent } from '../../../src/shared/loop.js';
import { FAMILIES } from '../../../src/shared/proposer.js';
import { createRng } from '../../../src/shared/random.js';
import { resolveLoopConfig, resumeLoop, startLoop } from '../../../src/engine/loop/index.js';
import {
  getRun,
  listCheckpoints,
  listControllerDecisions,
  listRounds,
  listMetrics,
  listRunScenes,
  listSolverOutputs,
  loadScene,
  openStore,
  queryQa,
  readCheckpoint,
  saveScenes,
  type Store,
} from '../../../src/engine/store/index.js';
import { Solver } from '../../../src/engine/solver/solver.js';
import { loadScenes } from '../../../src/engine/sources/index.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { SMALL_LOOP, runDigest } from './loopFixture.js';

const tmp = useTmpDirs();
const here = dirname(fileURLToPath(import.meta.url));

async function runToEnd(store: Store, config = SMALL_LOOP, events: LoopEvent[] = []) {
  const handle = await startLoop(store, config, { onEvent: (e) => events.push(e) });
  const run = await handle.done;
  return { run, events };
}

describe('the closed loop, end to end', () => {
  it('runs two rounds and stores rounds, accepted QA with programs, confidences, decisions, checkpoints and metrics', async () => {
    const store = openStore({ workspaceDir: tmp() });
    const { run, events } = await runToEnd(store);
    expect(run.status, run.error ?? '').toBe('completed');
    expect(run.provider).toMatch(/^onnxruntime\/cpu/);
    expect(run.config).toMatchObject({ rounds: 2, steps: 4, batch: 8, seed: 7 });
    expect(run.seeds).toEqual({ seed: 7, dataSeed: 0 });

    const split = listRunScenes(store, run.id);
    const train = split.filter((s) => s.split === 'train').map((s) => s.sceneId);
    const held = split.filter((s) => s.split === 'heldout').map((s) => s.sceneId);
    expect(train.length).toBeGreaterThan(0);
    expect(held.length).toBeGreaterThan(0);
    expect(train.filter((id) => held.includes(id))).toEqual([]);

    const its = listRounds(store, run.id);
    expect(its.map((i) => [i.round, i.status, i.stage])).toEqual([
      [0, 'completed', 'evaluate'],
      [1, 'completed', 'evaluate'],
    ]);
    for (const it of its) {
      const qa = queryQa(store, { runId: run.id, round: it.round, limit: -1 });
      expect(qa.length).toBe(it.counts.proposed);
      const accepted = qa.filter((q) => q.verdict === 'accepted');
      expect(accepted.length).toBe(it.counts.accepted);
      expect(accepted.length).toBeGreaterThan(20);
      // Questions come only from training scenes; every accepted one has its program, a ground truth and an answer.
      expect(qa.every((q) => train.includes(q.sceneId))).toBe(true);
      for (const q of accepted) {
        expect(q.program.length).toBeGreaterThan(10);
        expect(q.answer).not.toBeNull();
        expect(q.confidence).toBeGreaterThanOrEqual(0);
        expect(q.confidence).toBeLessThanOrEqual(1);
        const expected = q.confidence! > 0.9 ? 'easy' : q.confidence! < 0.1 ? 'hard' : 'frontier';
        expect(q.bucket).toBe(expected);
      }
      expect(it.counts.easy + it.counts.frontier + it.counts.hard).toBe(accepted.length);
      // Round k trains on at most K × B of its own accepted, non-easy questions.
      const trained = qa.filter((q) => q.trainedRound === it.round);
      expect(trained.length).toBe(Math.min(32, accepted.filter((q) => q.bucket !== 'easy').length));
      expect(trained.every((q) => q.verdict === 'accepted' && q.bucket !== 'easy')).toBe(true);
      // Frontier first: a hard question is trained on only when every frontier one of the round already is.
      const frontier = accepted.filter((q) => q.bucket === 'frontier');
      if (trained.some((q) => q.bucket === 'hard')) expect(frontier.every((q) => q.trainedRound === it.round)).toBe(true);
      else expect(trained.length).toBe(Math.min(32, frontier.length));
    }

    const decisions = listControllerDecisions(store, run.id);
    expect(decisions.map((d) => [d.round, d.strategy])).toEqual([
      [0, 'reference'],
      [1, 'reference'],
    ]);
    const weight = decisions[0]!.weightsAfter.entries.reduce((a, e) => a + e.weight, 0);
    expect(weight).toBeCloseTo(1, 6);
    expect(decisions[0]!.reason.length).toBeGreaterThan(20);

    const checkpoints = listCheckpoints(store, run.id);
    expect(checkpoints.map((c) => [c.round, c.optimizerStep])).toEqual([
      [0, 4],
      [1, 8],
    ]);
    // A checkpoint restores a working solver at the recorded step.
    const restored = await Solver.fromCheckpoint(readCheckpoint(store, checkpoints[1]!.id));
    expect(restored.step).toBe(8);
    await restored.dispose();

    const metrics = listMetrics(store, { runId: run.id });
    for (const k of [0, 1]) {
      const overall = metrics.find((m) => m.round === k && m.metric === 'score' && m.family === null);
      expect(overall?.value).toBeGreaterThanOrEqual(0);
      expect(overall?.value).toBeLessThanOrEqual(1);
      expect(metrics.filter((m) => m.round === k && m.metric === 'score' && m.family !== null).length).toBeGreaterThanOrEqual(10);
      expect(metrics.find((m) => m.round === k && m.metric === 'samples_seen')?.value).toBe(k === 0 ? 32 : 64);
    }
    expect(metrics.some((m) => m.round === 0 && m.metric === 'base_score' && m.family === null)).toBe(true);

    // Progress: every stage of every round started and ended, and the per-round summaries arrived.
    const ends = events.filter((e): e is Extract<LoopEvent, { type: 'stage' }> => e.type === 'stage' && e.phase === 'end' && e.round >= 0);
    expect(ends.map((e) => `${e.round}:${e.stage}`)).toEqual(['propose', 'filter', 'solve', 'control', 'train', 'evaluate'].flatMap((s) => [`0:${s}`]).concat(['propose', 'filter', 'solve', 'control', 'train', 'evaluate'].map((s) => `1:${s}`)));
    expect(events.filter((e) => e.type === 'round').length).toBe(2);
    expect(events.some((e) => e.type === 'progress' && e.stage === 'train')).toBe(true);
    store.close();
  });

  it('is deterministic: the same seeds give the same rows, scores and checkpoint bytes', async () => {
    const a = openStore({ workspaceDir: tmp() });
    const b = openStore({ workspaceDir: tmp() });
    const ra = (await runToEnd(a)).run;
    const rb = (await runToEnd(b)).run;
    expect(runDigest(b, rb.id)).toEqual(runDigest(a, ra.id));
    a.close();
    b.close();
  });

  it('cancel stops at a safe point leaving the run paused; resume finishes it as if never stopped', async () => {
    const ref = openStore({ workspaceDir: tmp() });
    const refRun = (await runToEnd(ref)).run;

    const store = openStore({ workspaceDir: tmp() });
    const controller = new AbortController();
    const handle = await startLoop(store, SMALL_LOOP, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'progress' && e.stage === 'train' && e.round === 0) controller.abort();
      },
    });
    const paused = await handle.done;
    expect(paused.status).toBe('paused');
    expect(listRounds(store, paused.id)[0]!.stage).toBe('control');
    // Stopped a while: the round's duration (active time) leaves the stop out, its span does not.
    await new Promise((r) => setTimeout(r, 1200));
    const second = await resumeLoop(store, paused.id);
    // One driver per run: a second resume while the first is going is refused, not run twice.
    await expect(resumeLoop(store, paused.id)).rejects.toThrow(/already being executed/);
    const resumed = await second.done;
    expect(resumed.status).toBe('completed');
    expect(runDigest(store, resumed.id)).toEqual(runDigest(ref, refRun.id));
    const [stopped, ...others] = listRounds(store, resumed.id);
    expect(stopped!.activeMs).toBeGreaterThan(0);
    expect(stopped!.activeMs!).toBeLessThanOrEqual(stopped!.finishedAt! - stopped!.startedAt! - 1200);
    for (const r of others) {
      expect(r.activeMs!).toBeGreaterThanOrEqual(r.finishedAt! - r.startedAt!);
      expect(r.activeMs!).toBeLessThanOrEqual(r.finishedAt! - r.startedAt! + 200);
    }
    ref.close();
    store.close();
  });

  it('a run resumed after its scenes were re-imported with edits finishes on the versions it started with (issue 11, item 4)', async () => {
    const ref = openStore({ workspaceDir: tmp() });
    const refRun = (await runToEnd(ref)).run;

    const store = openStore({ workspaceDir: tmp() });
    const controller = new AbortController();
    const handle = await startLoop(store, SMALL_LOOP, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'progress' && e.stage === 'train' && e.round === 0) controller.abort();
      },
    });
    const paused = await handle.done;
    expect(paused.status).toBe('paused');
    const pinned = listRunScenes(store, paused.id);
    // The same ids, edited: every object moved 1 m, as re-importing an edited source gives.
    const edited = pinned.map(({ sceneId }) => {
      const scene = loadScene(store, sceneId);
      return { ...scene, objects: scene.objects.map((o) => ({ ...o, box: { ...o.box, center: [o.box.center[0] + 1, o.box.center[1], o.box.center[2]] as [number, number, number] } })) };
    });
    const saved = saveScenes(store, edited);
    expect(saved.every((x) => x.change === 'changed' && x.previous!.runIds.includes(paused.id))).toBe(true);
    expect(listRunScenes(store, paused.id)).toEqual(pinned);

    const resumed = await (await resumeLoop(store, paused.id)).done;
    expect(resumed.status).toBe('completed');
    expect(runDigest(store, resumed.id)).toEqual(runDigest(ref, refRun.id));

    // A new run from the same source saves the original content again: a new change, announced as a warning per scene.
    const events: LoopEvent[] = [];
    const next = await startLoop(store, SMALL_LOOP, { onEvent: (e) => events.push(e), signal: AbortSignal.abort() });
    expect(next.changedScenes).toHaveLength(pinned.length);
    expect(listRunScenes(store, next.runId).map((e) => e.sceneVersion)).toEqual(pinned.map((e) => e.sceneVersion));
    expect(events.filter((e) => e.type === 'log' && e.level === 'warn' && /changed: new version/.test(e.message))).toHaveLength(pinned.length);
    expect((await next.done).status).toBe('paused');
    ref.close();
    store.close();
  });

  it('survives kill -9 at random moments: resumed, it ends with no lost or duplicated rows and the uninterrupted result', async () => {
    const ref = openStore({ workspaceDir: tmp() });
    const refRun = (await runToEnd(ref)).run;
    const expected = runDigest(ref, refRun.id);
    ref.close();

    const workspaceDir = tmp();
    const rng = createRng(20261125);
    let runId: string | undefined;
    const kills: number[] = [];
    // Each child is killed after a random number of events (the run emits ~40): three crashes, then a clean finish.
    // Children alternate proposing rounds ahead on a worker (loop/ahead.ts) and not: a kill loses the work ahead,
    // and a resume without it must come to the same rows.
    for (let attempt = 0; attempt < 4; attempt++) {
      const killAfter = attempt < 3 ? 2 + rng.int(30) : Number.POSITIVE_INFINITY;
      const ahead = attempt % 2 === 0;
      const arg = JSON.stringify(runId ? { workspaceDir, resume: runId, ahead } : { workspaceDir, config: SMALL_LOOP, ahead });
      const outcome = await new Promise<{ killed: boolean; output: string }>((resolveChild, reject) => {
        // `node --import tsx`, not the tsx CLI: the CLI runs the script in a grandchild that SIGKILL would not reach.
        const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'crashChild.ts'), arg], { stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        let events = 0;
        let killed = false;
        child.stdout.on('data', (d: Buffer) => {
          output += d.toString();
          const m = /RUN (\S+)/.exec(output);
          if (m) runId = m[1];
          events = (output.match(/^EVENT /gm) ?? []).length;
          if (!killed && runId && events >= killAfter) {
            killed = true;
            child.kill('SIGKILL');
          }
        });
        child.stderr.on('data', (d: Buffer) => (output += d.toString()));
        child.on('error', reject);
        child.on('exit', () => resolveChild({ killed, output }));
      });
      if (outcome.killed) kills.push(killAfter);
      // A kill may land after the last commit; the store, not the child's output, says whether the run is done.
      const check = openStore({ workspaceDir, readonly: true });
      const status = runId ? getRun(check, runId).status : undefined;
      check.close();
      if (status === 'completed') break;
      expect(outcome.killed, outcome.output).toBe(true);
    }
    expect(kills.length).toBeGreaterThan(0);
    const store = openStore({ workspaceDir });
    expect(getRun(store, runId!).status).toBe('completed');
    expect(runDigest(store, runId!)).toEqual(expected);
    store.close();
  }, 180_000);

  it('refuses bad settings with the field named, and refuses to resume a finished run', async () => {
    expect(() => resolveLoopConfig({ rounds: 0 })).toThrow(/config\.rounds: expected a whole number in \[1, 1000\], found 0/);
    expect(() => resolveLoopConfig({ heldoutFraction: 1 })).toThrow(/config\.heldoutFraction/);
    expect(() => resolveLoopConfig({ scenes: ['nowhere:3'] })).toThrow(/config\.scenes\[0\]: .*unknown source/);
    expect(() => resolveLoopConfig({ strategy: 'greedy' })).toThrow(/config\.strategy: expected one of reference, uniform, target-band, bandit/);
    expect(() => resolveLoopConfig({ stepz: 3 } as never)).toThrow(/config\.stepz: unknown setting/);
    // Settings and flags from before the rename to rounds name the new key instead of listing every key.
    expect(() => resolveLoopConfig({ iterations: 3 } as never)).toThrow(/config\.iterations: renamed to `rounds`/);
    expect(() => resolveLoopConfig({ strategy: 'reducible-loss' })).toThrow(/config\.referenceCheckpoint: reducible-loss needs an irreducible-loss model/);
    expect(() => resolveLoopConfig({ strategy: 'reference', selection: 'top-score' })).toThrow(/config\.selection: top-score ranks by a rule's per-sample score/);
    expect(() => resolveLoopConfig({ heldoutScenes: ['nowhere:3'] })).toThrow(/config\.heldoutScenes\[0\]: .*unknown source/);
    expect(() => resolveLoopConfig({ families: [] })).toThrow(/config\.families: expected a non-empty list of question families \(object_counting, /);
    expect(() => resolveLoopConfig({ families: ['object_counting', 'object_countng'] as never })).toThrow(/config\.families\[1\]: unknown family "object_countng"; expected one of object_counting, /);
    expect(() => resolveLoopConfig({ families: ['route_planning', 'route_planning'] })).toThrow(/config\.families\[1\]: "route_planning" is listed twice/);
    // Any order in, FAMILIES order out: the same set is the same setting (reuse of runs compares configs).
    expect(resolveLoopConfig({ families: ['route_planning', 'object_counting'] }).families).toEqual(['object_counting', 'route_planning']);
    expect(resolveLoopConfig({}).families).toEqual([...FAMILIES]);
    expect(resolveLoopConfig({ strategy: 'learnability' }).selection).toBe('top-score');
    expect(resolveLoopConfig({ strategy: 'learnability', selection: 'all-but-easy' }).selection).toBe('all-but-easy');
    const store = openStore({ workspaceDir: tmp() });
    await expect(startLoop(store, { scenes: ['synthetic:1'] })).rejects.toThrow(/at least 2 scenes/);
    // A scene named both for training and for holding out is refused, not leaked.
    await expect(startLoop(store, { ...SMALL_LOOP, heldoutScenes: ['synthetic:2'] })).rejects.toThrow(/config\.heldoutScenes: scene \S+ comes from both synthetic:6 and synthetic:2/);
    await expect(startLoop(store, { ...SMALL_LOOP, strategy: 'reducible-loss', referenceCheckpoint: 999 })).rejects.toThrow(/config\.referenceCheckpoint: no checkpoint 999/);
    const { run } = await runToEnd(store, { ...SMALL_LOOP, rounds: 1 });
    await expect(resumeLoop(store, run.id)).rejects.toThrow(/already completed/);
    store.close();
  });

  it('a new run can continue from any stored checkpoint: its first round starts at that optimizer step', async () => {
    const store = openStore({ workspaceDir: tmp() });
    const { run } = await runToEnd(store, { ...SMALL_LOOP, rounds: 1 });
    const from = listCheckpoints(store, run.id)[0]!;
    const { run: next } = await runToEnd(store, { ...SMALL_LOOP, rounds: 1, initCheckpoint: from.id });
    expect(next.status, next.error ?? '').toBe('completed');
    expect(listCheckpoints(store, next.id)[0]!.optimizerStep).toBe(from.optimizerStep + 4);
    await expect(startLoop(store, { ...SMALL_LOOP, initCheckpoint: 999 })).rejects.toThrow(/config\.initCheckpoint: no checkpoint 999/);
    store.close();
  });

  it('learnability: every answer stores p̂, loss and score = p̂(1 − p̂); a round trains on the K × B highest scores; held-out scenes from their own source', async () => {
    const store = openStore({ workspaceDir: tmp() });
    const { run } = await runToEnd(store, { ...SMALL_LOOP, scenes: ['synthetic:6?part=train', 'synthetic:6?part=reference'], heldoutScenes: ['synthetic:6?part=heldout'], strategy: 'learnability', candidates: 400 });
    expect(run.status, run.error ?? '').toBe('completed');
    const split = listRunScenes(store, run.id);
    const heldoutIds = loadScenes('synthetic:6?part=heldout').map((s) => s.id).sort();
    expect(heldoutIds.length).toBeGreaterThan(0);
    expect(split.filter((s) => s.split === 'heldout').map((s) => s.sceneId).sort()).toEqual(heldoutIds);
    expect(split.filter((s) => s.split === 'train').every((s) => !heldoutIds.includes(s.sceneId))).toBe(true);
    for (const k of [0, 1]) {
      const outputs = listSolverOutputs(store, { runId: run.id, round: k });
      expect(outputs.length).toBeGreaterThan(32);
      for (const o of outputs) {
        expect(o.pCorrect).toBeGreaterThanOrEqual(0);
        expect(o.pCorrect).toBeLessThanOrEqual(1);
        expect(o.loss).toBeGreaterThanOrEqual(0);
        expect(o.selectionScore).toBeCloseTo(o.pCorrect! * (1 - o.pCorrect!), 10);
        expect(o.referenceLoss).toBeNull();
      }
      const trained = new Set(queryQa(store, { runId: run.id, round: k, limit: -1 }).filter((q) => q.trainedRound === k).map((q) => q.id));
      expect(trained.size).toBe(32);
      const lowestTrained = Math.min(...outputs.filter((o) => trained.has(o.qaId)).map((o) => o.selectionScore!));
      const highestLeft = Math.max(...outputs.filter((o) => !trained.has(o.qaId)).map((o) => o.selectionScore!));
      expect(lowestTrained).toBeGreaterThanOrEqual(highestLeft);
    }
    const decision = listControllerDecisions(store, run.id)[0]!;
    expect(decision.strategy).toBe('learnability');
    expect(decision.reason).toContain('learnability: weight ∝ smoothed mean learnability');
    // The held-out score carries its bootstrap interval, around the score.
    const overall = listMetrics(store, { runId: run.id, round: 1, family: null });
    const score = overall.find((m) => m.metric === 'score')!.value;
    expect(overall.find((m) => m.metric === 'score_ci_lo')!.value).toBeLessThanOrEqual(score);
    expect(overall.find((m) => m.metric === 'score_ci_hi')!.value).toBeGreaterThanOrEqual(score);
    store.close();
  });

  it('family balance: a round trains on equal numbers of each family, the best-scoring within each', async () => {
    const store = openStore({ workspaceDir: tmp() });
    const { run } = await runToEnd(store, { ...SMALL_LOOP, rounds: 1, strategy: 'learnability', balance: 'family', candidates: 600, steps: 6, batch: 8 });
    expect(run.status, run.error ?? '').toBe('completed');
    const qa = queryQa(store, { runId: run.id, round: 0, verdict: 'accepted', limit: -1 });
    const trained = qa.filter((q) => q.trainedRound === 0);
    expect(trained).toHaveLength(48);
    const perFamily = new Map<string, number>();
    for (const q of trained) perFamily.set(q.family, (perFamily.get(q.family) ?? 0) + 1);
    const available = new Map<string, number>();
    for (const q of qa) available.set(q.family, (available.get(q.family) ?? 0) + 1);
    const quota = Math.floor(48 / available.size);
    // Every family gets its quota, or all it has when it has fewer (their leftover goes to the best of the rest).
    for (const [f, n] of available) expect(perFamily.get(f) ?? 0).toBeGreaterThanOrEqual(Math.min(n, quota));
    expect(listControllerDecisions(store, run.id)[0]!.reason).toContain('every family keeps an equal share');
    store.close();
  });

  it('families: the loop proposes and trains only the chosen families, and scores every family on the same benchmark', async () => {
    const store = openStore({ workspaceDir: tmp() });
    const families = ['object_counting', 'object_rel_distance'] as const;
    const { run } = await runToEnd(store, { ...SMALL_LOOP, families: [...families] });
    expect(run.status, run.error ?? '').toBe('completed');
    const { run: all } = await runToEnd(store, SMALL_LOOP);
    const proposed = new Set(queryQa(store, { runId: run.id, limit: -1 }).map((q) => q.family));
    expect([...proposed].sort()).toEqual([...families]);
    // The held-out benchmark is the one the run over every family is scored on, with every family in it.
    const scored = (id: string) => listMetrics(store, { runId: id }).filter((m) => m.round === 1 && m.family !== null);
    const setOf = (id: string) => new Set(listMetrics(store, { runId: id }).map((m) => m.benchmarkSetId));
    expect([...setOf(run.id)]).toEqual([...setOf(all.id)]);
    expect(new Set(scored(run.id).map((m) => m.family))).toEqual(new Set(scored(all.id).map((m) => m.family)));
    expect(new Set(scored(run.id).map((m) => m.family)).size).toBeGreaterThan(families.length);
    expect(getRun(store, run.id).config.families).toEqual([...families]);
    store.close();
  });

  it('reducible loss scores every answer by the solver loss minus the irreducible-loss model loss', async () => {
    const store = openStore({ workspaceDir: tmp() });
    const { run: ref } = await runToEnd(store, { ...SMALL_LOOP, rounds: 1, mode: 'no-feedback' });
    const refCheckpoint = listCheckpoints(store, ref.id)[0]!.id;
    const { run } = await runToEnd(store, { ...SMALL_LOOP, rounds: 1, strategy: 'reducible-loss', referenceCheckpoint: refCheckpoint, initCheckpoint: refCheckpoint });
    expect(run.status, run.error ?? '').toBe('completed');
    const outputs = listSolverOutputs(store, { runId: run.id, round: 0 });
    // Round 0 answers with the very model the reference is, so every reducible loss is exactly 0.
    for (const o of outputs) {
      expect(o.referenceLoss).toBeCloseTo(o.loss!, 6);
      expect(o.selectionScore).toBeCloseTo(0, 6);
    }
    // A second run from the same checkpoint on the same benchmark starts from the same score (copied, not recomputed).
    const { run: again } = await runToEnd(store, { ...SMALL_LOOP, rounds: 1, mode: 'no-feedback', initCheckpoint: refCheckpoint });
    const start = (id: string) => listMetrics(store, { runId: id, round: 0, metric: 'base_score' }).map((m) => [m.family, m.value]);
    expect(start(run.id).length).toBeGreaterThan(1);
    expect(start(again.id)).toEqual(start(run.id));
    store.close();
  });

  it('static mode trains each round on its slice of one fixed dataset generated in round 0', async () => {
    const store = openStore({ workspaceDir: tmp() });
    const { run } = await runToEnd(store, { ...SMALL_LOOP, mode: 'static', staticSamples: 48 });
    expect(run.status, run.error ?? '').toBe('completed');
    const its = listRounds(store, run.id);
    expect(its[1]!.counts.proposed).toBe(0);
    const qa = queryQa(store, { runId: run.id, limit: -1 });
    expect(qa.every((q) => q.round === 0)).toBe(true);
    expect(qa.filter((q) => q.trainedRound === 0).length).toBe(24);
    expect(qa.filter((q) => q.trainedRound === 1).length).toBe(24);
    expect(listControllerDecisions(store, run.id)).toEqual([]);
    store.close();
  });
});
