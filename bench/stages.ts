/**
 * `npm run bench -- stages`: runs the main job — what `npm run loop` runs without flags: the built-in target,
 * 4 rounds × 100 steps × batch 64 from the base model, which a fresh workspace imports from the shipped file —
 * in a scratch workspace and prints where its time goes: the base model's import, then each stage's total over
 * the rounds and its share, from the loop's own stage events (the ms each stage's `end` event carries), so these
 * are the times a user's run spends, not a re-enactment. It runs last in a plain `npm run bench` (about two minutes
 * here; the issue asks the bench to print them), alone as `npm run bench -- stages`. `--quick` runs a tiny loop from a
 * fresh model instead, to test the mode itself.
 */
import { availableParallelism, loadavg } from 'node:os';
import { MAIN_JOB, ensureBaseFor, resolveLoopConfig, startLoop } from '../src/engine/loop/index.js';
import { aheadByDefault } from '../src/engine/loop/ahead.js';
import { loadRunScenesAhead, type ScenesAhead } from '../src/engine/loop/scenesAhead.js';
import { MODEL_PRESETS } from '../src/engine/loop/config.js';
import { loadRunScenes } from '../src/engine/loop/runScenes.js';
import { Observations, sampleOfRecord } from '../src/engine/loop/samples.js';
import { encodeSample } from '../src/engine/solver/features.js';
import { DEFAULT_MODEL } from '../src/engine/solver/model.js';
import { defaultVocabulary } from '../src/engine/solver/tokenizer.js';
import { openStore, queryQa, type Store } from '../src/engine/store/index.js';
import type { LoopConfig, LoopConfigInput } from '../src/shared/loop.js';
import { LOOP_STAGES, type LoopStage } from '../src/shared/records.js';
import type { BenchModule, BenchRow } from './harness.js';
import { machineName } from './solverFixture.js';
import { mainThreadClock, threadRows } from './threadClock.js';

const QUICK: LoopConfigInput = { name: 'bench-quick', scenes: ['synthetic:6'], heldoutFraction: 0.34, rounds: 1, steps: 2, batch: 8, candidates: 120, benchmarkPerFamily: 2, model: 'tiny', seed: 1 };

/**
 * The solver's encoding of round 0's accepted questions, as the solve stage meets them: fresh observations (each
 * scene's perception made before the clock starts), so what is read once per observation is timed within.
 */
function encodingRate(store: Store, runId: string, config: LoopConfig): BenchRow[] {
  const { scenes } = loadRunScenes(config);
  const observations = new Observations(new Map(scenes.map((s) => [s.id, s])), config.dataSeed, config.frames);
  const samples = queryQa(store, { runId, round: 0, verdict: 'accepted', limit: -1 }).map((q) => sampleOfRecord(q, observations));
  const vocab = defaultVocabulary(config.extraLabels);
  const model = { ...DEFAULT_MODEL, ...MODEL_PRESETS[config.model] };
  const pass = (): number => {
    const t0 = performance.now();
    for (let i = 0; i < samples.length; i++) encodeSample(samples[i]!, vocab, model, i, { answers: 'optional' });
    return (1000 * (performance.now() - t0)) / Math.max(1, samples.length);
  };
  const first = pass();
  const sceneCount = new Set(samples.map((s) => s.observation)).size;
  return [
    { name: 'solver encoding, one pass over round 0\'s accepted questions', value: first, unit: 'µs/sample', note: `${samples.length} questions over ${sceneCount} scenes; what is read once per observation included` },
    { name: 'solver encoding, the same questions again', value: pass(), unit: 'µs/sample', note: 'observations already read: what each further question about a scene costs' },
  ];
}

export const stagesBench: BenchModule = {
  title: 'Main job: time per stage (stages of npm run loop, default settings)',
  async run(ctx) {
    ctx.log(`machine: ${machineName()}; load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const store = openStore({ workspaceDir: ctx.tmpDir });
    const totals = new Map<LoopStage | 'preparation', number>();
    const t0 = performance.now();
    let baseMs: number | undefined;
    let encoding: BenchRow[] = [];
    let end: number | undefined;
    const clock = mainThreadClock();
    let thread: ReturnType<typeof clock.stop> | undefined;
    try {
      let config: LoopConfigInput = QUICK;
      let scenesAhead: ScenesAhead | undefined;
      if (!ctx.quick) {
        // As the CLI does for the main job (cli/loop.ts, withModels): the base for the built-in target first, the
        // run's scenes loaded on a worker meanwhile.
        const mainJob = resolveLoopConfig(MAIN_JOB);
        scenesAhead = loadRunScenesAhead(mainJob);
        const base = await ensureBaseFor(store, mainJob);
        baseMs = performance.now() - t0;
        ctx.log(`base model: ${base.shipped ? 'imported the shipped' : base.reused ? 'reused' : 'trained'} run, ${(baseMs / 1000).toFixed(1)} s`);
        config = { ...MAIN_JOB, initCheckpoint: base.checkpointId };
      }
      ctx.log(`proposing rounds ahead on a worker thread (loop/ahead.ts): ${aheadByDefault(resolveLoopConfig(config)) ? 'on' : 'off, training takes every core'} (${availableParallelism()} cores)`);
      const handle = await startLoop(store, config, {
        ...(scenesAhead ? { scenesAhead } : {}),
        onEvent: (e) => {
          if (e.type !== 'stage' || e.phase !== 'end' || e.ms === undefined) return;
          // Round −1 is the run's preparation (the held-out benchmark), not a stage of a round.
          const key = e.round < 0 ? 'preparation' : e.stage;
          totals.set(key, (totals.get(key) ?? 0) + e.ms);
          if (e.round >= 0) ctx.log(`round ${e.round} ${e.stage}: ${(e.ms / 1000).toFixed(2)} s${e.detail ? ` (${e.detail})` : ''}`);
        },
      });
      const run = await handle.done;
      if (run.status !== 'completed') throw new Error(`the main job ended ${run.status}${run.error ? `: ${run.error}` : ''}`);
      end = performance.now();
      thread = clock.stop();
      // After the clock: the job's wall time is the job's alone.
      encoding = encodingRate(store, run.id, resolveLoopConfig(config));
    } finally {
      thread ??= clock.stop();
      store.close();
    }
    const wall = (end ?? performance.now()) - t0;
    const staged = [...totals.values()].reduce((a, b) => a + b, 0) + (baseMs ?? 0);
    const rows: BenchRow[] = [{ name: 'main job, wall time', value: wall / 1000, unit: 's', note: `${ctx.quick ? 'tiny loop' : 'npm run loop without flags, fresh workspace'}; stages account for ${((100 * staged) / wall).toFixed(0)}%` }];
    if (baseMs !== undefined) rows.push({ name: 'base model (the shipped one imported and verified)', value: baseMs / 1000, unit: 's', note: `${((100 * baseMs) / wall).toFixed(1)}% of the run` });
    for (const stage of ['preparation', ...LOOP_STAGES] as const) {
      const ms = totals.get(stage);
      if (ms !== undefined) rows.push({ name: `stage ${stage}, all rounds`, value: ms / 1000, unit: 's', note: `${((100 * ms) / wall).toFixed(1)}% of the run` });
    }
    rows.push(...encoding);
    rows.push({ name: 'outside the stages (scene loading, start-up)', value: (wall - staged) / 1000, unit: 's', note: `${((100 * (wall - staged)) / wall).toFixed(1)}% of the run` });
    rows.push(...threadRows(thread, wall));
    ctx.log(`load average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    return rows;
  },
};
