/**
 * Shipped models: completed runs packed into `resources/models/` so a fresh workspace does not spend minutes
 * pretraining the base before its first loop. A shipped run is imported into the workspace as an ordinary completed
 * run (tagged `shipped`) when a run with exactly its settings is needed and nothing in this build would have made
 * it differently; everything that reads runs (the run list and detail, `npm run pretrain`, the experiment's base
 * scores, a loop starting from its final checkpoint with the optimizer state) then works on it unchanged.
 *
 * File (one run):  magic "OUROSHIP" · version u32 · header length u32 · header (UTF-8 JSON) · checkpoint bytes
 * (the solver's own self-checking format, solver/checkpoint.ts), all integers little-endian.
 *
 * Only what a training run computes is packed, so rebuilding the file from a fresh workspace gives the same bytes:
 * no ids, no clock times (the rounds' times and each training step's elapsed time are not kept), no build commit.
 * Left out, and said so in the run's notes: the questions the run proposed and answered (tens of MB), its
 * controller decisions (5 MB of per-cell mixes and statistics, for a no-feedback run a uniform mix) and checkpoints
 * before the last; no reader of a base needs them (a loop starts from the final checkpoint).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { LoopConfig, LoopConfigInput } from '../../shared/loop.js';
import type { BenchmarkQuestionRecord, JsonObject, RoundStatus, LoopStage, RunRecord, SceneSplit } from '../../shared/records.js';
import { CHECKPOINT_VERSION } from '../solver/checkpoint.js';
import { Solver } from '../solver/index.js';
import type { ProgramRunner } from '../proposer/runner.js';
import { createSandboxRunner, startSandboxRunner } from '../proposer/sandboxRunner.js';
import { resourcesDir } from '../resources.js';
import type { Store } from '../store/index.js';
import {
  assignRunScenes,
  createRound,
  createRun,
  getRun,
  inTransaction,
  insertTrainingStats,
  listCheckpoints,
  listMetrics,
  listRounds,
  listRunScenes,
  listTrainingStats,
  loadScene,
  readCheckpoint,
  recordMetrics,
  saveCheckpoint,
  saveScenes,
  updateRound,
  updateRunInfo,
  updateRunStatus,
} from '../store/index.js';
import { benchmarkInputSha256, ensureBenchmark, evaluateOnBenchmark } from './benchmark.js';
import { MODEL_PRESETS, resolveLoopConfig, storedLoopConfig } from './config.js';
import { BASE_SCORE_METRIC, type ScoreFigure, scoreFigures } from './metrics.js';
import { loadRunScenes } from './runScenes.js';
import { Observations } from './samples.js';

const MAGIC = 'OUROSHIP';
/** The file layout's version; a reader refuses another (the app then trains the model instead). */
export const SHIPPED_FORMAT_VERSION = 1;
export const SHIPPED_TAG = 'shipped';
/** The command that rebuilds every shipped model from scratch, named wherever a stale one is found. */
export const REBUILD_COMMAND = 'npm run pretrain -- --bundle';

/** A file in resources/models/ and the SHA-256 its bytes must have; a file with other bytes is not used. */
export interface ShippedModelFile {
  file: string;
  sha256: string;
}

/**
 * The models this build ships. The hash is checked before a file is trusted, and test/engine/loop/shipped.test.ts
 * checks the files against it, so a rebuilt file is committed together with its new hash.
 */
export const SHIPPED_MODELS: readonly ShippedModelFile[] = [{ file: 'base-builtin.ourorun', sha256: '1f18785c659978bac54ae389e146f0a0f788c31dcffdafcf5ef9a6609d6db337' }];

/** What a model made by this build would depend on beyond its settings: any difference means "train it instead". */
export interface ShippedCompat {
  /** solver/checkpoint.ts: the checkpoint file layout. */
  checkpointVersion: number;
  /**
   * SHA-256 of the checkpoint of the model the run starts from (its settings' preset, vocabulary and seed): covers
   * the model's shape, tokenizer, vocabulary and initialisation as this build makes them.
   */
  initialModelSha256: string;
  /** The held-out benchmark the run was scored on (its id covers the scenes' versions and the benchmark's version). */
  benchmarkSetId: string;
  /** SHA-256 over the solver's source files when built (checked by the tests, where the sources are; see the test). */
  solverSourceSha256: string;
}

