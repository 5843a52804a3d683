import { useMemo, useState } from 'react';
import type { TrainingSeries } from '../../../../shared/api.js';
import { Empty } from '../../components/Empty.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { useRuns, useStores, useTraining } from '../../context.js';
import { formatTick } from '../../lib/axisScale.js';
import { categoryColor, rgbCss } from '../../lib/colorScale.js';
import type { ChartBox } from '../../lib/intervalChart.js';
import type { TrainingAxis, TrainingLayout } from '../../state/trainingStore.js';
import { DynamicsChart } from './DynamicsChart.js';
import { buildLines, readAt, TRAINING_METRICS, type Reading, type TrainingMetric } from './dynamics.js';

const WIDE: ChartBox = { width: 760, height: 220, margin: { top: 10, right: 16, bottom: 36, left: 64 } };
const SMALL: ChartBox = { width: 330, height: 150, margin: { top: 8, right: 10, bottom: 22, left: 56 } };
const AXES: readonly { key: TrainingAxis; label: string }[] = [
  { key: 'step', label: 'step' },
  { key: 'round', label: 'round' },
  { key: 'time', label: 'wall time' },
];
const LAYOUTS: readonly { key: TrainingLayout; label: string }[] = [
  { key: 'overlay', label: 'overlaid' },
  { key: 'per-run', label: 'per run' },
];

const num = (v: number | null): string => (v === null ? '—' : formatTick(v));

function readingText(r: Reading | undefined, smoothed: boolean): string {
  if (!r || r.raw === null) return '—';
  const raw = r.n > 1 ? `${num(r.raw)} [${num(r.min)}–${num(r.max)}]` : num(r.raw);
  return smoothed ? `${num(r.smooth)} (raw ${raw})` : raw;
}

function whereText(r: Reading, axis: TrainingAxis): string {
  const steps = r.n > 1 ? `steps ${r.step}–${r.stepLast}` : `step ${r.step}`;
  if (axis === 'round') return `${steps} · round ${r.x.toFixed(2)}`;
  if (axis === 'time') return `${steps} · ${r.x.toFixed(1)} s`;
  return steps;
}

function downsampleNote(s: TrainingSeries): string {
  if (s.total === 0) return 'no training steps yet';
  return s.downsampled ? `${s.points.length.toLocaleString()} points for ${s.total.toLocaleString()} steps (mean, min–max kept)` : `${s.total.toLocaleString()} steps`;
}

