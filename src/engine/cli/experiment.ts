/**
 * `npm run experiment -- [--preset quick|reference] [--seeds 0,1] [--arms closed,nofeedback,static,static10,closed10steps,static10steps]
 *  [--scenes SOURCE] [--out DIR] [--workspace DIR] [--fresh]`: closed loop vs no feedback vs static vs static ×10, several
 * seeds, one table and learning curves (data + SVG + PNG) in the output folder. Completed runs with identical
 * settings in the workspace are reused (an interrupted experiment continues) unless --fresh.
 */
import { join } from 'node:path';
import { InputError } from '../../shared/errors.js';
import type { LoopConfigInput } from '../../shared/loop.js';
import { writeExperiment, summaryTable, familyTable } from '../experiment/artifacts.js';
import { EXPERIMENT_PRESETS, equalComputeArms, runExperiment, standardArms } from '../experiment/experiment.js';
import { openStore } from '../store/index.js';
import { resolveWorkspaceDir } from '../store/workspace.js';
import { flag, parseArgs, rejectUnknownFlags } from './args.js';
import { runCli } from './main.js';
import { ProgressView } from './progressView.js';

const ARM_KEYS: Record<string, string> = {
  closed: 'closed loop',
  nofeedback: 'no feedback',
  static: 'static',
  static10: 'static ×10',
  closed10steps: 'closed loop, 10× steps',
  static10steps: 'static, 10× steps',
};

runCli(async () => {
  const args = parseArgs(process.argv.slice(2), ['debug', 'quiet', 'fresh']);
  rejectUnknownFlags(args, ['preset', 'seeds', 'arms', 'scenes', 'out', 'workspace', 'quiet', 'debug', 'model', 'provider', 'fresh']);
  const presetName = flag(args, 'preset') ?? 'quick';
  if (!Object.hasOwn(EXPERIMENT_PRESETS, presetName)) {
    throw new InputError({ field: '--preset', message: `expected one of ${Object.keys(EXPERIMENT_PRESETS).join(', ')}, found "${presetName}"` });
  }
  const base: LoopConfigInput = { ...EXPERIMENT_PRESETS[presetName as keyof typeof EXPERIMENT_PRESETS] };
  const scenes = args.flags.get('scenes');
  if (scenes) base.scenes = scenes;
  const model = flag(args, 'model');
  if (model) base.model = model as LoopConfigInput['model'] & string;
  const provider = flag(args, 'provider');
  if (provider) base.executionProvider = provider as 'cpu' | 'cuda';
  const seedsText = flag(args, 'seeds') ?? '0,1';
  const seeds = seedsText.split(',').map((s) => Number(s.trim()));
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new InputError({ field: '--seeds', message: `expected whole numbers separated by commas, found "${seedsText}"` });
  const all = [...standardArms(base), ...equalComputeArms(base)];
  const armsText = flag(args, 'arms');
  const arms = armsText
    ? armsText.split(',').map((k) => {
        const name = ARM_KEYS[k.trim()];
        if (!name) throw new InputError({ field: '--arms', message: `unknown arm "${k}"; expected some of ${Object.keys(ARM_KEYS).join(', ')}` });
        return all.find((a) => a.name === name)!;
      })
    : standardArms(base);
  const dirFlag = flag(args, 'workspace');
  const workspaceDir = resolveWorkspaceDir(dirFlag !== undefined ? { flag: dirFlag } : {});
  const outDir = flag(args, 'out') ?? join(workspaceDir, 'experiments', new Date().toISOString().replace(/[:.]/g, '-'));
  const store = openStore({ workspaceDir });
  const view = new ProgressView(process.stderr, flag(args, 'quiet') === 'true');
  const controller = new AbortController();
  process.on('SIGINT', () => controller.abort());
  try {
    process.stdout.write(`experiment (${presetName}): ${arms.map((a) => a.name).join(', ')} × seeds ${seeds.join(', ')}\n`);
    const runs = await runExperiment(
      store,
      { base, seeds, arms },
      {
        reuse: flag(args, 'fresh') !== 'true',
        signal: controller.signal,
        onEvent: (_arm, _seed, e) => {
          if (e.type === 'progress' || e.type === 'log') view.event(e);
        },
        onRunDone: (r) =>
          view.note(`${r.arm}, seed ${r.seed}${r.reused ? ' (reused)' : ''}: ${r.status}${r.error ? ` (${r.error})` : ''} — held-out ${(100 * r.final.overall).toFixed(1)} with ${r.samplesUsed} samples in ${(r.wallMs / 1000).toFixed(0)} s (run ${r.runId})`),
      },
    );
    view.finish();
    const report = writeExperiment(outDir, runs, { preset: presetName, seeds: seeds.join(', '), ...base });
    process.stdout.write(`\n${summaryTable(report.summaries, 'plain')}\n\n${familyTable(report.summaries, 'plain')}\n\n`);
    if (report.verdict) process.stdout.write(`${report.verdict.sentence}\n`);
    process.stdout.write(`\nwrote ${report.files.length} files to ${outDir} (report.md, curves.csv, curves.svg, curves.png, experiment.json, families/)\n`);
  } finally {
    store.close();
  }
});
