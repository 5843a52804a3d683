/**
 * What an experiment leaves behind: the raw runs (JSON), the learning curves as data (CSV) and as plots (SVG
 * and PNG, overall and per family), the generation mix per family over rounds for each closed-loop arm, and a
 * Markdown report with the protocol, the summary and per-family tables and the verdicts — the report is what
 * the README quotes.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toCsv } from '../../shared/csv.js';
import type { Rgb } from '../report/chart.js';
import { learningCurvePng, learningCurveSvg, type CurveSeries } from '../report/plot.js';
import { type Column, formatTable } from '../report/table.js';
import type { ExperimentResult } from './experiment.js';
import { type ArmRun, type ArmSummary, type TargetVerdict, baseOnTarget, judgeTarget, summarizeArms, winnerSentence, winningRule } from './summary.js';
import { formatDifference, formatMeanInterval } from '../../shared/statistics.js';

function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

const pct = (v: number): string => (100 * v).toFixed(1);

export function curveSeries(runs: readonly ArmRun[], family?: string): CurveSeries[] {
  const arms = [...new Set(runs.map((r) => r.arm))];
  return arms.map((arm) => ({
    name: arm,
    runs: runs
      .filter((r) => r.arm === arm && r.status === 'completed')
      .map((r) => ({
        seed: r.seed,
        points: r.curve
          .map((p) => ({ x: p.samplesSeen, y: family === undefined ? p.overall : p.families[family] }))
          .filter((p): p is { x: number; y: number } => typeof p.y === 'number'),
      })),
  }));
}

/** One series per family: its share of the generation mix per round (x = round), one run per seed. */
export function mixSeries(runs: readonly ArmRun[], arm: string): CurveSeries[] {
  const rs = runs.filter((r) => r.arm === arm && r.status === 'completed' && r.mix.length > 0);
  const families = [...new Set(rs.flatMap((r) => r.mix.flatMap((m) => Object.keys(m))))].sort();
  return families.map((f) => ({ name: f, runs: rs.map((r) => ({ seed: r.seed, points: r.mix.map((m, k) => ({ x: k, y: m[f] ?? 0 })) })) }));
}

/** A y range around the data with a little room, so differences of a point or two stay visible. */
function dataDomain(series: readonly CurveSeries[], pad: number, floor = 0): [number, number] {
  const ys = series.flatMap((s) => s.runs.flatMap((r) => r.points.map((p) => p.y)));
  if (ys.length === 0) return [0, 1];
  return [Math.max(floor, Math.min(...ys) - pad), Math.min(1, Math.max(...ys) + pad)];
}

/** Twelve distinguishable colours for the families (Okabe–Ito first, then Tol's muted set). */
const FAMILY_COLORS: readonly Rgb[] = [
  [0, 114, 178], [213, 94, 0], [0, 158, 115], [204, 121, 167], [230, 159, 0], [86, 180, 233], [0, 0, 0],
  [136, 34, 85], [68, 170, 153], [153, 153, 51], [102, 17, 0], [136, 204, 238],
];

export function summaryTable(summaries: readonly ArmSummary[], style: 'plain' | 'markdown'): string {
  const columns: Column[] = [
    { header: 'arm' },
    { header: 'seeds', align: 'right' },
    { header: 'held-out overall (mean ± 95% CI)', align: 'right' },
    { header: 'gain over base', align: 'right' },
    { header: 'vs no feedback (paired, 95% CI)', align: 'right' },
    { header: 'samples used', align: 'right' },
    { header: 'wall time / run', align: 'right' },
  ];
  const rows = summaries.map((s) => [
    s.arm,
    s.seeds,
    formatMeanInterval(s.score, 100),
    formatMeanInterval(s.gain, 100),
    s.vsNoFeedback ? formatDifference(s.vsNoFeedback, 100) : '—',
    s.samplesUsed,
    `${(s.wallMs / 1000).toFixed(0)} s`,
  ]);
  return formatTable(columns, rows, { style });
}

export function familyTable(summaries: readonly ArmSummary[], base: Record<string, number> | undefined, style: 'plain' | 'markdown'): string {
  const families = [...new Set(summaries.flatMap((s) => Object.keys(s.families)))].sort();
  const columns: Column[] = [{ header: 'family' }, ...(base ? [{ header: 'base', align: 'right' as const }] : []), ...summaries.map((s) => ({ header: s.arm, align: 'right' as const }))];
  const rows = families.map((f) => [
    f,
    ...(base ? [base[f] !== undefined ? pct(base[f]) : '—'] : []),
    ...summaries.map((s) => (s.families[f] ? formatMeanInterval(s.families[f], 100) : '—')),
  ]);
  return formatTable(columns, rows, { style });
}

/**
 * Where each arm's training samples went, next to what each family gained over the base: whether a rule moves
 * samples toward the base's weak families, and whether that pays there or costs elsewhere.
 */
export function trainedTable(summaries: readonly ArmSummary[], base: Record<string, number> | undefined, style: 'plain' | 'markdown'): string {
  const families = [...new Set(summaries.flatMap((s) => [...Object.keys(s.trained), ...Object.keys(s.families)]))].sort();
  const columns: Column[] = [{ header: 'family' }, ...(base ? [{ header: 'base', align: 'right' as const }] : []), ...summaries.map((s) => ({ header: s.arm, align: 'right' as const }))];
  const rows = families.map((f) => [
    f,
    ...(base ? [base[f] !== undefined ? pct(base[f]) : '—'] : []),
    ...summaries.map((s) => {
      const share = s.trained[f];
      const gain = base?.[f] !== undefined && s.families[f] ? s.families[f].mean - base[f] : undefined;
      return `${share !== undefined ? `${(100 * share).toFixed(0)}%` : '—'}${gain !== undefined ? ` (${gain >= 0 ? '+' : '−'}${pct(Math.abs(gain))})` : ''}`;
    }),
  ]);
  return formatTable(columns, rows, { style });
}