export interface ShippedHeader {
  format: 'ouroboros-shipped-run';
  /** The run's settings as stored (name included). */
  config: JsonObject;
  seeds: JsonObject;
  provider: string;
  compat: ShippedCompat;
  scenes: { sceneId: string; split: SceneSplit; sceneVersion: string }[];
  rounds: { round: number; status: RoundStatus; stage: LoopStage | null; counts: { proposed: number; accepted: number; rejected: number; easy: number; frontier: number; hard: number } }[];
  training: { round: number; step: number; loss: number; lr: number; gradNorm: number | null }[];
  metrics: { round: number; benchmarkSetId: string; family: string | null; metric: string; value: number; n: number }[];
  checkpoint: { round: number; config: JsonObject; optimizerStep: number; sha256: string; bytes: number };
  /** The final checkpoint scored as a run's starting model on other benchmarks (absent in files built before 2026-12-05). */
  startScores?: ShippedStartScores[];
}

/**
 * What the shipped model scores as the starting point of a run (round 0's `base_score` rows) on a benchmark that
 * is not its own, measured when the file was built: the main job's held-out benchmark, so a fresh workspace's first
 * main job does not score the base again (6,005 questions, about 4 s of its time on 2 cores). Matched to a run by
 * what scoring reads, not by benchmark id (benchmark.ts › benchmarkInputSha256), and used on the CPU only: a CUDA
 * session rounds differently.
 */
export interface ShippedStartScores {
  /** benchmarkInputSha256 of the questions and observations scored. */
  inputSha256: string;
  /** What was scored, for people: held-out sources, questions per family, data seed, observed frames. */
  benchmark: string;
  provider: 'cpu';
  figures: ScoreFigure[];
}

