/**
 * `npm run experiment -- [--preset quick|reference] [--seeds 0,1,2,3,4] [--arms reference,learnability,…]
 *  [--scenes SOURCE]… [--heldout-scenes SOURCE]… [--reference-scenes SOURCE]… [--out DIR] [--workspace DIR] [--fresh]`:
 * the data-efficiency experiment from one base model (README › The data-efficiency experiment). Completed
 * runs with identical settings in the workspace are reused, so an interrupted experiment continues where it
 * stopped (--fresh runs every arm again); the base and the irreducible-loss model are made once.
 */
import { join } from 'node:path';
import { InputError } from '../../shared/errors.js';
import type { LoopConfig } from '../../shared/loop.js';
import { familyTable, summaryTable, writeExperiment } from '../experiment/artifacts.js';
import { PRESET_NAMES, type PresetName, baseOnTarget, experimentProtocol, protocolArms, runExperiment } from '../experiment/experiment.js';
import { openStore } from '../store/index.js';
import { resolveWorkspaceDir } from '../store/workspace.js';
import { flag, parseArgs } from './args.js';
import { pct } from './heldoutText.js';
import { runCli } from './main.js';
import { ProgressView } from './progressView.js';

const list = (values: string[] | undefined): string[] | undefined => values?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');

/** The arms' keys, for the usage and for checking --arms. */
function armKeys(): string[] {
  const { standard, equalCompute, exploratory } = protocolArms({});
  return [...standard, ...equalCompute, ...exploratory].map((a) => a.key);
}

const usage = (): string => `usage: npm run experiment -- [--preset ${PRESET_NAMES.join('|')}] [--seeds 0,1,2,3,4] [--arms A,A,…] [--scenes SOURCE]…
                           [--heldout-scenes SOURCE]… [--reference-scenes SOURCE]… [--model default|large|tiny]
                           [--provider cpu|cuda] [--out DIR] [--workspace DIR] [--fresh] [--quiet]
  the data-efficiency experiment from one base model: every arm × seed, then the summary (README › The
  data-efficiency experiment). Completed runs with identical settings are reused, so an interrupted experiment
  continues where it stopped; --fresh runs every arm again.
  A: ${armKeys().join(', ')}`;

runCli(async () => {
  const args = parseArgs(process.argv.slice(2), {
    preset: 'string',
    seeds: 'string',
    arms: 'string',
    scenes: 'string',
    'heldout-scenes': 'string',
    'reference-scenes': 'string',
    out: 'string',
    workspace: 'string',
    quiet: 'boolean',
    debug: 'boolean',
    model: 'string',
    provider: 'string',
    fresh: 'boolean',
  });
  const preset = flag(args, 'preset') ?? 'quick';
  if (!(PRESET_NAMES as string[]).includes(preset)) throw new InputError({ field: '--preset', message: `expected one of ${PRESET_NAMES.join(', ')}, found "${preset}"` });
  const seedsText = flag(args, 'seeds');
  const seeds = seedsText?.split(',').map((s) => Number(s.trim()));
  if (seeds && (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0))) throw new InputError({ field: '--seeds', message: `expected whole numbers separated by commas, found "${seedsText}"` });
  const arms = list(args.flags.get('arms'));
  if (arms) {
    const keys = armKeys();
    const bad = arms.find((a) => !keys.includes(a));
    if (bad) throw new InputError({ field: '--arms', message: `unknown arm "${bad}"; expected some of ${keys.join(', ')}` });
  }
  const protocol = experimentProtocol(preset as PresetName, {
    ...(list(args.flags.get('scenes')) ? { scenes: list(args.flags.get('scenes'))! } : {}),
    ...(list(args.flags.get('heldout-scenes')) ? { heldoutScenes: list(args.flags.get('heldout-scenes'))! } : {}),
    ...(list(args.flags.get('reference-scenes')) ? { referenceScenes: list(args.flags.get('reference-scenes'))! } : {}),
    ...(seeds ? { seeds } : {}),
    ...(arms ? { arms } : {}),
    ...(flag(args, 'model') ? { model: flag(args, 'model') as LoopConfig['model'] } : {}),
    ...(flag(args, 'provider') ? { executionProvider: flag(args, 'provider') as LoopConfig['executionProvider'] } : {}),
  });
  const dirFlag = flag(args, 'workspace');
  const workspaceDir = resolveWorkspaceDir(dirFlag !== undefined ? { flag: dirFlag } : {});
  const outDir = flag(args, 'out') ?? join(workspaceDir, 'experiments', new Date().toISOString().replace(/[:.]/g, '-'));
  const store = openStore({ workspaceDir });
  const view = new ProgressView(process.stderr, flag(args, 'quiet') === 'true');
  const controller = new AbortController();
  process.on('SIGINT', () => controller.abort());
  try {
    process.stdout.write(`experiment (${preset}): ${protocol.arms.map((a) => a.name).join(', ')} × seeds ${protocol.seeds.join(', ')}\n`);
    const t0 = performance.now();
    const result = await runExperiment(store, protocol, {
      reuse: flag(args, 'fresh') !== 'true',
      signal: controller.signal,
      onEvent: (what, e) => {
        if (e.type === 'progress' || e.type === 'log') view.event(e);
        if (e.type === 'stage' && e.phase === 'start' && e.stage === 'propose' && e.round === 0) view.note(`${what}: started`);
      },
      onModel: (what, m) =>
        view.note(`${what === 'base' ? 'base model' : 'irreducible-loss model'}${m.reused ? ' (reused)' : ''}: run ${m.runId}, checkpoint ${m.checkpointId}, ${(m.wallMs / 1000).toFixed(0)} s`),
      onRunDone: (r) =>
        view.note(
          `${r.arm}, seed ${r.seed}${r.reused ? ' (reused)' : ''}: ${r.status}${r.error ? ` (${r.error})` : ''} — held-out ${pct(r.final.overall)}` +
            `${r.final.interval ? ` [${pct(r.final.interval.lo)}, ${pct(r.final.interval.hi)}]` : ''} with ${r.samplesUsed} samples in ${(r.wallMs / 1000).toFixed(0)} s (run ${r.runId})`,
        ),
    });
    view.finish();
    const report = writeExperiment(outDir, result);
    const base = baseOnTarget(result.runs);
    process.stdout.write(`\n${base ? `base model on the held-out benchmark: ${pct(base.overall)}\n\n` : ''}${summaryTable(report.summaries, 'plain')}\n\n${familyTable(report.summaries, base?.families, 'plain')}\n\n`);
    for (const v of report.verdicts) process.stdout.write(`${v.sentence}\n`);
    process.stdout.write(report.winner ? `rule that beats no feedback beyond the noise: ${report.winner.arm}\n` : 'no rule beats no feedback beyond the noise\n');
    process.stdout.write(`\nexperiment wall time ${((performance.now() - t0) / 60000).toFixed(1)} min; wrote ${report.files.length} files to ${outDir}\n`);
  } finally {
    store.close();
  }
}, usage());
