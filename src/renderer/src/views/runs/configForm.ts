/**
 * The start-run form: LoopConfig ↔ the form's string fields, and validation before `startRun` is called, so a
 * mistake is shown next to its field instead of coming back as a host rejection.
 */
import { DEFAULT_ENDPOINT, DEFAULT_PROPOSER_MODEL, LOOP_MODES, type LoopConfig, type LoopMode, type ModelPreset } from '../../../../shared/loop.js';
import { FAMILIES } from '../../../../shared/proposer.js';
import { SOURCE_KINDS } from '../../../../shared/scene.js';

export type FormKey =
  | 'name'
  | 'mode'
  | 'scenes'
  | 'heldoutScenes'
  | 'heldoutFraction'
  | 'rounds'
  | 'steps'
  | 'batch'
  | 'lr'
  | 'warmupSteps'
  | 'thresholds.easy'
  | 'thresholds.hard'
  | 'candidates'
  | 'acceptPerRound'
  | 'strategy'
  | 'selection'
  | 'staticSamples'
  | 'benchmarkPerFamily'
  | 'model'
  | 'executionProvider'
  | 'threads'
  | 'frames'
  | 'seed'
  | 'dataSeed'
  | 'initCheckpoint'
  | 'referenceCheckpoint'
  | 'families'
  | 'endpoint.baseUrl'
  | 'endpoint.model'
  | 'endpoint.apiKeyEnv'
  | 'endpoint.frames'
  | 'trainerCommand'
  | 'proposer.baseUrl'
  | 'proposer.model'
  | 'proposer.share';

export type FormValues = Record<FormKey, string>;
export type FormErrors = Partial<Record<FormKey, string>>;

/** `optional`: free text that may stay empty (meaning: not used); `url`: empty, or an http(s) URL. */
type Kind = 'text' | 'optional' | 'url' | 'scenes' | 'families' | 'int' | 'number' | 'fraction' | 'select';

export interface FieldSpec {
  key: FormKey;
  label: string;
  kind: Kind;
  /** Smallest allowed value for int fields. */
  min?: number;
  /** Largest allowed value for int / number fields. */
  max?: number;
  options?: readonly string[];
  help: string;
  /** Shown only in these modes (all when absent). */
  modes?: readonly LoopMode[];
}

export const STRATEGIES = ['reference', 'learnability', 'reducible-loss', 'target-band', 'bandit'] as const;
export const SELECTIONS = ['frontier-first', 'all-but-easy', 'top-score'] as const;
export const MODEL_PRESETS: readonly ModelPreset[] = ['default', 'large', 'tiny'];
export const EXECUTION_PROVIDERS = ['cpu', 'cuda'] as const;