export interface ShippedRun {
  header: ShippedHeader;
  checkpoint: Uint8Array;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The model a run with these settings starts from, as this build makes it: its checkpoint's hash. */
export async function initialModelSha256(config: LoopConfig, sceneLabels: readonly string[]): Promise<string> {
  const labels = [...new Set([...sceneLabels, ...config.extraLabels])].sort();
  const solver = await Solver.create({ model: MODEL_PRESETS[config.model], extraLabels: labels }, config.seed, { executionProvider: 'cpu' });
  try {
    return sha256(solver.checkpoint());
  } finally {
    await solver.dispose();
  }
}

/**
 * Packs a completed run of this workspace (a fresh one: the run started from no checkpoint) into the file's bytes.
 * `solverSourceSha256` is recorded for the tests; pass '' where the sources are not at hand.
 */
export async function packShippedRun(store: Store, runId: string, solverSourceSha256: string, startScores: readonly ShippedStartScores[] = []): Promise<Uint8Array> {
  const run = getRun(store, runId);
  if (run.status !== 'completed') throw new Error(`run ${runId} is ${run.status}: only a completed run can be shipped`);
  const config = storedLoopConfig(run.config);
  if (config.initCheckpoint !== 0 || config.referenceCheckpoint !== 0) {
    throw new Error(`run ${runId} starts from or compares with another checkpoint (ids are per workspace): only a run from scratch can be shipped`);
  }
  const checkpoints = listCheckpoints(store, runId);
  const last = checkpoints[checkpoints.length - 1];
  if (!last) throw new Error(`run ${runId} has no checkpoint`);
  const bytes = readCheckpoint(store, last.id);
  const scenes = listRunScenes(store, runId).map((s) => ({ sceneId: s.sceneId, split: s.split, sceneVersion: s.sceneVersion ?? '' }));
  const metrics = listMetrics(store, { runId });
  const setIds = [...new Set(metrics.map((m) => m.benchmarkSetId))];
  if (setIds.length !== 1) throw new Error(`run ${runId} is scored on ${setIds.length} benchmark sets; a shipped run needs exactly one`);
  const labels = [...new Set(loadRunScenes(config).scenes.flatMap((s) => s.objects.map((o) => o.label)))];
  const header: ShippedHeader = {
    format: 'ouroboros-shipped-run',
    config: run.config,
    seeds: run.seeds as unknown as JsonObject,
    provider: run.provider,
    compat: { checkpointVersion: CHECKPOINT_VERSION, initialModelSha256: await initialModelSha256(config, labels), benchmarkSetId: setIds[0]!, solverSourceSha256 },
    scenes,
    rounds: listRounds(store, runId).map((r) => ({ round: r.round, status: r.status, stage: r.stage, counts: { ...r.counts } })),
    training: listTrainingStats(store, runId).map((t) => ({ round: t.round, step: t.step, loss: t.loss, lr: t.lr, gradNorm: t.gradNorm })),
    metrics: metrics.map((m) => ({ round: m.round, benchmarkSetId: m.benchmarkSetId, family: m.family, metric: m.metric, value: m.value, n: m.n })),
    checkpoint: { round: last.round, config: last.config, optimizerStep: last.optimizerStep, sha256: sha256(bytes), bytes: bytes.length },
    ...(startScores.length > 0 ? { startScores: [...startScores] } : {}),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.alloc(16);
  head.write(MAGIC, 0, 'ascii');
  head.writeUInt32LE(SHIPPED_FORMAT_VERSION, 8);
  head.writeUInt32LE(json.length, 12);
  return Buffer.concat([head, json, bytes]);
}

/** Reads a shipped file's bytes; throws naming the file and what is wrong. */
export function unpackShippedRun(bytes: Uint8Array, what: string): ShippedRun {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 16 || buf.toString('ascii', 0, 8) !== MAGIC) throw new Error(`${what}: not a shipped model file (expected the magic "${MAGIC}")`);
  const version = buf.readUInt32LE(8);
  if (version !== SHIPPED_FORMAT_VERSION) throw new Error(`${what}: file version ${version}, this build reads version ${SHIPPED_FORMAT_VERSION}`);
  const length = buf.readUInt32LE(12);
  if (16 + length > buf.length) throw new Error(`${what}: truncated (header of ${length} bytes, file of ${buf.length})`);
  let header: ShippedHeader;
  try {
    header = JSON.parse(buf.toString('utf8', 16, 16 + length)) as ShippedHeader;
  } catch (e) {
    throw new Error(`${what}: header is not JSON (${(e as Error).message})`);
  }
  if (header?.format !== 'ouroboros-shipped-run') throw new Error(`${what}: header.format is "${String(header?.format)}", expected "ouroboros-shipped-run"`);
  const checkpoint = buf.subarray(16 + length);
  if (checkpoint.length !== header.checkpoint.bytes || sha256(checkpoint) !== header.checkpoint.sha256) {
    throw new Error(`${what}: the checkpoint's bytes do not match header.checkpoint (size or SHA-256)`);
  }
  return { header, checkpoint };
}

/**
 * Scores checkpoint `checkpointId` of this workspace as the starting model of a run with `input`'s held-out
 * benchmark, the way that run's round 0 does (stages.ts › solve): the scenes saved and read back from the store,
 * the benchmark made (or found) from them, the observations of `input`'s data seed and frames, on the CPU.
 */
export async function measureStartScores(store: Store, checkpointId: number, input: LoopConfigInput): Promise<ShippedStartScores> {
  const config = resolveLoopConfig(input);
  const { scenes, split } = loadRunScenes(config);
  const versions = new Map(inTransaction(store, () => saveScenes(store, scenes), { immediate: true }).map((s) => [s.summary.id, s.version]));
  const heldout = new Map(split.filter((s) => s.split === 'heldout').map((s) => [s.sceneId, loadScene(store, s.sceneId, versions.get(s.sceneId))]));
  const runner = await createSandboxRunner();
  let questions: BenchmarkQuestionRecord[];
  try {
    questions = (await ensureBenchmark(store, [...heldout.values()], versions, config.benchmarkPerFamily, config.dataSeed, runner)).questions;
  } finally {
    runner.dispose();
  }
  const observations = new Observations(heldout, config.dataSeed, config.frames);
  const solver = await Solver.fromCheckpoint(readCheckpoint(store, checkpointId), { executionProvider: 'cpu' });
  try {
    if (solver.provider !== 'cpu') throw new Error(`start scores are measured on the CPU; the solver ran on ${solver.provider}`);
    const { score } = await evaluateOnBenchmark(solver, questions, observations);
    return {
      inputSha256: benchmarkInputSha256(questions, observations),
      benchmark: `${config.heldoutScenes.join(' ') || `held-out part of ${config.scenes.join(' ')}`}: ${questions.length} questions (${config.benchmarkPerFamily} per family at most), data seed ${config.dataSeed}, ${config.frames} frames`,
      provider: 'cpu',
      figures: scoreFigures(BASE_SCORE_METRIC, score),
    };
  } finally {
    await solver.dispose();
  }
}

/**
 * The start scores a shipped file holds for this checkpoint (matched by its bytes) on this benchmark input
 * (benchmarkInputSha256, computed only when needed), measured on `provider`; undefined when none does, and the caller scores the model itself.
 * Only files with the bytes this build ships are read (as for importing).
 */
export function shippedStartScores(store: Store, checkpointId: number, inputSha256: () => string, provider: string, sources: readonly ShippedSource[] = shippedSources()): { figures: ScoreFigure[]; file: string } | undefined {
  if (provider !== 'cpu' || checkpointId <= 0) return undefined;
  let input: string | undefined;
  const want = sha256(readCheckpoint(store, checkpointId));
  for (const source of sources) {
    let header: ShippedHeader;
    try {
      const bytes = source.read();
      if (source.sha256 !== null && sha256(bytes) !== source.sha256) continue;
      header = unpackShippedRun(bytes, source.name).header;
    } catch {
      // Unreadable or stale: importing says why when it matters; here the model is simply scored.
      continue;
    }
    if (header.checkpoint.sha256 !== want) continue;
    // Hashed only once a shipped file holds this very model: other starts pay nothing.
    input ??= inputSha256();
    const hit = header.startScores?.find((s) => s.inputSha256 === input && s.provider === provider);
    if (hit) return { figures: hit.figures, file: source.name };
  }
  return undefined;
}

/** Settings that do not change what a run computes (base.ts compares runs the same way). */
export type Comparable = (c: LoopConfig) => LoopConfig;

function differingFields(a: LoopConfig, b: LoopConfig): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => !isDeepStrictEqual((a as unknown as Record<string, unknown>)[k], (b as unknown as Record<string, unknown>)[k]));
}

