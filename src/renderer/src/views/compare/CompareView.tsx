import { ExcludedRuns } from '../../components/ExcludedRuns.js';
import { Empty } from '../../components/Empty.js';
import { IntervalChart } from '../../components/IntervalChart.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { Verdict } from '../../components/Verdict.js';
import { useCompare, useStores } from '../../context.js';
import { categoryColor, rgbCss } from '../../lib/colorScale.js';
import { formatScore } from '../../lib/format.js';
import { intervalText, type ChartBox } from '../../lib/intervalChart.js';
import { signedPoints, verdictClass } from '../../lib/verdict.js';
import type { CompareAxis } from '../../state/compareStore.js';
import { differenceSentence, groupSeries, roundColumns, roundName } from './compare.js';

const BOX: ChartBox = { width: 760, height: 320, margin: { top: 12, right: 16, bottom: 40, left: 52 } };
const AXES: readonly { key: CompareAxis; label: string; title: string }[] = [
  { key: 'round', label: 'rounds', title: 'rounds trained' },
  { key: 'samples', label: 'samples seen', title: 'training samples seen' },
];

function settingsText(settings: Record<string, unknown>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
}

/** Runs grouped by settings across seeds: mean ± 95% CI and n per round, and paired differences by seed. */
export function CompareView(): React.JSX.Element {
  const { compare } = useStores();
  const data = useCompare((s) => s.data);
  const loading = useCompare((s) => s.loading);
  const shown = useCompare((s) => s.shown);
  const a = useCompare((s) => s.a);
  const b = useCompare((s) => s.b);
  const axis = useCompare((s) => s.axis);
  const groups = data?.groups ?? [];
  const colorOf = (key: string): string => rgbCss(categoryColor(Math.max(0, groups.findIndex((g) => g.key === key))));
  const title = (key: string | null): string => groups.find((g) => g.key === key)?.title ?? '—';
  const columns = roundColumns(groups);
  const diff = data?.difference ?? null;
  const last = diff?.rounds.at(-1);

  return (
    <section className="view compare-view" aria-label="Compare" data-testid="compare-view">
      <div className="panel">
        <div className="panel-head">
          <h2>Runs grouped by settings</h2>
          <button type="button" onClick={() => void compare.getState().load()} disabled={loading} data-testid="compare-refresh">
            Refresh
          </button>
        </div>
        <p className="muted small">
          Completed runs whose settings are equal but for seed, data seed and name are repetitions of one setting: each group shows its held-out score
          per round as the mean over its runs with a Student-t 95% interval, and n, the runs behind it. One run per seed counts.
        </p>
        {loading && !data && <ProgressBar value={null} label="Grouping runs" />}
        {data && groups.length === 0 ? (
          <Empty title="No completed runs to group" testId="compare-empty">
            Finish a run (better: the same settings with several seeds) to compare settings here.
          </Empty>
        ) : (
          groups.length > 0 && (
            <div className="table-wrap">
              <table className="table compare-table" data-testid="group-table">
                <thead>
                  <tr>
                    <th>chart</th>
                    <th>group</th>
                    <th className="num">seeds</th>
                    {columns.map((r) => (
                      <th key={r} className="num">
                        {roundName(r)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {groups.map((g) => (
                    <tr key={g.key} data-testid="group-row" data-group-key={g.key}>
                      <td>
                        <label className="check">
                          <input type="checkbox" checked={shown.includes(g.key)} onChange={() => compare.getState().toggleGroup(g.key)} aria-label={`show ${g.title} on the chart`} data-testid="group-toggle" />
                          <span className="swatch" style={{ background: colorOf(g.key) }} aria-hidden="true" />
                        </label>
                      </td>
                      <td>
                        <div className="strong">{g.title}</div>
                        {g.label && <div className="muted small">{g.label}</div>}
                        <details className="small">
                          <summary className="muted">settings</summary>
                          <pre className="code settings-text">{settingsText(g.settings)}</pre>
                        </details>
                      </td>
                      <td className="num" title={g.runs.map((r) => `seed ${r.seed}${r.dataSeed ? ` · data seed ${r.dataSeed}` : ''}: ${r.name}`).join('\n')}>
                        {g.runs.map((r) => r.seed).join(', ')}
                      </td>
                      {columns.map((round) => {
                        const stat = g.rounds.find((r) => r.round === round);
                        return (
                          <td key={round} className="num mono" data-testid="group-cell" data-round={round}>
                            {stat ? intervalText({ mean: stat.score.mean, lo: stat.score.lo, hi: stat.score.hi, n: stat.score.n }) : '—'}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        )}
        <ExcludedRuns excluded={data?.excluded ?? []} testId="compare-excluded" />
      </div>

      {groups.length > 0 && (
        <div className="panel">
          <div className="panel-head">
            <h2>Held-out score, mean ± 95% CI</h2>
            <div className="segmented" role="group" aria-label="x axis">
              {AXES.map((x) => (
                <button key={x.key} type="button" className={axis === x.key ? 'active' : ''} aria-pressed={axis === x.key} onClick={() => compare.getState().setAxis(x.key)} data-testid={`compare-axis-${x.key}`}>
                  {x.label}
                </button>
              ))}
            </div>
          </div>
          <IntervalChart series={groupSeries(groups, shown, axis, colorOf)} box={BOX} title="Held-out overall score per group" xTitle={AXES.find((x) => x.key === axis)!.title} testId="compare-chart" />
        </div>
      )}

      {groups.length >= 2 && (
        <div className="panel" data-testid="paired-panel">
          <div className="panel-head">
            <h2>Paired difference by seed</h2>
            <div className="toolbar">
              <label className="field-inline">
                <span>A</span>
                <select value={a ?? ''} onChange={(e) => compare.getState().setPair(e.target.value || null, b)} data-testid="pair-a">
                  {groups.map((g) => (
                    <option key={g.key} value={g.key} disabled={g.key === b}>
                      {g.title}
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" onClick={() => compare.getState().setPair(b, a)} title="swap A and B" data-testid="pair-swap">
                ⇄
              </button>
              <label className="field-inline">
                <span>B</span>
                <select value={b ?? ''} onChange={(e) => compare.getState().setPair(a, e.target.value || null)} data-testid="pair-b">
                  {groups.map((g) => (
                    <option key={g.key} value={g.key} disabled={g.key === a}>
                      {g.title}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          </div>
          <p className="muted small">
            Runs of A and B with the same seed and data seed share proposals, batches, initialisation and benchmark, so A − B per seed cancels the
            seed-to-seed spread. A difference whose interval holds 0 is no difference, however large its mean.
          </p>
          {!diff ? (
            <Empty title="Choose two groups" />
          ) : diff.rounds.length === 0 ? (
            <Empty title="No seeds in common" testId="pair-none">
              A and B share no (seed, data seed) pair with a score for the same round: run them with the same seeds.
            </Empty>
          ) : (
            <>
              {last && (
                <p className={`pair-sentence ${verdictClass(last.difference.verdict)}`} data-testid="pair-sentence">
                  {differenceSentence(last, 'A', 'B')}
                </p>
              )}
              <table className="table" data-testid="difference-table">
                <thead>
                  <tr>
                    <th>round</th>
                    <th className="num">seeds paired</th>
                    <th className="num">A: {title(diff.a)}</th>
                    <th className="num">B: {title(diff.b)}</th>
                    <th className="num">A − B (mean [95% CI])</th>
                  </tr>
                </thead>
                <tbody>
                  {diff.rounds.map((r) => (
                    <tr key={r.round} data-testid="difference-row" data-round={r.round}>
                      <td>{roundName(r.round)}</td>
                      <td className="num" title={r.pairs.map((p) => `seed ${p.seed}: ${formatScore(p.a)} − ${formatScore(p.b)}`).join('\n')}>
                        {r.pairs.length}
                      </td>
                      <td className="num mono">{formatScore(r.pairs.reduce((s, p) => s + p.a, 0) / r.pairs.length)}</td>
                      <td className="num mono">{formatScore(r.pairs.reduce((s, p) => s + p.b, 0) / r.pairs.length)}</td>
                      <td className="num mono">
                        <Verdict difference={r.difference} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {last && (
                <table className="table narrow" data-testid="pairs-table">
                  <caption className="muted small">Per seed, {roundName(last.round)}</caption>
                  <thead>
                    <tr>
                      <th className="num">seed</th>
                      <th className="num">A</th>
                      <th className="num">B</th>
                      <th className="num">A − B</th>
                    </tr>
                  </thead>
                  <tbody>
                    {last.pairs.map((p) => (
                      <tr key={`${p.seed}/${p.dataSeed}`}>
                        <td className="num">
                          {p.seed}
                          {p.dataSeed ? ` / ${p.dataSeed}` : ''}
                        </td>
                        <td className="num mono">{formatScore(p.a)}</td>
                        <td className="num mono">{formatScore(p.b)}</td>
                        <td className="num mono">{signedPoints(p.a - p.b)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
        </div>
      )}
    </section>
  );
}