export const FIELDS: readonly FieldSpec[] = [
  { key: 'name', label: 'Name', kind: 'text', help: 'shown in the runs list and charts' },
  { key: 'mode', label: 'Mode', kind: 'select', options: LOOP_MODES, help: 'closed loop, or a baseline' },
  { key: 'scenes', label: 'Scene sources', kind: 'scenes', help: 'one per line or comma-separated, e.g. synthetic:8' },
  { key: 'heldoutScenes', label: 'Held-out scene sources', kind: 'scenes', help: 'optional: evaluate on these instead of a fraction of the scenes, e.g. vsibench:builtin?part=heldout' },
  { key: 'heldoutFraction', label: 'Held-out fraction', kind: 'fraction', help: 'share of scenes kept for evaluation when no held-out sources are given, in (0, 1)' },
  { key: 'rounds', label: 'Rounds T', kind: 'int', min: 1, help: 'rounds of propose → train → evaluate' },
  { key: 'steps', label: 'Steps per round K', kind: 'int', min: 1, help: 'optimizer steps per round' },
  { key: 'batch', label: 'Batch B', kind: 'int', min: 1, help: 'samples per optimizer step' },
  { key: 'lr', label: 'Learning rate', kind: 'number', max: 1, help: 'constant after warm-up, in (0, 1]' },
  { key: 'warmupSteps', label: 'Warm-up steps', kind: 'int', min: 0, help: 'linear warm-up in the first round' },
  { key: 'thresholds.easy', label: 'Easy above', kind: 'fraction', help: 'confidence above which a sample is easy' },
  { key: 'thresholds.hard', label: 'Hard below', kind: 'fraction', help: 'confidence below which a sample is hard' },
  { key: 'candidates', label: 'Candidates per round', kind: 'int', min: 1, help: 'proposals asked for per round' },
  { key: 'acceptPerRound', label: 'Accepted per round', kind: 'int', min: 0, help: 'samples trained on per round at most (0: all)' },
  { key: 'strategy', label: 'Selection rule', kind: 'select', options: STRATEGIES, help: 'how the mix follows the solver: frontier buckets, learnability p(1−p), reducible loss (RHO-LOSS), …', modes: ['closed-loop'] },
  { key: 'selection', label: 'Training selection', kind: 'select', options: SELECTIONS, help: 'frontier first, a uniform draw of the non-easy ones, or the rule\'s highest scores (learnability, reducible loss)', modes: ['closed-loop'] },
  { key: 'referenceCheckpoint', label: 'Irreducible-loss model', kind: 'int', min: 0, help: 'reducible loss only: id of a checkpoint trained on a separate slice of the target (0: none)', modes: ['closed-loop'] },
  { key: 'staticSamples', label: 'Static set size', kind: 'int', min: 1, help: 'accepted QA in the fixed set', modes: ['static'] },
  { key: 'benchmarkPerFamily', label: 'Benchmark per family', kind: 'int', min: 1, help: 'held-out questions per family' },
  { key: 'model', label: 'Model', kind: 'select', options: MODEL_PRESETS, help: 'solver size preset' },
  { key: 'executionProvider', label: 'Execution provider', kind: 'select', options: EXECUTION_PROVIDERS, help: 'CUDA falls back to CPU when unavailable' },
  { key: 'threads', label: 'Threads', kind: 'int', min: 0, help: 'onnxruntime intra-op threads for training (0: default, one per core); speed only, every count gives the same results' },
  { key: 'frames', label: 'Frames observed', kind: 'int', min: 1, help: 'frames the solver sees per scene' },
  { key: 'seed', label: 'Seed', kind: 'int', min: 0, max: 0xffffffff, help: 'proposals, batches and model initialisation' },
  { key: 'dataSeed', label: 'Data seed', kind: 'int', min: 0, max: 0xffffffff, help: 'split, benchmark and perception noise: keep it equal to compare runs' },
  { key: 'initCheckpoint', label: 'Start from checkpoint', kind: 'int', min: 0, help: 'id of a stored checkpoint to continue from (0: a fresh model)' },
  { key: 'families', label: 'Question families', kind: 'families', help: `optional: the families the loop proposes and trains on, comma-separated (empty: all ${FAMILIES.length}); the benchmark keeps every family`, modes: ['closed-loop', 'no-feedback', 'static'] },
  { key: 'endpoint.baseUrl', label: 'Your model: endpoint URL', kind: 'url', help: 'optional: an OpenAI-compatible server answers instead of the built-in solver, e.g. http://127.0.0.1:8000/v1 (vLLM)' },
  { key: 'endpoint.model', label: 'Your model: name', kind: 'optional', help: 'the model name the server serves; {round} = rounds trained' },
  { key: 'endpoint.apiKeyEnv', label: 'Your model: API key variable', kind: 'optional', help: 'the environment variable holding the key (never the key itself)' },
  { key: 'endpoint.frames', label: 'Your model: frames', kind: 'int', min: 1, max: 128, help: 'images per question, spread along the trajectory' },
  { key: 'trainerCommand', label: 'Your trainer command', kind: 'optional', help: 'optional: run after each round on {dataset} (LLaMA-Factory format); also {round}, {output}, {model}' },
  { key: 'proposer.baseUrl', label: 'LLM proposer: endpoint URL', kind: 'url', help: 'optional: a language model writes a share of the questions and their programs (sandboxed and filtered like the others)' },
  { key: 'proposer.model', label: 'LLM proposer: model', kind: 'optional', help: 'the model name the server serves' },
  { key: 'proposer.share', label: 'LLM proposer: share', kind: 'fraction', help: 'share of each round\'s drafts it writes, in (0, 1)' },
];


export function configToForm(c: LoopConfig): FormValues {
  return {
    name: c.name,
    mode: c.mode,
    scenes: c.scenes.join('\n'),
    heldoutScenes: (c.heldoutScenes ?? []).join('\n'),
    heldoutFraction: String(c.heldoutFraction),
    rounds: String(c.rounds),
    steps: String(c.steps),
    batch: String(c.batch),
    lr: String(c.lr),
    warmupSteps: String(c.warmupSteps),
    'thresholds.easy': String(c.thresholds.easy),
    'thresholds.hard': String(c.thresholds.hard),
    candidates: String(c.candidates),
    acceptPerRound: String(c.acceptPerRound),
    strategy: c.strategy,
    selection: c.selection ?? 'frontier-first',
    staticSamples: String(c.staticSamples),
    benchmarkPerFamily: String(c.benchmarkPerFamily),
    model: c.model,
    executionProvider: c.executionProvider,
    threads: String(c.threads),
    frames: String(c.frames),
    seed: String(c.seed),
    dataSeed: String(c.dataSeed),
    initCheckpoint: String(c.initCheckpoint ?? 0),
    referenceCheckpoint: String(c.referenceCheckpoint ?? 0),
    // Every family is the default, shown as an empty field.
    families: !c.families || c.families.length === FAMILIES.length ? '' : c.families.join(', '),
    'endpoint.baseUrl': c.endpoint?.baseUrl ?? '',
    'endpoint.model': c.endpoint?.model ?? '',
    'endpoint.apiKeyEnv': c.endpoint?.apiKeyEnv ?? DEFAULT_ENDPOINT.apiKeyEnv,
    'endpoint.frames': String(c.endpoint?.frames ?? DEFAULT_ENDPOINT.frames),
    trainerCommand: c.trainerCommand ?? '',
    'proposer.baseUrl': c.proposer?.llm.baseUrl ?? '',
    'proposer.model': c.proposer?.llm.model ?? '',
    'proposer.share': String(c.proposer?.share ?? 0.5),
  };
}

