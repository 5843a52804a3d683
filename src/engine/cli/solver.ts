/**
 * `npm run solver -- learn [--train N] [--heldout N] [--steps N] [--batch N] [--lr X] [--seed N] [--provider cpu|cuda]`:
 * trains the solver on accepted QA from synthetic scenes and prints held-out scores per family next to chance
 * and the blind (question-only) baseline.
 */
import { InputError } from '../../shared/errors.js';
import { DEFAULT_LEARNABILITY, runLearnability } from '../loop/learnability.js';
import { flag, intFlag, parseCommandArgs } from './args.js';
import { runCli } from './main.js';

const USAGE = `usage: npm run solver -- learn [--train N] [--heldout N] [--per-bin N] [--steps N] [--batch N] [--lr X] [--seed N]
                             [--provider cpu|cuda] [--plain-options]
  trains the solver on accepted QA from synthetic scenes and prints held-out scores per family next to chance and
  the blind (question-only) baseline`;

runCli(async () => {
  const args = parseCommandArgs(process.argv.slice(2), {
    learn: {
      train: 'string',
      heldout: 'string',
      'per-bin': 'string',
      steps: 'string',
      batch: 'string',
      lr: 'string',
      seed: 'string',
      provider: 'string',
      debug: 'boolean',
      'plain-options': 'boolean',
    },
  });
  if (args.positionals[0] !== 'learn') throw new InputError({ message: USAGE });
  const lrText = flag(args, 'lr');
  const lr = lrText === undefined ? DEFAULT_LEARNABILITY.lr : Number(lrText);
  if (!(lr > 0 && lr < 1)) throw new InputError({ field: '--lr', message: `expected a learning rate in (0, 1), found "${lrText}"` });
  const provider = flag(args, 'provider') ?? 'cpu';
  if (provider !== 'cpu' && provider !== 'cuda') throw new InputError({ field: '--provider', message: `expected cpu or cuda, found "${provider}"` });
  const report = await runLearnability({
    trainScenes: intFlag(args, 'train', DEFAULT_LEARNABILITY.trainScenes, 1),
    heldoutScenes: intFlag(args, 'heldout', DEFAULT_LEARNABILITY.heldoutScenes, 1),
    perBin: intFlag(args, 'per-bin', DEFAULT_LEARNABILITY.perBin, 1),
    steps: intFlag(args, 'steps', DEFAULT_LEARNABILITY.steps, 1),
    batch: intFlag(args, 'batch', DEFAULT_LEARNABILITY.batch, 1),
    lr,
    seed: intFlag(args, 'seed', 0),
    permuteOptions: flag(args, 'plain-options') !== 'true',
    runtime: { executionProvider: provider, log: (m) => process.stdout.write(`  ${m}\n`) },
    log: (m) => process.stdout.write(`… ${m}\n`),
  });
  const pct = (v: number) => (100 * v).toFixed(1).padStart(6);
  const lines = [
    `${'family'.padEnd(28)} ${'train'.padStart(6)} ${'test'.padStart(5)} ${'chance'.padStart(6)} ${'blind'.padStart(6)} ${'before'.padStart(6)} ${'after'.padStart(6)}`,
    ...report.rows.map((r) => `${r.family.padEnd(28)} ${String(r.train).padStart(6)} ${String(r.test).padStart(5)} ${pct(r.chance)} ${pct(r.blind)} ${pct(r.before)} ${pct(r.after)}`),
    `${'overall (VSI-Bench style)'.padEnd(28)} ${''.padStart(6)} ${''.padStart(5)} ${pct(report.overall.chance)} ${pct(report.overall.blind)} ${pct(report.overall.before)} ${pct(report.overall.after)}`,
  ];
  process.stdout.write(`\nheld-out score per family (accuracy % for choice, MRA % for numeric):\n${lines.join('\n')}\n`);
  const l = report.losses;
  process.stdout.write(
    `\nloss ${l[0]?.toFixed(3)} → ${l[l.length - 1]?.toFixed(3)} over ${l.length} steps on ${report.provider}${report.stopped ? ` (stopped: ${report.stopped})` : ''}; data ${(report.ms.data / 1000).toFixed(1)} s, training ${(report.ms.train / 1000).toFixed(1)} s, evaluation ${(report.ms.eval / 1000).toFixed(1)} s\n`,
  );
}, USAGE);
