/**
 * `npm run loop -- [options]`: the main job without a window. Runs the closed loop (or a baseline) end to end,
 * shows progress with rates and an ETA, prints the per-iteration table and where the run is stored. Ctrl-C
 * stops at a safe point and prints the command that resumes the run.
 */
import { InputError } from '../../shared/errors.js';
import type { IterationSummary, LoopConfigInput, LoopEvent, LoopMode } from '../../shared/loop.js';
import { LOOP_MODES } from '../../shared/loop.js';
import { DEFAULT_LOOP_CONFIG, resumeLoop, startLoop } from '../loop/index.js';
import { listMetrics, openStore } from '../store/index.js';
import { resolveWorkspaceDir } from '../store/workspace.js';
import { flag, parseArgs, rejectUnknownFlags, type ParsedArgs } from './args.js';
import { runCli } from './main.js';
import { ProgressView } from './progressView.js';

const USAGE = `usage: npm run loop -- [--scenes SOURCE]… [--mode ${LOOP_MODES.join('|')}] [--iterations T] [--steps K] [--batch B]
                     [--lr X] [--candidates N] [--static-samples N] [--strategy NAME] [--model default|large|tiny]
                     [--provider cpu|cuda] [--threads N] [--seed N] [--data-seed N] [--name TEXT]
                     [--from-checkpoint ID] [--workspace DIR | --db DIR] [--resume RUN_ID] [--quiet]
  SOURCE: synthetic:N | vsibench:<meta_info.json> | scannet:<scan dir> | arkitscenes:<scene dir> | ply:<file>
  default: ${DEFAULT_LOOP_CONFIG.scenes.join(' ')}, ${DEFAULT_LOOP_CONFIG.iterations} rounds × ${DEFAULT_LOOP_CONFIG.steps} steps × batch ${DEFAULT_LOOP_CONFIG.batch}`;

const KNOWN = [
  'scenes', 'mode', 'iterations', 'steps', 'batch', 'lr', 'candidates', 'static-samples', 'strategy', 'model', 'provider', 'threads',
  'seed', 'data-seed', 'name', 'workspace', 'db', 'resume', 'quiet', 'debug', 'heldout-fraction', 'benchmark-per-family', 'frames', 'warmup', 'from-checkpoint',
];

function num(args: ParsedArgs, name: string, integer: boolean): number | undefined {
  const v = flag(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new InputError({ field: `--${name}`, message: `expected ${integer ? 'a whole number' : 'a number'}, found "${v}"` });
  }
  return n;
}

function configFromArgs(args: ParsedArgs): LoopConfigInput {
  const c: LoopConfigInput = {};
  const scenes = args.flags.get('scenes');
  if (scenes) c.scenes = scenes.flatMap((s) => s.split(',')).filter((s) => s !== '');
  const mode = flag(args, 'mode');
  if (mode !== undefined) c.mode = mode as LoopMode;
  const ints: [string, keyof LoopConfigInput][] = [
    ['iterations', 'iterations'],
    ['steps', 'steps'],
    ['batch', 'batch'],
    ['candidates', 'candidates'],
    ['static-samples', 'staticSamples'],
    ['threads', 'threads'],
    ['seed', 'seed'],
    ['data-seed', 'dataSeed'],
    ['benchmark-per-family', 'benchmarkPerFamily'],
    ['frames', 'frames'],
    ['warmup', 'warmupSteps'],
    ['from-checkpoint', 'initCheckpoint'],
  ];
  for (const [f, key] of ints) {
    const v = num(args, f, true);
    if (v !== undefined) (c as Record<string, unknown>)[key] = v;
  }
  const lr = num(args, 'lr', false);
  if (lr !== undefined) c.lr = lr;
  const held = num(args, 'heldout-fraction', false);
  if (held !== undefined) c.heldoutFraction = held;
  const strategy = flag(args, 'strategy');
  if (strategy !== undefined) c.strategy = strategy;
  const model = flag(args, 'model');
  if (model !== undefined) c.model = model as LoopConfigInput['model'] & string;
  const provider = flag(args, 'provider');
  if (provider !== undefined) c.executionProvider = provider as 'cpu' | 'cuda';
  const name = flag(args, 'name');
  c.name = name ?? (mode && mode !== 'closed-loop' ? mode : DEFAULT_LOOP_CONFIG.name);
  return c;
}