export interface ExperimentReport {
  summaries: ArmSummary[];
  verdicts: TargetVerdict[];
  winner: ArmSummary | undefined;
  markdown: string;
  files: string[];
}

export function writeExperiment(outDir: string, result: ExperimentResult): ExperimentReport {
  const { runs, protocol } = result;
  mkdirSync(outDir, { recursive: true });
  const base = baseOnTarget(runs);
  const summaries = summarizeArms(runs, base?.overall ?? Number.NaN);
  const closedArms = summaries.map((s) => s.arm).filter((a) => a.startsWith('closed loop: '));
  const verdicts = closedArms.map((a) => judgeTarget(runs, summaries, a)).filter((v): v is TargetVerdict => v !== undefined);
  const winner = winningRule(summaries);
  const files: string[] = [];
  const put = (name: string, data: string | Uint8Array) => {
    writeAtomic(join(outDir, name), data);
    files.push(join(outDir, name));
  };
  put('experiment.json', `${JSON.stringify({ ...result, baseOnTarget: base, summaries, verdicts, winner: winner?.arm ?? null }, null, 2)}\n`);
  const rows: unknown[][] = [];
  for (const r of runs) {
    for (const p of r.curve) {
      rows.push([r.arm, r.seed, r.runId, p.samplesSeen, p.overall, null, null]);
      for (const [f, v] of Object.entries(p.families)) rows.push([r.arm, r.seed, r.runId, p.samplesSeen, p.overall, f, v]);
    }
  }
  // LF line ends, as this file has always had (it is committed under docs/experiment and diffed there).
  put('curves.csv', toCsv(['arm', 'seed', 'run_id', 'samples_seen', 'overall', 'family', 'score'], rows, { eol: '\n' }));
  const seeds = [...new Set(runs.map((r) => r.seed))].length;
  const overall = curveSeries(runs);
  const options = { title: `Held-out score from the base, ${seeds} seed${seeds === 1 ? '' : 's'}`, band: 'minmax' as const, width: 1100, height: 560, yDomain: dataDomain(overall, 0.02) };
  put('curves.svg', learningCurveSvg(overall, options));
  put('curves.png', learningCurvePng(overall, options));
  const families = [...new Set(runs.flatMap((r) => r.curve.flatMap((p) => Object.keys(p.families))))].sort();
  mkdirSync(join(outDir, 'families'), { recursive: true });
  for (const f of families) {
    const series = curveSeries(runs, f);
    put(join('families', `${f}.svg`), learningCurveSvg(series, { ...options, title: f, width: 1000, height: 520, yDomain: dataDomain(series, 0.03) }));
  }
  const mixFiles: string[] = [];
  for (const arm of [...closedArms, 'no feedback']) {
    const series = mixSeries(runs, arm);
    if (series.length === 0) continue;
    const slug = arm.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
    const mixOptions = { title: `Mix, ${arm.replace('closed loop: ', '')}`, xLabel: 'round', yLabel: 'share of the mix', band: 'minmax' as const, width: 1100, height: 560, colors: FAMILY_COLORS, yDomain: dataDomain(series, 0.01) };
    put(`mix-${slug}.svg`, learningCurveSvg(series, mixOptions));
    put(`mix-${slug}.png`, learningCurvePng(series, mixOptions));
    mixFiles.push(`mix-${slug}.png`);
  }

  const t = protocol.target;
  const markdown = [
    `## Data-efficiency experiment (${protocol.preset} preset)`,
    '',
    `Protocol: base model pretrained on \`${(protocol.base.scenes ?? []).join(' ')}\` (${result.scenes.base} scenes; no feedback, ${protocol.base.rounds} × ${protocol.base.steps} steps × ${protocol.base.batch}); ` +
      `target training scenes \`${(t.scenes ?? []).join(' ')}\` (${result.scenes.train}), held-out \`${(t.heldoutScenes ?? []).join(' ')}\` (${result.scenes.heldout})` +
      (result.reference ? `, irreducible-loss model on \`${(protocol.reference.scenes ?? []).join(' ')}\` (${result.scenes.reference})` : '') +
      `; all four sets disjoint (asserted). Every arm starts from the base: T = ${t.rounds}, K = ${t.steps}, B = ${t.batch}, ${t.candidates} candidates a round, lr ${t.lr}; seeds ${protocol.seeds.join(', ')}.`,
    '',
    base ? `Base model on the held-out benchmark: **${pct(base.overall)}**.` : '',
    '',
    summaryTable(summaries, 'markdown'),
    '',
    ...verdicts.map((v) => `- **${v.sentence}.**`),
    '',
    winnerSentence(winner),
    '',
    'Held-out score per family (accuracy % for choice families, MRA % for numeric ones; mean ± 95% CI over seeds):',
    '',
    familyTable(summaries, base?.families, 'markdown'),
    '',
    'Share of each arm\'s trained samples per family, and (in brackets) the family\'s mean gain over the base:',
    '',
    trainedTable(summaries, base?.families, 'markdown'),
    '',
    ...(mixFiles.length > 0 ? ['Generation mix per family over rounds:', '', ...mixFiles.map((f) => `![${f}](${f})`), ''] : []),
  ].join('\n');
  put('report.md', markdown);
  return { summaries, verdicts, winner, markdown, files };
}