/** Per-step loss, learning rate and gradient norm of the chosen runs: smoothed, on a step, round or time axis. */
export function TrainingView(): React.JSX.Element {
  const { training } = useStores();
  const runs = useRuns((s) => s.runs);
  const runIds = useTraining((s) => s.runIds);
  const series = useTraining((s) => s.series);
  const loading = useTraining((s) => s.loading);
  const axis = useTraining((s) => s.axis);
  const logX = useTraining((s) => s.logX);
  const smoothing = useTraining((s) => s.smoothing);
  const layout = useTraining((s) => s.layout);
  const [cursor, setCursor] = useState<number | null>(null);
  const smoothed = smoothing > 0;
  // Lines are rebuilt when the data or the drawing changes, not on every pointer move of the crosshair.
  const { linesOf, byMetric } = useMemo(() => {
    const colorOf = (runId: string): string => rgbCss(categoryColor(Math.max(0, runIds.indexOf(runId))));
    const linesOf = (metric: TrainingMetric, of: readonly TrainingSeries[] = series) => buildLines(of, metric, axis, logX, smoothing, colorOf);
    return { linesOf, byMetric: TRAINING_METRICS.map((m) => ({ ...m, lines: linesOf(m.key) })) };
  }, [series, runIds, axis, logX, smoothing]);
  const colorOf = (runId: string): string => rgbCss(categoryColor(Math.max(0, runIds.indexOf(runId))));
  const readings = cursor === null ? null : byMetric.map((m) => ({ key: m.key, read: readAt(m.lines, cursor) }));
  const readOf = (metric: TrainingMetric, runId: string): Reading | undefined => readings?.find((r) => r.key === metric)?.read.find((x) => x.runId === runId);
  const anySteps = series.some((s) => s.total > 0);

  return (
    <section className="view training-view" aria-label="Training dynamics" data-testid="training-view">
      <div className="panel">
        <div className="panel-head">
          <h2>Training dynamics</h2>
          <div className="toolbar">
            <div className="segmented" role="group" aria-label="x axis">
              {AXES.map((a) => (
                <button key={a.key} type="button" className={axis === a.key ? 'active' : ''} aria-pressed={axis === a.key} onClick={() => training.getState().setAxis(a.key)} data-testid={`axis-${a.key}`}>
                  {a.label}
                </button>
              ))}
            </div>
            <label className="check">
              <input type="checkbox" checked={logX} onChange={(e) => training.getState().setLogX(e.target.checked)} data-testid="log-x" />
              log x
            </label>
            <label className="field-inline smoothing">
              <span>smoothing</span>
              <input
                type="range"
                min={0}
                max={0.99}
                step={0.01}
                value={smoothing}
                onChange={(e) => training.getState().setSmoothing(Number(e.target.value))}
                aria-valuetext={smoothing.toFixed(2)}
                data-testid="smoothing"
              />
              <span className="mono">{smoothing.toFixed(2)}</span>
            </label>
            <div className="segmented" role="group" aria-label="layout">
              {LAYOUTS.map((l) => (
                <button key={l.key} type="button" className={layout === l.key ? 'active' : ''} aria-pressed={layout === l.key} onClick={() => training.getState().setLayout(l.key)} data-testid={`layout-${l.key}`}>
                  {l.label}
                </button>
              ))}
            </div>
          </div>
        </div>
        <p className="muted small">
          Raw values faint, their exponential moving average strong (each point weighted by the steps it stands for). Wall time is time spent training,
          summed over rounds; the loop&apos;s other stages are left out. Long runs come downsampled by the host: each point is a bucket&apos;s mean, and the
          shaded band its minimum to maximum.
        </p>
        {runs && runs.length === 0 ? (
          <Empty title="No runs yet">Start a run: its training statistics appear here after each round&apos;s training stage.</Empty>
        ) : (
          <ul className="run-checklist">
            {(runs ?? []).map((r) => {
              const on = runIds.includes(r.id);
              const s = series.find((x) => x.runId === r.id);
              return (
                <li key={r.id}>
                  <label className="check">
                    <input type="checkbox" checked={on} onChange={() => training.getState().toggleRun(r.id)} data-testid="training-run-toggle" data-run-id={r.id} />
                    <span className="swatch" style={{ background: on ? colorOf(r.id) : '#555' }} aria-hidden="true" />
                    {r.name} <span className="muted small">({r.mode}, {r.status})</span>
                    {on && s && <span className="muted small"> · {downsampleNote(s)}</span>}
                  </label>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      {loading && <ProgressBar value={null} label="Loading training statistics" />}
      {runIds.length === 0 ? (
        <Empty title="No runs chosen">Tick runs above to plot their loss, learning rate and gradient norm per step.</Empty>
      ) : !loading && series.length > 0 && !anySteps ? (
        <Empty title="No training steps recorded yet" testId="training-empty">
          The chosen runs have not finished a training stage.
        </Empty>
      ) : (
        <div className="panel">
          {layout === 'overlay' ? (
            <div className="dynamics-stack" data-testid="training-charts">
              {byMetric.map((m) => (
                <DynamicsChart key={m.key} title={m.label} lines={m.lines} box={WIDE} axis={axis} logX={logX} smoothed={smoothed} cursor={cursor} onCursor={setCursor} testId={`dynamics-${m.key}`} />
              ))}
            </div>
          ) : (
            <div className="dynamics-per-run" data-testid="training-charts">
              {series.map((s) => (
                <div key={s.runId} className="dynamics-row" data-testid="dynamics-run-row" data-run-id={s.runId}>
                  <h3>
                    <span className="swatch" style={{ background: colorOf(s.runId) }} aria-hidden="true" /> {s.name}
                  </h3>
                  <div className="dynamics-cells">
                    {TRAINING_METRICS.map((m) => (
                      <DynamicsChart key={m.key} title={m.label} lines={linesOf(m.key, [s])} box={SMALL} axis={axis} logX={logX} smoothed={smoothed} cursor={cursor} onCursor={setCursor} small />
                    ))}
                  </div>
                </div>
              ))}
            </div>
          )}
          <table className="table readout" data-testid="crosshair-readout">
            <thead>
              <tr>
                <th>run</th>
                <th>at the cursor</th>
                {TRAINING_METRICS.map((m) => (
                  <th key={m.key} className="num">
                    {m.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {series.map((s) => {
                const any = TRAINING_METRICS.map((m) => readOf(m.key, s.runId)).find((r) => r !== undefined);
                return (
                  <tr key={s.runId} data-testid="readout-row" data-run-id={s.runId}>
                    <td>
                      <span className="swatch" style={{ background: colorOf(s.runId) }} aria-hidden="true" /> {s.name}
                    </td>
                    <td className="muted">{any ? whereText(any, axis) : cursor === null ? 'move the pointer over a chart' : 'no step here'}</td>
                    {TRAINING_METRICS.map((m) => (
                      <td key={m.key} className="num mono" data-metric={m.key}>
                        {readingText(readOf(m.key, s.runId), smoothed)}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
