/**
 * `npm run loop -- [options]`: the main job without a window. Runs the closed loop (or a baseline) end to end,
 * shows progress with rates and an ETA, prints the per-round table and where the run is stored. Ctrl-C
 * stops at a safe point and prints the command that resumes the run.
 */
import { InputError } from '../../shared/errors.js';
import type { RoundSummary, LoopConfigInput, LoopEvent, LoopMode } from '../../shared/loop.js';
import { LOOP_MODES } from '../../shared/loop.js';
import { BASE_PROTOCOL, BASE_SCORE_METRIC, BUILTIN_TARGET, MAIN_JOB, ensureBaseFor, ensureModel, heldoutByRound, referenceModelSettings, resolveLoopConfig, resumeLoop, startLoop, storedLoopConfig, type LoopHandle } from '../loop/index.js';
import { loadRunScenesAhead, type ScenesAhead } from '../loop/scenesAhead.js';
import { STRATEGY_NAMES } from '../proposer/controller/index.js';
import { diskFullError, isDiskFull, isStoreError, listMetrics, openStore, type Store } from '../store/index.js';
import { resolveWorkspaceDir } from '../store/workspace.js';
import { registerNextModel } from '../loop/handoff.js';
import { benchmarkDebias, solverOnBoth } from '../loop/debiased.js';
import { headlineSet } from '../loop/metrics.js';
import { listBenchmarkQuestions } from '../store/benchmarks.js';
import { flag, parseArgs, type FlagSpec, type ParsedArgs } from './args.js';
import { familyRows, intervalText, pct } from './heldoutText.js';
import { runCli } from './main.js';
import { ProgressView } from './progressView.js';
import { INT_SETTING_FLAGS } from './settingFlags.js';
import { printableText } from './terminalText.js';
// ── LLM proposer flags (proposerFlags.ts) ──
import { PROPOSER_FLAGS, PROPOSER_USAGE, applyProposerFlags, proposerRoundNote } from './proposerFlags.js';

const USAGE = `usage: npm run loop -- [--scenes SOURCE]… [--heldout-scenes SOURCE]… [--mode ${LOOP_MODES.join('|')}] [--rounds T]
                     [--steps K] [--batch B] [--lr X] [--candidates N] [--static-samples N] [--strategy RULE]
                     [--selection frontier-first|all-but-easy|top-score] [--balance none|family] [--families F,F,…] [--reference-checkpoint ID]
                     [--base synthetic|none] [--model default|large|tiny] [--provider cpu|cuda] [--threads N]
                     [--seed N] [--data-seed N] [--name TEXT] [--from-checkpoint ID] [--workspace DIR | --db DIR]
                     [--resume RUN_ID] [--propose-ahead on|off] [--quiet]
                     [--endpoint URL --endpoint-model NAME [--endpoint-key-env VAR] [--endpoint-frames N] [--endpoint-concurrency N]
                      [--trainer 'COMMAND {dataset} {round} {output} {model}' | --await-model]]
${PROPOSER_USAGE}
                     --resume RUN_ID --endpoint-model NAME: register the model trained on a waiting run's export, and go on
  SOURCE: synthetic:N | vsibench:builtin | vsibench:<meta_info.json> | scannet:<scan dir> | arkitscenes:<scene dir> | ply:<file>,
          any of them cut by scene with ?part=train|reference|heldout
  RULE:   ${STRATEGY_NAMES.join(' | ')}
  F:      a question family the loop proposes and trains on (default: all); the benchmark keeps every family
  --propose-ahead: a worker thread proposes each round while the round before trains and is scored (same results;
          default: on with --provider cuda, or when --threads leaves a core free)
  default (the main job): ${MAIN_JOB.scenes!.join(' ')}, held out ${MAIN_JOB.heldoutScenes!.join(' ')},
          ${MAIN_JOB.rounds} rounds × ${MAIN_JOB.steps} steps × batch ${MAIN_JOB.batch} from the base model (--base synthetic: pretrained once
          on ${BASE_PROTOCOL.scenes!.join(' ')} and reused), rule ${MAIN_JOB.strategy}`;