/** Options of a select field, with the current value kept when the host knows one this build does not. */
export function fieldOptions(spec: FieldSpec, current: string): string[] {
  const opts = [...(spec.options ?? [])];
  if (current && !opts.includes(current)) opts.push(current);
  return opts;
}

/** A field's list: one item per line or comma-separated, blanks dropped (scene sources, families). */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export const splitScenes = splitList;

function parseInt10(text: string): number | null {
  const t = text.trim();
  return /^[+-]?\d+$/.test(t) ? Number(t) : null;
}

function parseNum(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** The message for one field, or undefined when it is valid. */
export function validateField(spec: FieldSpec, raw: string): string | undefined {
  switch (spec.kind) {
    case 'text':
      if (raw.trim() === '') return 'required';
      if (raw.length > 120) return 'at most 120 characters';
      return undefined;
    case 'optional':
      return raw.length > 2000 ? 'at most 2000 characters' : undefined;
    case 'url': {
      if (raw.trim() === '') return undefined;
      let url: URL;
      try {
        url = new URL(raw.trim());
      } catch {
        return 'expected an http(s) URL such as http://127.0.0.1:8000/v1';
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return `expected an http(s) URL, found ${url.protocol}`;
      if (url.username || url.password) return 'no credentials in the URL: name the key\'s environment variable below';
      return undefined;
    }
    case 'scenes': {
      const list = splitScenes(raw);
      // Held-out sources are optional: empty means "hold out a fraction of the scenes".
      if (list.length === 0) return spec.key === 'heldoutScenes' ? undefined : 'at least one scene source, e.g. synthetic:8';
      const bad = list.find((s) => !/^[a-z][a-z0-9-]*:.+$/i.test(s));
      if (bad) return `"${bad}" is not a source spec (kind:argument, e.g. synthetic:8 or ply:/data/room.ply)`;
      // The kind is checked here, at the field, with the importers' own list and words, not only by the host's banner.
      const unknown = list.find((s) => !(SOURCE_KINDS as readonly string[]).includes(s.slice(0, s.indexOf(':'))));
      return unknown ? `unknown source "${unknown}": expected one of ${SOURCE_KINDS.map((k) => `${k}:…`).join(', ')}` : undefined;
    }
    case 'families': {
      const list = splitList(raw);
      const unknown = list.find((f) => !(FAMILIES as readonly string[]).includes(f));
      if (unknown !== undefined) return `"${unknown}" is not a question family; expected some of ${FAMILIES.join(', ')}`;
      const twice = list.find((f, i) => list.indexOf(f) !== i);
      if (twice !== undefined) return `"${twice}" is listed twice`;
      return undefined;
    }
    case 'int': {
      const v = parseInt10(raw);
      if (v === null) return `expected a whole number, found "${raw.trim()}"`;
      if (spec.min !== undefined && v < spec.min) return `expected an integer ≥ ${spec.min}`;
      if (spec.max !== undefined && v > spec.max) return `expected an integer ≤ ${spec.max}`;
      if (!Number.isSafeInteger(v)) return 'too large';
      return undefined;
    }
    case 'number': {
      const v = parseNum(raw);
      if (v === null) return `expected a number, found "${raw.trim()}"`;
      if (v <= 0) return 'expected a number > 0';
      if (spec.max !== undefined && v > spec.max) return `expected a number ≤ ${spec.max}`;
      return undefined;
    }
    case 'fraction': {
      const v = parseNum(raw);
      if (v === null) return `expected a number, found "${raw.trim()}"`;
      if (!(v > 0 && v < 1)) return 'expected a fraction strictly between 0 and 1';
      return undefined;
    }
    case 'select':
      if (raw.trim() === '') return 'required';
      if (spec.options && spec.key !== 'strategy' && !spec.options.includes(raw)) return `expected one of ${spec.options.join(', ')}`;
      return undefined;
  }
}

export type FormResult = { ok: true; config: LoopConfig } | { ok: false; errors: FormErrors };

/** The first field with an error in the form's own order: where a failed submit takes the user. */
export function firstErrorKey(errors: FormErrors): FormKey | undefined {
  return FIELDS.find((f) => errors[f.key] !== undefined)?.key;
}

/**
 * Validates the form; the config starts from `base` (the host's defaults) so settings this form does not show
 * (added by a newer host) keep their default values.
 */
export function validateForm(values: FormValues, base?: LoopConfig): FormResult {
  const errors: FormErrors = {};
  for (const spec of FIELDS) {
    const msg = validateField(spec, values[spec.key]);
    if (msg) errors[spec.key] = msg;
  }
  if (!errors['thresholds.easy'] && !errors['thresholds.hard']) {
    if (Number(values['thresholds.hard']) >= Number(values['thresholds.easy'])) {
      errors['thresholds.hard'] = 'must be below the easy threshold';
    }
  }
  if (!errors.warmupSteps && !errors.steps && !errors.rounds) {
    const total = Number(values.steps) * Number(values.rounds);
    if (Number(values.warmupSteps) > total) errors.warmupSteps = `more than all ${total} steps of the run`;
  }
  const baseUrl = values['endpoint.baseUrl'].trim();
  if (baseUrl !== '' && !errors['endpoint.baseUrl']) {
    if (values['endpoint.model'].trim() === '') errors['endpoint.model'] = 'required with an endpoint';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(values['endpoint.apiKeyEnv'].trim())) errors['endpoint.apiKeyEnv'] = 'expected the name of an environment variable (letters, digits, _)';
  }
  const trainer = values.trainerCommand.trim();
  if (trainer !== '') {
    if (baseUrl === '') errors.trainerCommand = 'a trainer fine-tunes your model: set the endpoint URL too';
    else if (!trainer.includes('{dataset}')) errors.trainerCommand = 'expected {dataset}: where the round\'s samples are';
  }
  const proposerUrl = values['proposer.baseUrl'].trim();
  if (proposerUrl !== '' && !errors['proposer.baseUrl'] && values['proposer.model'].trim() === '') errors['proposer.model'] = 'required with an LLM proposer';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const int = (k: FormKey): number => Number(values[k].trim());
  const num = (k: FormKey): number => Number(values[k].trim());
  const config: LoopConfig = {
    ...base,
    name: values.name.trim(),
    mode: values.mode as LoopMode,
    scenes: splitScenes(values.scenes),
    heldoutScenes: splitScenes(values.heldoutScenes),
    heldoutFraction: num('heldoutFraction'),
    rounds: int('rounds'),
    steps: int('steps'),
    batch: int('batch'),
    lr: num('lr'),
    warmupSteps: int('warmupSteps'),
    thresholds: { easy: num('thresholds.easy'), hard: num('thresholds.hard') },
    candidates: int('candidates'),
    acceptPerRound: int('acceptPerRound'),
    strategy: values.strategy,
    selection: values.selection as LoopConfig['selection'],
    staticSamples: int('staticSamples'),
    benchmarkPerFamily: int('benchmarkPerFamily'),
    model: values.model as ModelPreset,
    executionProvider: values.executionProvider as LoopConfig['executionProvider'],
    threads: int('threads'),
    frames: int('frames'),
    seed: int('seed'),
    dataSeed: int('dataSeed'),
    initCheckpoint: int('initCheckpoint'),
    referenceCheckpoint: int('referenceCheckpoint'),
    extraLabels: base?.extraLabels ?? [],
    balance: base?.balance ?? 'none',
    families: splitList(values.families).length === 0 ? [...FAMILIES] : (FAMILIES.filter((f) => splitList(values.families).includes(f)) as LoopConfig['families']),
    // The form shows the endpoint's main settings; the rest (concurrency, timeouts, retries) keep the host's values.
    endpoint:
      baseUrl === ''
        ? null
        : {
            ...(base?.endpoint ?? DEFAULT_ENDPOINT),
            baseUrl,
            model: values['endpoint.model'].trim(),
            apiKeyEnv: values['endpoint.apiKeyEnv'].trim(),
            frames: int('endpoint.frames'),
          },
    trainerCommand: trainer === '' ? null : trainer,
    proposer:
      proposerUrl === ''
        ? null
        : {
            share: num('proposer.share'),
            llm: { ...(base?.proposer?.llm ?? DEFAULT_PROPOSER_MODEL), baseUrl: proposerUrl, model: values['proposer.model'].trim() },
          },
    // Waiting for a hand-registered model is set from the CLI (--await-model); the form keeps the host's value.
    awaitModel: baseUrl !== '' && trainer === '' ? (base?.awaitModel ?? false) : false,
  };
  return { ok: true, config };
}

export function visibleFields(mode: string): FieldSpec[] {
  return FIELDS.filter((f) => !f.modes || f.modes.includes(mode as LoopMode));
}
