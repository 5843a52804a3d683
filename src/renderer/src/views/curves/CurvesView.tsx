import { useMemo } from 'react';
import type { CurvePoint } from '../../../../shared/api.js';
import { useCurves, useRuns, useStores } from '../../context.js';
import { Empty } from '../../components/Empty.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { RunPicker } from '../../components/RunPicker.js';
import { curveFamilies, runColorIndex, seriesColor, seriesDash, type ChartBox } from './curves.js';
import { LineChart } from './LineChart.js';
import { MixChart } from './MixChart.js';

const MAIN: ChartBox = { width: 760, height: 360, margin: { top: 12, right: 16, bottom: 40, left: 52 } };
const SMALL: ChartBox = { width: 250, height: 150, margin: { top: 8, right: 18, bottom: 22, left: 32 } };

const overall = (p: CurvePoint): number => p.overall;

/** Learning curves of the chosen runs, per-family small multiples, and the controller's generation mix. */
export function CurvesView(): React.JSX.Element {
  const { curves } = useStores();
  const runs = useRuns((s) => s.runs);
  const runIds = useCurves((s) => s.runIds);
  const series = useCurves((s) => s.series);
  const loading = useCurves((s) => s.loading);
  const mixRunId = useCurves((s) => s.mixRunId);
  const mix = useCurves((s) => s.mix);
  const mixLoading = useCurves((s) => s.mixLoading);
  // From the run list, not the selection: ticking or unticking a run never recolours the others.
  const colorIndex = useMemo(() => runColorIndex(runs), [runs]);
  const families = curveFamilies(series);

  return (
    <section className="view curves-view" aria-label="Curves" data-testid="curves-view">
      <div className="panel">
        <div className="panel-head">
          <h2>Runs on the chart</h2>
          <span className="muted small">solid: closed loop · dashed: no feedback · dotted: static</span>
        </div>
        {runs && runs.length === 0 ? (
          <Empty title="No runs yet">Start a closed-loop run and a baseline to compare their curves.</Empty>
        ) : (
          <ul className="run-checklist">
            {(runs ?? []).map((r) => {
              const on = runIds.includes(r.id);
              return (
                <li key={r.id}>
                  <label className="check">
                    <input type="checkbox" checked={on} onChange={() => curves.getState().toggleRun(r.id)} data-testid="curve-run-toggle" />
                    <svg width={26} height={10} aria-hidden="true">
                      <line x1={0} x2={26} y1={5} y2={5} stroke={on ? seriesColor(colorIndex(r.id)) : '#555'} strokeWidth={2} strokeDasharray={seriesDash(r.mode) || undefined} />
                    </svg>
                    {r.name} <span className="muted small">({r.mode}, {r.status})</span>
                  </label>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      {loading && <ProgressBar value={null} label="Loading curves" />}
      {runIds.length === 0 ? (
        <Empty title="No runs chosen">Tick runs above to plot their held-out score against training samples seen.</Empty>
      ) : (
        <div className="panel">
          <LineChart series={series} value={overall} box={MAIN} title="Held-out overall score vs training samples seen" colorIndex={colorIndex} testId="curves-chart" />
          <ul className="legend-list">
            {series.map((s) => (
              <li key={s.runId}>
                <svg width={26} height={10} aria-hidden="true">
                  <line x1={0} x2={26} y1={5} y2={5} stroke={seriesColor(colorIndex(s.runId))} strokeWidth={2} strokeDasharray={seriesDash(s.mode) || undefined} />
                </svg>
                {s.name} <span className="muted small">{s.mode}</span>
              </li>
            ))}
          </ul>
          {families.length > 0 && (
            <>
              <h3>Per family</h3>
              <div className="small-multiples" data-testid="curves-families">
                {families.map((f) => (
                  <LineChart key={f} series={series} value={(p) => p.families[f]} box={SMALL} title={f} colorIndex={colorIndex} small />
                ))}
              </div>
            </>
          )}
        </div>
      )}
      <div className="panel">
        <div className="panel-head">
          <h2>Controller’s generation mix</h2>
          <RunPicker value={mixRunId} onChange={(id) => curves.getState().setMixRun(id)} allowNone />
        </div>
        {mixLoading ? (
          <ProgressBar value={null} label="Loading decisions" />
        ) : !mixRunId ? (
          <Empty title="No run chosen" />
        ) : !mix || mix.columns.length === 0 ? (
          <Empty title="No controller decisions yet" testId="mix-empty">
            Decisions appear after the first closed-loop round (baselines keep a uniform mix and may record none).
          </Empty>
        ) : (
          <MixChart mix={mix} />
        )}
      </div>
    </section>
  );
}