const SWITCHES = new Set(['quiet', 'debug', 'await-model']);
const FLAGS: FlagSpec = Object.fromEntries(
  [
    'scenes', 'heldout-scenes', 'mode', 'rounds', 'steps', 'batch', 'lr', 'candidates', 'static-samples', 'strategy', 'selection', 'model', 'provider', 'threads',
    'seed', 'data-seed', 'name', 'workspace', 'db', 'resume', 'quiet', 'debug', 'heldout-fraction', 'benchmark-per-family', 'frames', 'warmup', 'from-checkpoint',
    'reference-checkpoint', 'base', 'balance', 'families', 'endpoint', 'endpoint-model', 'endpoint-key-env', 'endpoint-frames', 'endpoint-concurrency', 'trainer', 'await-model',
    'propose-ahead',
    // ── LLM proposer flags (proposerFlags.ts) ──
    ...PROPOSER_FLAGS,
  ].map((name) => [name, SWITCHES.has(name) ? 'boolean' : 'string']),
);

function num(args: ParsedArgs, name: string, integer: boolean): number | undefined {
  const v = flag(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new InputError({ field: `--${name}`, message: `expected ${integer ? 'a whole number' : 'a number'}, found "${v}"` });
  }
  return n;
}

const sources = (values: string[] | undefined): string[] | undefined => values?.flatMap((s) => s.split(',')).filter((s) => s !== '');

