/**
 * `npm run proposer -- stats [--scenes <source>]… [--per-bin N] [--seed N]`: generates QA on the given scenes
 * (default: 20 synthetic) and prints, per family, how many were generated, accepted, and removed by each
 * filter, plus what the blind baseline and the sandbox cost.
 */
import { InputError } from '../../shared/errors.js';
import { runProposalRound, FILTER_ORDER } from '../proposer/pipeline.js';
import type { FamilyFilterStats } from '../proposer/pipeline.js';
import { prepareScene } from '../proposer/prepare.js';
import { uniformRequests } from '../proposer/requests.js';
import { createSandboxRunner } from '../proposer/sandboxRunner.js';
import { loadScenes } from '../sources/index.js';
import { intFlag, parseCommandArgs } from './args.js';
import { runCli } from './main.js';
import { printableText } from './terminalText.js';

function statsTable(stats: FamilyFilterStats[]): string {
  const head = ['family', 'generated', 'accepted', '%', ...FILTER_ORDER];
  const total: FamilyFilterStats = {
    family: 'all' as FamilyFilterStats['family'],
    generated: stats.reduce((n, s) => n + s.generated, 0),
    accepted: stats.reduce((n, s) => n + s.accepted, 0),
    removedBy: Object.fromEntries(FILTER_ORDER.map((f) => [f, stats.reduce((n, s) => n + s.removedBy[f], 0)])) as FamilyFilterStats['removedBy'],
    flaggedBy: Object.fromEntries(FILTER_ORDER.map((f) => [f, stats.reduce((n, s) => n + s.flaggedBy[f], 0)])) as FamilyFilterStats['flaggedBy'],
  };
  const rows = [...stats, total].map((s) => [
    s.family,
    String(s.generated),
    String(s.accepted),
    s.generated ? ((100 * s.accepted) / s.generated).toFixed(0) : '—',
    ...FILTER_ORDER.map((f) => String(s.removedBy[f])),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), ...rows.slice(0, -1).map(line), '-'.repeat(widths.reduce((a, b) => a + b + 2, -2)), line(rows[rows.length - 1]!)].join('\n');
}

const USAGE = `usage: npm run proposer -- stats [--scenes <source>]… [--per-bin N] [--seed N]
  generates QA on the scenes (default: synthetic:20) and prints, per family, how many were generated, accepted and
  removed by each filter, and what the blind baseline and the sandbox cost`;

runCli(async () => {
  const args = parseCommandArgs(process.argv.slice(2), { stats: { scenes: 'string', 'per-bin': 'string', seed: 'string', debug: 'boolean' } });
  const [command] = args.positionals;
  if (command !== 'stats') throw new InputError({ message: USAGE });
  const seed = intFlag(args, 'seed', 0);
  const perBin = intFlag(args, 'per-bin', 2, 1);
  const specs = args.flags.get('scenes') ?? ['synthetic:20'];
  const t0 = performance.now();
  const scenes = specs.flatMap((s) => loadScenes(s, { seed }));
  const t1 = performance.now();
  const prepared = scenes.map((s) => prepareScene(s));
  const t2 = performance.now();
  const runner = await createSandboxRunner();
  try {
    const result = await runProposalRound({ scenes: prepared, requests: uniformRequests(scenes.map((s) => s.id), perBin), seed, runner });
    const t3 = performance.now();
    process.stdout.write(`${statsTable(result.stats)}\n\n`);
    process.stdout.write(`columns after "%": proposals removed by each filter (the first that failed, in this order)\n`);
    const short = new Map<string, number>();
    for (const s of result.shortfalls) short.set(`${s.family}: ${s.reason}`, (short.get(`${s.family}: ${s.reason}`) ?? 0) + s.missing);
    if (short.size) {
      process.stdout.write(`not generated (scene could not host the question):\n`);
      // Reasons may quote scene ids and labels from files (terminalText.ts).
      for (const [k, n] of [...short].sort((a, b) => b[1] - a[1]).slice(0, 12)) process.stdout.write(printableText(`  ${n}× ${k}\n`));
    }
    // Which measure the margin filter rejected on (the first below its minimum), per family.
    const margins = new Map<string, number>();
    for (const q of result.qa) {
      if (q.rejectedBy !== 'margin') continue;
      const reason = q.filterVerdicts.find((v) => v.filter === 'margin')?.reason ?? '';
      const measure = /^(\w+) .* below the minimum/.exec(reason)?.[1] ?? reason;
      margins.set(`${q.family}: ${measure}`, (margins.get(`${q.family}: ${measure}`) ?? 0) + 1);
    }
    if (margins.size) {
      process.stdout.write(`margin rejections by measure:\n`);
      for (const [k, n] of [...margins].sort((a, b) => a[0].localeCompare(b[0]))) process.stdout.write(printableText(`  ${n}× ${k}\n`));
    }
    const n = result.qa.length;
    process.stdout.write(
      `\n${scenes.length} scenes from ${printableText(specs.join(', '))}; loaded in ${((t1 - t0) / 1000).toFixed(1)} s, visibility + distance tables ${((t2 - t1) / 1000).toFixed(1)} s\n` +
        `${n} proposals in ${((t3 - t2) / 1000).toFixed(2)} s (${Math.round(n / ((t3 - t2) / 1000))}/s): drafting ${result.timing.draftMs.toFixed(0)} ms, sandboxed execution ${result.timing.executeMs.toFixed(0)} ms, filters ${result.timing.filterMs.toFixed(0)} ms\n`,
    );
  } finally {
    runner.dispose();
  }
}, USAGE);
