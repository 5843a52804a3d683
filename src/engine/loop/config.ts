/**
 * The loop's settings: defaults after the reference system (T = 4 rounds × K = 100 steps × B = 64, τ_easy = 0.9,
 * τ_hard = 0.1, constant learning rate), with the learning rate and sizes suited to our solver, and one validator
 * that names the field and the expectation — the CLI, the UI form and the host all go through it.
 */
import { InputError } from '../../shared/errors.js';
import type { LoopConfig, LoopConfigInput, ModelPreset } from '../../shared/loop.js';
import { LOOP_MODES, LOOP_SELECTIONS, SCORE_STRATEGIES } from '../../shared/loop.js';
import { FAMILIES, type Family } from '../../shared/proposer.js';
import { STRATEGY_NAMES } from '../proposer/controller/index.js';
import { resolveProposerConfig } from '../proposer/llm/config.js';
import { resolveEndpointConfig } from '../solver/external/endpoint.js';
import { parseSourceSpec } from '../sources/index.js';
import type { SolverConfigInput } from '../solver/solver.js';
import { DEFAULT_MODEL, LARGE_MODEL } from '../solver/model.js';

export const DEFAULT_LOOP_CONFIG: LoopConfig = Object.freeze({
  name: 'closed loop',
  mode: 'closed-loop',
  scenes: ['synthetic:48'],
  heldoutScenes: [],
  heldoutFraction: 0.25,
  rounds: 4,
  steps: 100,
  batch: 64,
  lr: 1e-3,
  warmupSteps: 20,
  thresholds: Object.freeze({ easy: 0.9, hard: 0.1 }),
  candidates: 12_000,
  acceptPerRound: 0,
  strategy: 'reference',
  selection: 'frontier-first',
  balance: 'none',
  families: [...FAMILIES],
  referenceCheckpoint: 0,
  endpoint: null,
  trainerCommand: null,
  awaitModel: false,
  proposer: null,
  extraLabels: [],
  staticSamples: 25_600,
  benchmarkPerFamily: 40,
  model: 'default',
  executionProvider: 'cpu',
  threads: 0,
  frames: 32,
  seed: 0,
  dataSeed: 0,
  initCheckpoint: 0,
}) as LoopConfig;

export const MODEL_PRESETS: Record<ModelPreset, SolverConfigInput['model']> = {
  default: DEFAULT_MODEL,
  large: LARGE_MODEL,
  // For tests and smoke runs: a few thousand parameters, compiles and trains in milliseconds.
  tiny: { dModel: 16, heads: 2, layers: 1, mlpHidden: 32, maxQuestionTokens: 40, maxDetections: 24 },
};

const KEYS = Object.keys(DEFAULT_LOOP_CONFIG) as (keyof LoopConfig)[];

function problem(field: string, message: string): InputError {
  return new InputError({ field: `config.${field}`, message });
}

function int(c: LoopConfig, key: keyof LoopConfig, min: number, max = Number.MAX_SAFE_INTEGER): void {
  const v = c[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw problem(key, `expected a whole number in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}], found ${JSON.stringify(v)}`);
  }
}

