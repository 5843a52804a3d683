import { ExcludedRuns } from '../../components/ExcludedRuns.js';
import { Empty } from '../../components/Empty.js';
import { IntervalChart } from '../../components/IntervalChart.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { Verdict } from '../../components/Verdict.js';
import { useExperiment, useStores } from '../../context.js';
import { categoryColor, rgbCss } from '../../lib/colorScale.js';
import { formatMs, formatScore } from '../../lib/format.js';
import type { ChartBox } from '../../lib/intervalChart.js';
import { verdictClass } from '../../lib/verdict.js';
import { formatMeanInterval } from '../../../../shared/statistics.js';
import type { ExperimentAxis } from '../../state/experimentStore.js';
import { armSeries, experimentTitle } from './experiment.js';

const BOX: ChartBox = { width: 760, height: 340, margin: { top: 12, right: 16, bottom: 40, left: 52 } };
const AXES: readonly { key: ExperimentAxis; label: string; title: string }[] = [
  { key: 'samples', label: 'samples seen', title: 'training samples seen' },
  { key: 'round', label: 'rounds', title: 'rounds trained' },
];

/**
 * The data-efficiency experiment from the runs it left in the workspace: the verdicts as its report states them,
 * every arm over seeds (mean ± 95% CI, gain over the base, paired difference to no feedback), the arms × seeds
 * table and the learning curves with their intervals.
 */
export function ExperimentView(): React.JSX.Element {
  const { experiment } = useStores();
  const list = useExperiment((s) => s.list);
  const loading = useExperiment((s) => s.loading);
  const selected = useExperiment((s) => s.selected);
  const axis = useExperiment((s) => s.axis);
  const e = list?.find((x) => x.key === selected) ?? null;
  const colorOf = (arm: string): string => rgbCss(categoryColor(Math.max(0, e?.arms.findIndex((a) => a.arm === arm) ?? 0)));

  return (
    <section className="view experiment-view" aria-label="Experiment" data-testid="experiment-view">
      <div className="panel">
        <div className="panel-head">
          <h2>Data-efficiency experiment</h2>
          {list && list.length > 1 && (
            <label className="field-inline">
              <span>Experiment</span>
              <select value={selected ?? ''} onChange={(ev) => experiment.getState().select(ev.target.value)} data-testid="experiment-picker">
                {list.map((x) => (
                  <option key={x.key} value={x.key}>
                    {experimentTitle(x)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="button" onClick={() => void experiment.getState().load()} disabled={loading} data-testid="experiment-refresh">
            Refresh
          </button>
        </div>
        {loading && !list && <ProgressBar value={null} label="Finding the experiment's runs" />}
        {list && list.length === 0 && (
          <Empty title="No experiment in this workspace" testId="experiment-empty">
            <code>npm run experiment -- --workspace DIR</code> names each arm&apos;s runs <code>experiment &lt;preset&gt;: &lt;arm&gt;, seed &lt;n&gt;</code>; they appear
            here as they complete.
          </Empty>
        )}
        {e && (
          <>
            <dl className="facts" data-testid="experiment-facts">
              <dt>Preset</dt>
              <dd>{e.preset}</dd>
              <dt>Seeds</dt>
              <dd>{e.seeds.join(', ')}</dd>
              <dt>Base model</dt>
              <dd>
                checkpoint {e.initCheckpoint}, held-out {formatScore(e.base)}
              </dd>
              <dt>Benchmark</dt>
              <dd className="mono small">{e.benchmarkSetId || '—'}</dd>
            </dl>
            <ul className="verdicts" data-testid="experiment-verdicts">
              {e.targets.map((t) => (
                <li key={t.arm} className={verdictClass(t.difference.verdict)} data-testid="target-verdict">
                  {t.sentence}.
                </li>
              ))}
              <li className={e.winner ? 'verdict verdict-better' : 'verdict verdict-none'} data-testid="experiment-conclusion">
                {e.conclusion}
              </li>
            </ul>
          </>
        )}
      </div>

      {e && (
        <div className="panel">
          <h3>Arms over seeds (final held-out score)</h3>
          <div className="table-wrap">
            <table className="table" data-testid="arm-summary">
              <thead>
                <tr>
                  <th>arm</th>
                  <th className="num">seeds</th>
                  <th className="num">held-out overall (mean ± 95% CI)</th>
                  <th className="num">gain over base</th>
                  <th className="num">vs no feedback (paired, 95% CI)</th>
                  <th className="num">samples used</th>
                  <th className="num">wall time / run</th>
                </tr>
              </thead>
              <tbody>
                {e.arms.map((a) => (
                  <tr key={a.arm} data-testid="arm-row" data-arm={a.arm}>
                    <td>
                      <span className="swatch" style={{ background: colorOf(a.arm) }} aria-hidden="true" /> {a.arm}
                    </td>
                    <td className="num">{a.seeds}</td>
                    <td className="num mono">{a.score ? formatMeanInterval(a.score, 100) : '—'}</td>
                    <td className="num mono">{a.gain ? formatMeanInterval(a.gain, 100) : '—'}</td>
                    <td className="num mono">{a.vsNoFeedback ? <Verdict difference={a.vsNoFeedback} /> : '—'}</td>
                    <td className="num">{a.seeds > 0 ? a.samplesUsed.toLocaleString('en-US') : '—'}</td>
                    <td className="num">{a.seeds > 0 ? formatMs(a.wallMs) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <h3>Arms × seeds</h3>
          <div className="table-wrap">
            <table className="table" data-testid="arm-seed-table">
              <thead>
                <tr>
                  <th>arm</th>
                  {e.seeds.map((s) => (
                    <th key={s} className="num">
                      seed {s}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {e.arms.map((a) => (
                  <tr key={a.arm} data-testid="arm-seed-row" data-arm={a.arm}>
                    <td>{a.arm}</td>
                    {e.seeds.map((s) => {
                      const c = a.cells.find((x) => x.seed === s);
                      return (
                        <td key={s} className="num mono" data-testid="arm-seed-cell" data-seed={s}>
                          {!c ? (
                            <span className="muted">—</span>
                          ) : (
                            <a href={`#/runs/${encodeURIComponent(c.runId)}`} title={`run ${c.runId} (${c.status})`}>
                              {c.status === 'completed' ? formatScore(c.final) : <span className={`status status-${c.status}`}>{c.status}</span>}
                            </a>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ExcludedRuns excluded={e.excluded} testId="experiment-excluded" />
        </div>
      )}

      {e && (
        <div className="panel">
          <div className="panel-head">
            <h2>Learning curves, mean ± 95% CI over seeds</h2>
            <div className="segmented" role="group" aria-label="x axis">
              {AXES.map((x) => (
                <button key={x.key} type="button" className={axis === x.key ? 'active' : ''} aria-pressed={axis === x.key} onClick={() => experiment.getState().setAxis(x.key)} data-testid={`experiment-axis-${x.key}`}>
                  {x.label}
                </button>
              ))}
            </div>
          </div>
          <IntervalChart series={armSeries(e.arms, axis, colorOf)} box={BOX} title="Held-out overall score per arm, from the base" xTitle={AXES.find((x) => x.key === axis)!.title} testId="experiment-chart" />
        </div>
      )}
    </section>
  );
}