export interface ShippedSource {
  /** Where the bytes came from, for messages (a path). */
  name: string;
  /** The bytes, or why they cannot be used. */
  read: () => Uint8Array;
  /** The SHA-256 the bytes must have (null: not checked, for tests). */
  sha256: string | null;
}

/** The models this build ships, from resources/models/ (a missing file is reported when it is needed). */
export function shippedSources(): ShippedSource[] {
  let dir: string;
  try {
    dir = `${resourcesDir()}/models`;
  } catch {
    return [];
  }
  return SHIPPED_MODELS.map((m) => ({
    name: `${dir}/${m.file}`,
    sha256: m.sha256,
    read: () => {
      const path = `${dir}/${m.file}`;
      if (!existsSync(path)) throw new Error(`${path} is missing`);
      return readFileSync(path);
    },
  }));
}

/**
 * Imports the shipped run whose settings equal `input` into the workspace, if one does and this build would make
 * the same model; returns the imported run, or undefined (the caller trains). Every reason a shipped run with the
 * wanted settings is not used goes to `log`, so a stale file is never used silently and never fails the caller.
 */
export async function importShippedRun(
  store: Store,
  input: LoopConfigInput,
  comparable: Comparable,
  log: (level: 'info' | 'warn', message: string) => void,
  sources: readonly ShippedSource[] = shippedSources(),
): Promise<RunRecord | undefined> {
  const want = comparable(resolveLoopConfig(input));
  for (const source of sources) {
    let shipped: ShippedRun;
    let bytes: Uint8Array;
    try {
      bytes = source.read();
      shipped = unpackShippedRun(bytes, source.name);
    } catch (e) {
      log('warn', `shipped model ${source.name} not used: ${(e as Error).message}`);
      continue;
    }
    // A shipped run for other settings (another target, size or seed) is simply not the one asked for.
    if (differingFields(comparable(storedLoopConfig(shipped.header.config)), want).length > 0) continue;
    if (source.sha256 !== null && sha256(bytes) !== source.sha256) {
      log('warn', `shipped model ${source.name} not used, training instead: its SHA-256 is not the one this build ships (${source.sha256.slice(0, 12)}…); rebuild it with ${REBUILD_COMMAND}`);
      continue;
    }
    const config = storedLoopConfig(shipped.header.config);
    try {
      return await importOne(store, config, shipped, source.name);
    } catch (e) {
      log('warn', `shipped model ${source.name} not used, training instead: ${(e as Error).message}`);
    }
  }
  return undefined;
}

async function importOne(store: Store, config: LoopConfig, shipped: ShippedRun, name: string): Promise<RunRecord> {
  const { header } = shipped;
  if (header.compat.checkpointVersion !== CHECKPOINT_VERSION) {
    throw new Error(`it holds a version-${header.compat.checkpointVersion} checkpoint, this build writes version ${CHECKPOINT_VERSION}; rebuild it with ${REBUILD_COMMAND}`);
  }
  // The sandbox (for the held-out benchmark) starts on its own thread (~0.4 s) while this one makes the scenes.
  const starting = startSandboxRunner();
  try {
    return await importChecked(store, config, shipped, name, starting.ready);
  } finally {
    starting.dispose();
  }
}