/** Fills defaults and validates; throws InputError naming `config.<field>`. */
export function resolveLoopConfig(input: LoopConfigInput = {}): LoopConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw problem('', 'expected an object of loop settings');
  for (const k of Object.keys(input)) {
    // Settings written before the loop said "round" everywhere (protocol files, scripts) name the new key.
    if (k === 'iterations') throw problem(k, 'renamed to `rounds` (the number of rounds of the loop)');
    if (!KEYS.includes(k as keyof LoopConfig)) throw problem(k, `unknown setting; expected one of ${KEYS.join(', ')}`);
  }
  const c: LoopConfig = {
    ...DEFAULT_LOOP_CONFIG,
    ...(input as Partial<LoopConfig>),
    thresholds: { ...DEFAULT_LOOP_CONFIG.thresholds, ...(input.thresholds ?? {}) },
    scenes: [...(input.scenes ?? DEFAULT_LOOP_CONFIG.scenes)],
    heldoutScenes: [...(input.heldoutScenes ?? DEFAULT_LOOP_CONFIG.heldoutScenes)],
    extraLabels: [...(input.extraLabels ?? DEFAULT_LOOP_CONFIG.extraLabels)],
    families: Array.isArray(input.families) ? [...input.families] : (input.families ?? [...DEFAULT_LOOP_CONFIG.families]),
  };
  // A score rule ranks what is trained on by its own score unless the user says otherwise.
  if (input.selection === undefined && SCORE_STRATEGIES.includes(c.strategy)) c.selection = 'top-score';
  if (typeof c.name !== 'string' || c.name.trim() === '' || c.name.length > 200) throw problem('name', 'expected a non-empty name of at most 200 characters');
  if (!LOOP_MODES.includes(c.mode)) throw problem('mode', `expected one of ${LOOP_MODES.join(', ')}, found ${JSON.stringify(c.mode)}`);
  if (!Array.isArray(c.scenes) || c.scenes.length === 0) throw problem('scenes', 'expected at least one scene source, e.g. synthetic:48');
  if (!Array.isArray(c.heldoutScenes)) throw problem('heldoutScenes', 'expected a list of scene sources (empty: hold out heldoutFraction of scenes)');
  for (const field of ['scenes', 'heldoutScenes'] as const) {
    c[field].forEach((s, i) => {
      if (typeof s !== 'string') throw problem(`${field}[${i}]`, `expected a source string, found ${JSON.stringify(s)}`);
      try {
        parseSourceSpec(s);
      } catch (e) {
        throw problem(`${field}[${i}]`, (e as Error).message);
      }
    });
  }
  if (!Array.isArray(c.extraLabels) || c.extraLabels.some((l) => typeof l !== 'string' || l.trim() === '' || l.length > 100)) {
    throw problem('extraLabels', 'expected a list of non-empty label words of at most 100 characters');
  }
  if (typeof c.heldoutFraction !== 'number' || !(c.heldoutFraction > 0 && c.heldoutFraction < 1)) {
    throw problem('heldoutFraction', `expected a fraction strictly between 0 and 1, found ${JSON.stringify(c.heldoutFraction)}`);
  }
  int(c, 'rounds', 1, 1000);
  int(c, 'steps', 1, 1_000_000);
  int(c, 'batch', 1, 4096);
  int(c, 'warmupSteps', 0, 1_000_000);
  int(c, 'candidates', 1, 10_000_000);
  int(c, 'acceptPerRound', 0, 10_000_000);
  int(c, 'staticSamples', 1, 10_000_000);
  int(c, 'benchmarkPerFamily', 1, 100_000);
  int(c, 'threads', 0, 256);
  int(c, 'frames', 1, 1024);
  int(c, 'seed', 0, 0xffffffff);
  int(c, 'dataSeed', 0, 0xffffffff);
  int(c, 'initCheckpoint', 0);
  int(c, 'referenceCheckpoint', 0);
  if (typeof c.lr !== 'number' || !(c.lr > 0 && c.lr < 10)) throw problem('lr', `expected a learning rate in (0, 10), found ${JSON.stringify(c.lr)}`);
  const t = c.thresholds;
  if (typeof t.easy !== 'number' || typeof t.hard !== 'number' || !(t.hard >= 0 && t.hard < t.easy && t.easy <= 1)) {
    throw problem('thresholds', `expected 0 ≤ hard < easy ≤ 1, found hard ${JSON.stringify(t.hard)}, easy ${JSON.stringify(t.easy)}`);
  }
  if (!(STRATEGY_NAMES as readonly string[]).includes(c.strategy)) {
    throw problem('strategy', `expected one of ${STRATEGY_NAMES.join(', ')}, found ${JSON.stringify(c.strategy)}`);
  }
  if (!LOOP_SELECTIONS.includes(c.selection)) {
    throw problem('selection', `expected one of ${LOOP_SELECTIONS.join(', ')}, found ${JSON.stringify(c.selection)}`);
  }
  if (c.mode === 'closed-loop' && c.selection === 'top-score' && !SCORE_STRATEGIES.includes(c.strategy)) {
    throw problem('selection', `top-score ranks by a rule's per-sample score, which only ${SCORE_STRATEGIES.join(' and ')} give; strategy is ${c.strategy}`);
  }
  if (c.balance !== 'none' && c.balance !== 'family') throw problem('balance', `expected none or family, found ${JSON.stringify(c.balance)}`);
  c.families = checkFamilies(c.families);
  if (c.mode === 'closed-loop' && c.strategy === 'reducible-loss' && c.referenceCheckpoint === 0) {
    throw problem('referenceCheckpoint', 'reducible-loss needs an irreducible-loss model: the id of a checkpoint trained on a separate slice of the target domain (npm run experiment makes one)');
  }
  if (c.endpoint !== null) {
    c.endpoint = resolveEndpointConfig(c.endpoint, 'config.endpoint');
    if (c.mode === 'closed-loop' && c.strategy === 'reducible-loss') {
      throw problem('strategy', 'reducible-loss compares the model with an irreducible-loss model of the built-in solver; with an endpoint use learnability or the bandit');
    }
  }
  if (c.trainerCommand !== null) {
    if (typeof c.trainerCommand !== 'string' || c.trainerCommand.trim() === '') throw problem('trainerCommand', 'expected a command line, or null');
    if (c.endpoint === null) throw problem('trainerCommand', 'a trainer command fine-tunes an endpoint model; set endpoint too (the built-in solver trains itself)');
    if (!c.trainerCommand.includes('{dataset}')) throw problem('trainerCommand', 'expected {dataset} in the command: where the round\'s training samples are');
  }
  if (typeof c.awaitModel !== 'boolean') throw problem('awaitModel', `expected true or false, found ${JSON.stringify(c.awaitModel)}`);
  if (c.awaitModel && (c.endpoint === null || c.trainerCommand !== null)) {
    throw problem('awaitModel', 'waits for you to register each round\'s model: it needs an endpoint and no trainer command (a trainer command registers its own)');
  }
  c.proposer = resolveProposerConfig(c.proposer, 'config.proposer');
  if (!Object.hasOwn(MODEL_PRESETS, c.model)) throw problem('model', `expected one of ${Object.keys(MODEL_PRESETS).join(', ')}, found ${JSON.stringify(c.model)}`);
  if (c.executionProvider !== 'cpu' && c.executionProvider !== 'cuda') throw problem('executionProvider', `expected cpu or cuda, found ${JSON.stringify(c.executionProvider)}`);
  return c;
}