/** The run's settings: the main job's, with what the flags say on top (new scenes drop its held-out sources). */
function configFromArgs(args: ParsedArgs): LoopConfigInput {
  const c: LoopConfigInput = { ...MAIN_JOB };
  const scenes = sources(args.flags.get('scenes'));
  if (scenes) {
    c.scenes = scenes;
    c.heldoutScenes = [];
  }
  const heldout = sources(args.flags.get('heldout-scenes'));
  if (heldout) c.heldoutScenes = heldout;
  const mode = flag(args, 'mode');
  if (mode !== undefined) c.mode = mode as LoopMode;
  for (const [f, key] of INT_SETTING_FLAGS) {
    const v = num(args, f, true);
    if (v !== undefined) (c as Record<string, unknown>)[key] = v;
  }
  const lr = num(args, 'lr', false);
  if (lr !== undefined) c.lr = lr;
  const held = num(args, 'heldout-fraction', false);
  if (held !== undefined) c.heldoutFraction = held;
  const strategy = flag(args, 'strategy');
  if (strategy !== undefined) {
    c.strategy = strategy;
    // The rule brings its own training selection unless --selection says otherwise.
    delete c.selection;
  }
  const balance = flag(args, 'balance');
  if (balance !== undefined) c.balance = balance as LoopConfigInput['balance'] & string;
  // Comma-separated; the loop's validator names an unknown or repeated one.
  const families = flag(args, 'families');
  if (families !== undefined) c.families = families.split(',').map((f) => f.trim()) as LoopConfigInput['families'] & string[];
  const selection = flag(args, 'selection');
  if (selection !== undefined) c.selection = selection as LoopConfigInput['selection'] & string;
  const model = flag(args, 'model');
  if (model !== undefined) c.model = model as LoopConfigInput['model'] & string;
  const provider = flag(args, 'provider');
  if (provider !== undefined) c.executionProvider = provider as 'cpu' | 'cuda';
  const name = flag(args, 'name');
  c.name = name ?? (mode && mode !== 'closed-loop' ? mode : MAIN_JOB.name!);
  const endpoint = flag(args, 'endpoint');
  const endpointModel = flag(args, 'endpoint-model');
  const endpointOnly = ['endpoint-model', 'endpoint-key-env', 'endpoint-frames', 'endpoint-concurrency', 'trainer', 'await-model'].find((f) => args.flags.has(f));
  if (endpoint === undefined && endpointOnly !== undefined) throw new InputError({ field: `--${endpointOnly}`, message: 'belongs to a model behind an endpoint: pass --endpoint URL too' });
  if (endpoint !== undefined) {
    if (endpointModel === undefined) throw new InputError({ field: '--endpoint-model', message: 'missing: the model name the server serves (e.g. Qwen/Qwen2.5-VL-7B-Instruct)' });
    const keyEnv = flag(args, 'endpoint-key-env');
    const frames = num(args, 'endpoint-frames', true);
    const concurrency = num(args, 'endpoint-concurrency', true);
    c.endpoint = {
      baseUrl: endpoint,
      model: endpointModel,
      ...(keyEnv !== undefined ? { apiKeyEnv: keyEnv } : {}),
      ...(frames !== undefined ? { frames } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
    };
    const trainer = flag(args, 'trainer');
    if (trainer !== undefined) c.trainerCommand = trainer;
    if (flag(args, 'await-model') === 'true') c.awaitModel = true;
    // The main job's rule compares with the built-in solver's own models; an endpoint model is asked with learnability.
    if (c.strategy === 'reducible-loss' && strategy === undefined) {
      c.strategy = 'learnability';
      delete c.selection;
    }
  }
  // ── LLM proposer flags (proposerFlags.ts) ──
  applyProposerFlags(args, c);
  return c;
}

/** `--propose-ahead on|off`: a worker thread proposes each round while the one before trains (loop/ahead.ts); unset, `aheadByDefault`. */
function proposeAheadOption(args: ParsedArgs): { proposeAhead?: boolean } {
  const v = flag(args, 'propose-ahead');
  if (v === undefined) return {};
  if (v !== 'on' && v !== 'off') throw new InputError({ field: '--propose-ahead', message: `expected on or off, found "${v}"` });
  return { proposeAhead: v === 'on' };
}

/**
 * Fills in the models the run starts from or compares with, making them first when the workspace has none:
 * the base (unless --base none or --from-checkpoint) and, for the reducible-loss rule on the built-in target,
 * the irreducible-loss model trained from the base on the target's reference part.
 */
async function withModels(store: Store, c: LoopConfigInput, base: string, view: ProgressView, signal: AbortSignal): Promise<{ input: LoopConfigInput; scenesAhead?: ScenesAhead }> {
  if (base !== 'synthetic' && base !== 'none') throw new InputError({ field: '--base', message: `expected synthetic or none, found "${base}"` });
  // Validate every flag before training anything; the one setting this function may still fill in (the
  // irreducible-loss model) is stood in for by a placeholder id so its absence is not reported as an error.
  const config = resolveLoopConfig(c.strategy === 'reducible-loss' && !c.referenceCheckpoint ? { ...c, referenceCheckpoint: 1 } : c);
  const out: LoopConfigInput = { ...c };
  const onEvent = (what: string) => (e: LoopEvent) => {
    if (e.type === 'progress' || e.type === 'log') view.event(e);
    else if (e.type === 'stage' && e.phase === 'end' && e.stage === 'evaluate' && e.round >= 0) view.note(`${what}: round ${e.round} ${e.detail ?? ''}`);
  };
  // An endpoint's model is the researcher's own: there is no built-in base model to make.
  let scenesAhead: ScenesAhead | undefined;
  if (base === 'synthetic' && config.initCheckpoint === 0 && config.endpoint === null) {
    // The run's own scenes are read and synthesised on another core while this one imports or checks the base.
    scenesAhead = loadRunScenesAhead(config);
    view.note(`base model: pretrained on ${BASE_PROTOCOL.scenes!.join(' ')} once per workspace (reused when it exists, imported when the app ships it)…`);
    const model = await ensureBaseFor(store, config, { onEvent: onEvent('base model'), signal });
    view.note(`base model: ${model.shipped ? 'imported the shipped' : model.reused ? 'reused' : 'trained'} run ${model.run.id}, checkpoint ${model.checkpointId}`);
    out.initCheckpoint = model.checkpointId;
  }
  if (config.mode === 'closed-loop' && config.strategy === 'reducible-loss' && !c.referenceCheckpoint) {
    const builtin = config.scenes.every((s) => (BUILTIN_TARGET.train as readonly string[]).includes(s));
    if (!builtin || !out.initCheckpoint) {
      throw new InputError({ field: '--reference-checkpoint', message: 'reducible-loss needs an irreducible-loss model: pass the id of a checkpoint trained on a separate slice of your target (made automatically only for the built-in target from the base)' });
    }
    const model = await ensureModel(
      store,
      { ...out, ...referenceModelSettings(BUILTIN_TARGET.reference, config.steps) },
      { onEvent: onEvent('irreducible-loss model'), signal },
    );
    out.referenceCheckpoint = model.checkpointId;
  }
  return { input: out, ...(scenesAhead ? { scenesAhead } : {}) };
}


export function roundTable(rows: readonly RoundSummary[]): string {
  const head = ['round', 'proposed', 'accepted', 'easy', 'frontier', 'hard', 'trained', 'seen', 'loss', 'held-out', '95% CI', 'time'];
  const body = rows.map((r) => {
    const answered = r.counts.easy + r.counts.frontier + r.counts.hard;
    const share = (n: number) => (answered > 0 ? `${((100 * n) / answered).toFixed(0)}%` : '—');
    return [
      String(r.round),
      String(r.counts.proposed),
      String(r.counts.accepted),
      share(r.counts.easy),
      share(r.counts.frontier),
      share(r.counts.hard),
      String(r.trainedSamples),
      String(r.samplesSeen),
      r.meanLoss === null ? '—' : r.meanLoss.toFixed(3),
      pct(r.heldout?.overall),
      intervalText(r.heldout),
      `${(r.ms / 1000).toFixed(1)} s`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '─'.repeat(w))), ...body.map(line)].join('\n');
}

function familyTable(last: RoundSummary | undefined): string {
  if (!last?.heldout) return '';
  const rows = familyRows(last.heldout);
  return `held-out score per family after round ${last.round} (accuracy % for choice, MRA % for numeric):\n${rows.join('\n')}\n  ${'overall (VSI-Bench style)'.padEnd(30)} ${pct(last.heldout.overall).padStart(6)}\n`;
}

/** The solver and the blind baseline on the full and the debiased benchmark (loop/debiased.ts), overall. */
function debiasedText(store: Store, runId: string): string {
  const metrics = listMetrics(store, { runId });
  const setId = headlineSet(metrics);
  const solver = solverOnBoth(metrics);
  if (setId === undefined || !solver?.debiased) return '';
  const d = benchmarkDebias(listBenchmarkQuestions(store, setId));
  return (
    `debiased held-out (${d.questions.debiased} of ${d.questions.full} questions: those the blind baseline answers confidently removed): ` +
    `solver ${pct(solver.debiased.overall)} (95% CI ${intervalText(solver.debiased)}) vs ${pct(solver.full.overall)} on the full set; ` +
    `blind baseline ${pct(d.blind.debiased.overall)} vs ${pct(d.blind.full.overall)} (per family: npm run exchange -- export-benchmark)\n`
  );
}

/** A path as one shell word, quoted only when it needs to be, so the printed resume command can be pasted. */
const shellWord = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

runCli(async () => {
  const args = parseArgs(process.argv.slice(2), FLAGS);
  if (args.positionals.length > 0) throw new InputError({ message: `unexpected argument "${args.positionals[0]}"\n${USAGE}` });
  const dirFlag = flag(args, 'workspace') ?? flag(args, 'db');
  const workspaceDir = resolveWorkspaceDir(dirFlag !== undefined ? { flag: dirFlag } : {});
  const store = openStore({ workspaceDir });
  const quiet = flag(args, 'quiet') === 'true';
  const view = new ProgressView(process.stderr, quiet);
  const summaries: RoundSummary[] = [];
  const controller = new AbortController();
  let interrupted = 0;
  const onSigint = (): void => {
    interrupted++;
    if (interrupted > 1) process.exit(130);
    view.note('stopping at the next safe point (Ctrl-C again to quit at once; the last committed stage is kept)…');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const onEvent = (e: LoopEvent): void => {
    view.event(e);
    if (e.type === 'round') {
      summaries.push(e.summary);
      if (!quiet) view.note(`round ${e.summary.round}: held-out ${pct(e.summary.heldout?.overall)} (95% CI ${intervalText(e.summary.heldout)}), ${e.summary.trainedSamples} samples trained`);
      // ── LLM proposer (proposerFlags.ts): its acceptance and rejection reasons per round ──
      const llmNote = proposerRoundNote(e.summary);
      if (llmNote !== '') view.note(llmNote);
    }
  };
  try {
    const resume = flag(args, 'resume');
    if (resume !== undefined && args.flags.size > [...args.flags.keys()].filter((k) => ['resume', 'workspace', 'db', 'quiet', 'debug', 'endpoint-model', 'propose-ahead'].includes(k)).length) {
      throw new InputError({ field: '--resume', message: 'a resumed run keeps its recorded settings; pass only --resume and --workspace (and --endpoint-model for a run awaiting its next model)' });
    }
    const nextModel = flag(args, 'endpoint-model');
    if (resume !== undefined && nextModel !== undefined) {
      const { round } = registerNextModel(store, resume, nextModel);
      process.stdout.write(`registered ${nextModel} as the model trained on round ${round}'s samples\n`);
    }
    const options = { onEvent, signal: controller.signal, ...proposeAheadOption(args) };
    let handle: LoopHandle;
    if (resume !== undefined) handle = await resumeLoop(store, resume, options);
    else {
      const { input, scenesAhead } = await withModels(store, configFromArgs(args), flag(args, 'base') ?? 'synthetic', view, controller.signal);
      handle = await startLoop(store, input, { ...options, ...(scenesAhead ? { scenesAhead } : {}) });
    }
    process.stdout.write(`${resume !== undefined ? 'resuming' : 'started'} run ${handle.runId}\n`);
    const resumeCommand = (id: string): string => `npm run loop -- --resume ${id} --workspace ${shellWord(workspaceDir)}`;
    let run;
    try {
      run = await handle.done;
    } catch (e) {
      if (!isStoreError(e, 'disk-full')) throw e;
      // The disk filled up and even marking the run paused failed: say so here, since the store could not.
      view.finish();
      process.stderr.write(`error: ${printableText(e.message)}\n`);
      process.stdout.write(`\nrun ${handle.runId}: stopped, disk full (still marked running)\nworkspace: ${workspaceDir}\nresume with: ${resumeCommand(handle.runId)}\n`);
      process.exitCode = 1;
      return;
    }
    view.finish();
    const start = [...heldoutByRound(listMetrics(store, { runId: run.id }), BASE_SCORE_METRIC).values()][0];
    const from = storedLoopConfig(run.config).initCheckpoint > 0 ? 'starting model' : 'untrained model';
    process.stdout.write(`\n${roundTable(summaries)}\n${start ? `(${from}: held-out ${pct(start.overall)}, 95% CI ${intervalText(start)})\n` : ''}\n${familyTable(summaries[summaries.length - 1])}`);
    process.stdout.write(debiasedText(store, run.id));
    process.stdout.write(`\nrun ${run.id}: ${run.status}${run.error ? ` — ${run.error}` : ''}\nprovider: ${run.provider}\nstored in ${store.dbPath}\n`);
    if (run.status === 'paused') process.stdout.write(`resume with: ${resumeCommand(run.id)}\n`);
    // Paused by a full disk (error recorded) is a stop the user did not ask for: non-zero, like a failure.
    if (run.status === 'failed' || (run.status === 'paused' && run.error !== null)) process.exitCode = 1;
  } catch (e) {
    // A full disk before the run exists (saving its scenes, training the base model): name the file and workspace.
    throw isDiskFull(e) ? diskFullError(e, { workspaceDir, target: store.dbPath }) : e;
  } finally {
    process.off('SIGINT', onSigint);
    store.close();
  }
}, USAGE);