const pct = (v: number | undefined | null): string => (v === undefined || v === null ? '—' : (100 * v).toFixed(1));

export function iterationTable(rows: readonly IterationSummary[]): string {
  const head = ['round', 'proposed', 'accepted', 'easy', 'frontier', 'hard', 'trained', 'seen', 'loss', 'held-out', 'time'];
  const body = rows.map((r) => {
    const answered = r.counts.easy + r.counts.frontier + r.counts.hard;
    const share = (n: number) => (answered > 0 ? `${((100 * n) / answered).toFixed(0)}%` : '—');
    return [
      String(r.iteration),
      String(r.counts.proposed),
      String(r.counts.accepted),
      share(r.counts.easy),
      share(r.counts.frontier),
      share(r.counts.hard),
      String(r.trainedSamples),
      String(r.samplesSeen),
      r.meanLoss === null ? '—' : r.meanLoss.toFixed(3),
      pct(r.heldout?.overall),
      `${(r.ms / 1000).toFixed(1)} s`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '─'.repeat(w))), ...body.map(line)].join('\n');
}

function familyTable(last: IterationSummary | undefined): string {
  if (!last?.heldout) return '';
  const rows = last.heldout.families.map((f) => `  ${f.family.padEnd(30)} ${pct(f.score).padStart(6)}  (n=${f.n})`);
  return `held-out score per family after round ${last.iteration} (accuracy % for choice, MRA % for numeric):\n${rows.join('\n')}\n  ${'overall (VSI-Bench style)'.padEnd(30)} ${pct(last.heldout.overall).padStart(6)}\n`;
}

runCli(async () => {
  const args = parseArgs(process.argv.slice(2), ['debug', 'quiet']);
  if (args.positionals.length > 0) throw new InputError({ message: `unexpected argument "${args.positionals[0]}"\n${USAGE}` });
  rejectUnknownFlags(args, KNOWN);
  const dirFlag = flag(args, 'workspace') ?? flag(args, 'db');
  const workspaceDir = resolveWorkspaceDir(dirFlag !== undefined ? { flag: dirFlag } : {});
  const store = openStore({ workspaceDir });
  const quiet = flag(args, 'quiet') === 'true';
  const view = new ProgressView(process.stderr, quiet);
  const summaries: IterationSummary[] = [];
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
    if (e.type === 'iteration') {
      summaries.push(e.summary);
      if (!quiet) view.note(`round ${e.summary.iteration}: held-out ${pct(e.summary.heldout?.overall)}, ${e.summary.trainedSamples} samples trained`);
    }
  };
  try {
    const resume = flag(args, 'resume');
    if (resume !== undefined && args.flags.size > [...args.flags.keys()].filter((k) => ['resume', 'workspace', 'db', 'quiet', 'debug'].includes(k)).length) {
      throw new InputError({ field: '--resume', message: 'a resumed run keeps its recorded settings; pass only --resume and --workspace' });
    }
    const handle = resume !== undefined ? await resumeLoop(store, resume, { onEvent, signal: controller.signal }) : await startLoop(store, configFromArgs(args), { onEvent, signal: controller.signal });
    process.stdout.write(`${resume !== undefined ? 'resuming' : 'started'} run ${handle.runId}\n`);
    const run = await handle.done;
    view.finish();
    const base = listMetrics(store, { runId: run.id, iteration: 0 }).find((m) => m.metric === 'base_score' && m.family === null);
    process.stdout.write(`\n${iterationTable(summaries)}\n${base ? `(untrained model: held-out ${pct(base.value)})\n` : ''}\n${familyTable(summaries[summaries.length - 1])}`);
    process.stdout.write(`\nrun ${run.id}: ${run.status}${run.error ? ` — ${run.error}` : ''}\nprovider: ${run.provider}\nstored in ${store.dbPath}\n`);
    if (run.status === 'paused') process.stdout.write(`resume with: npm run loop -- --resume ${run.id}${dirFlag !== undefined ? ` --workspace ${dirFlag}` : ''}\n`);
    if (run.status === 'failed') process.exitCode = 1;
  } finally {
    process.off('SIGINT', onSigint);
    store.close();
  }
});