async function importChecked(store: Store, config: LoopConfig, shipped: ShippedRun, name: string, starting: Promise<ProgramRunner>): Promise<RunRecord> {
  const { header, checkpoint } = shipped;
  const { scenes, split } = loadRunScenes(config);
  const labels = [...new Set(scenes.flatMap((s) => s.objects.map((o) => o.label)))];
  const initial = await initialModelSha256(config, labels);
  if (initial !== header.compat.initialModelSha256) {
    throw new Error(`this build makes a different starting model for these settings (model shape, vocabulary or initialisation changed); rebuild it with ${REBUILD_COMMAND}`);
  }
  // Saving the scenes is what starting the run would do first anyway; their versions must be the ones it was trained on.
  const versions = new Map(inTransaction(store, () => saveScenes(store, scenes), { immediate: true }).map((s) => [s.summary.id, s.version]));
  const wantScenes = header.scenes.map((s) => `${s.sceneId}:${s.split}@${s.sceneVersion}`).sort();
  const haveScenes = split.map((s) => `${s.sceneId}:${s.split}@${versions.get(s.sceneId) ?? ''}`).sort();
  if (!isDeepStrictEqual(wantScenes, haveScenes)) {
    const first = haveScenes.find((s, i) => s !== wantScenes[i]) ?? '';
    throw new Error(`this build makes different scenes for ${config.scenes.join(' ')} (first difference: ${first}); rebuild it with ${REBUILD_COMMAND}`);
  }
  const heldout = split.filter((s) => s.split === 'heldout').map((s) => scenes.find((x) => x.id === s.sceneId)!);
  const setId = (await ensureBenchmark(store, heldout, versions, config.benchmarkPerFamily, config.dataSeed, await starting)).setId;
  if (setId !== header.compat.benchmarkSetId) {
    throw new Error(`this build makes held-out benchmark ${setId}, the shipped run was scored on ${header.compat.benchmarkSetId}; rebuild it with ${REBUILD_COMMAND}`);
  }
  // One transaction: a crash leaves either no run or the whole completed run, never a half-imported one.
  return inTransaction(
    store,
    () => {
      const run = createRun(store, {
        name: config.name,
        mode: config.mode,
        config: header.config,
        seeds: header.seeds as unknown as RunRecord['seeds'],
        codeVersion: `shipped (${name.split('/').pop()})`,
        provider: header.provider,
      });
      assignRunScenes(store, run.id, split);
      updateRunStatus(store, run.id, 'running');
      for (const r of header.rounds) {
        createRound(store, { runId: run.id, round: r.round, status: 'pending' });
        updateRound(store, run.id, r.round, { status: r.status, stage: r.stage, counts: r.counts });
      }
      saveCheckpoint(store, { runId: run.id, round: header.checkpoint.round, config: header.checkpoint.config, optimizerStep: header.checkpoint.optimizerStep, content: { bytes: checkpoint } });
      insertTrainingStats(store, header.training.map((t) => ({ ...t, runId: run.id, elapsedMs: 0 })));
      recordMetrics(store, header.metrics.map((m) => ({ ...m, runId: run.id })));
      updateRunInfo(store, run.id, {
        tags: [SHIPPED_TAG],
        notes:
          `Shipped with the app (${name.split('/').pop()}), imported instead of trained: its scores, training loss and final checkpoint ` +
          `(with the optimizer state) are the trained run's; its questions and answers, controller decisions, earlier checkpoints and timings are not included.`,
      });
      return updateRunStatus(store, run.id, 'completed');
    },
    { immediate: true },
  );
}

/**
 * SHA-256 over the solver's source files (src/engine/solver/**, paths and contents, sorted): recorded in a shipped
 * file when it is built, and compared by the tests, so a change to the solver without `npm run pretrain -- --bundle`
 * fails CI instead of shipping a model the code would no longer make. Only where the sources are (not in a packaged app).
 */
export function solverSourceSha256(): string {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'solver');
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') || f.endsWith('.mjs')).sort();
  const h = createHash('sha256');
  for (const f of files) h.update(`${f.split(sep).join('/')}\0`).update(readFileSync(join(dir, f))).update('\0');
  return h.digest('hex');
}
