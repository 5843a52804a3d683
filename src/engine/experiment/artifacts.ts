/**
 * What an experiment leaves behind: the raw runs (JSON), the learning curves as data (CSV) and as plots
 * (SVG and PNG, overall and per family), and a Markdown report with the summary and per-family tables —
 * the report is what the README quotes.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { learningCurvePng, learningCurveSvg, type CurveSeries } from '../report/plot.js';
import { type Column, formatTable } from '../report/table.js';
import { type ArmRun, type ArmSummary, type TargetVerdict, judgeTarget, summarizeArms } from './experiment.js';

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

export function summaryTable(summaries: readonly ArmSummary[], style: 'plain' | 'markdown'): string {
  const columns: Column[] = [
    { header: 'arm' },
    { header: 'seeds' },
    { header: 'held-out overall (mean ± std)' , align: 'right' },
    { header: 'min – max', align: 'right' },
    { header: 'samples used' },
    { header: 'wall time / run', align: 'right' },
  ];
  const rows = summaries.map((s) => [s.arm, s.seeds, `${pct(s.mean)} ± ${pct(s.std)}`, `${pct(s.min)} – ${pct(s.max)}`, s.samplesUsed, `${(s.wallMs / 1000).toFixed(0)} s`]);
  return formatTable(columns, rows, { style });
}

export function familyTable(summaries: readonly ArmSummary[], style: 'plain' | 'markdown'): string {
  const families = [...new Set(summaries.flatMap((s) => Object.keys(s.families)))].sort();
  const columns: Column[] = [{ header: 'family' }, ...summaries.map((s) => ({ header: s.arm, align: 'right' as const }))];
  const rows = families.map((f) => [f, ...summaries.map((s) => (s.families[f] ? `${pct(s.families[f].mean)} ± ${pct(s.families[f].std)}` : '—'))]);
  return formatTable(columns, rows, { style });
}

export interface ExperimentReport {
  summaries: ArmSummary[];
  verdict: TargetVerdict | undefined;
  markdown: string;
  files: string[];
}

export function writeExperiment(outDir: string, runs: readonly ArmRun[], meta: Record<string, unknown>): ExperimentReport {
  mkdirSync(outDir, { recursive: true });
  const summaries = summarizeArms(runs);
  const verdict = judgeTarget(summaries);
  const equalCompute = judgeTarget(summaries, 'closed loop, 10× steps');
  const files: string[] = [];
  const put = (name: string, data: string | Uint8Array) => {
    writeAtomic(join(outDir, name), data);
    files.push(join(outDir, name));
  };
  put('experiment.json', `${JSON.stringify({ meta, summaries, verdict, equalCompute, runs }, null, 2)}\n`);
  const csv = ['arm,seed,run_id,samples_seen,overall,family,score'];
  for (const r of runs) {
    for (const p of r.curve) {
      csv.push(`${JSON.stringify(r.arm)},${r.seed},${r.runId},${p.samplesSeen},${p.overall},,`);
      for (const [f, v] of Object.entries(p.families)) csv.push(`${JSON.stringify(r.arm)},${r.seed},${r.runId},${p.samplesSeen},${p.overall},${f},${v}`);
    }
  }
  put('curves.csv', `${csv.join('\n')}\n`);
  const seeds = [...new Set(runs.map((r) => r.seed))].length;
  const options = { title: `Held-out score, ${seeds} seed${seeds === 1 ? '' : 's'}`, band: 'minmax' as const, width: 1100, height: 560 };
  const overall = curveSeries(runs);
  put('curves.svg', learningCurveSvg(overall, options));
  put('curves.png', learningCurvePng(overall, options));
  const families = [...new Set(runs.flatMap((r) => r.curve.flatMap((p) => Object.keys(p.families))))].sort();
  mkdirSync(join(outDir, 'families'), { recursive: true });
  for (const f of families) put(join('families', `${f}.svg`), learningCurveSvg(curveSeries(runs, f), { ...options, title: f, width: 640, height: 400 }));

  const markdown = [
    `## Data-efficiency experiment`,
    '',
    `Settings: ${Object.entries(meta)
      .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join('; ')}.`,
    '',
    summaryTable(summaries, 'markdown'),
    '',
    verdict ? `**${verdict.sentence}.**${verdict.shortFamilies.length > 0 && !verdict.met ? ` Families short of static ×10: ${verdict.shortFamilies.map((f) => `${f.family} (${pct(f.closedLoop)} vs ${pct(f.staticX10)})`).join(', ')}.` : ''}` : '',
    equalCompute ? `\nAt equal compute (static ×10's steps on a tenth of its samples): **${equalCompute.sentence}.**` : '',
    '',
    'Held-out score per family (accuracy % for choice families, MRA % for numeric ones; mean ± std over seeds):',
    '',
    familyTable(summaries, 'markdown'),
    '',
  ].join('\n');
  put('report.md', markdown);
  return { summaries, verdict, markdown, files };
}