/** A non-empty list of known families without repeats, put in FAMILIES order (so equal sets compare equal). */
function checkFamilies(v: unknown): Family[] {
  if (!Array.isArray(v) || v.length === 0) throw problem('families', `expected a non-empty list of question families (${FAMILIES.join(', ')}), found ${JSON.stringify(v)}`);
  v.forEach((f, i) => {
    if (!(FAMILIES as readonly unknown[]).includes(f)) throw problem(`families[${i}]`, `unknown family ${JSON.stringify(f)}; expected one of ${FAMILIES.join(', ')}`);
    if (v.indexOf(f) !== i) throw problem(`families[${i}]`, `${JSON.stringify(f)} is listed twice`);
  });
  return FAMILIES.filter((f) => v.includes(f));
}

/**
 * A run's stored settings as the loop reads them back. Settings added after the run was made take the
 * behaviour the code had before they existed, so resuming (or comparing) an old run keeps its meaning.
 */
export function storedLoopConfig(stored: unknown): LoopConfig {
  const s = { ...(stored as LoopConfigInput) };
  if (s.selection === undefined) s.selection = 'all-but-easy';
  return resolveLoopConfig(s);
}

/** Samples one round trains on: every accepted one up to K × B (one pass), or the configured cap. */
export function roundSampleCap(c: LoopConfig): number {
  return c.acceptPerRound > 0 ? c.acceptPerRound : c.steps * c.batch;
}
