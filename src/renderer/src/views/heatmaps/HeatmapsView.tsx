import { useId, useMemo, useState } from 'react';
import type { HeatmapCell, HeatmapKind, HeatmapMetric } from '../../../../shared/api.js';
import { FAMILIES } from '../../../../shared/proposer.js';
import { useHeatmap, useStores } from '../../context.js';
import { Empty } from '../../components/Empty.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { RunPicker } from '../../components/RunPicker.js';
import { Tooltip } from '../../components/Tooltip.js';
import { legendStops } from '../../lib/colorScale.js';
import { DEFAULT_LAYOUT, formatLegendValue, HEATMAP_KINDS, HEATMAP_METRICS, heatmapLayout, metricLabel, tooltipLines, type LayoutOptions } from './heatmapLayout.js';

function layoutFor(kind: HeatmapKind, cols: number): LayoutOptions {
  if (kind === 'scene-family') return { cellW: 46, cellH: 20, rowLabelW: 230, colLabelH: 170 };
  const cellW = cols > 30 ? 30 : cols > 16 ? 40 : DEFAULT_LAYOUT.cellW;
  return { ...DEFAULT_LAYOUT, cellW };
}

function Legend({ metric, stops }: { metric: HeatmapMetric; stops: { value: number; color: string; offset: number }[] }): React.JSX.Element {
  const gid = useId().replace(/:/g, '');
  const w = 300;
  return (
    <svg className="legend" width={w + 140} height={44} role="img" aria-label={`Colour scale for ${metricLabel(metric)}`} data-testid="heatmap-legend">
      <defs>
        <linearGradient id={`g${gid}`} x1="0" x2="1" y1="0" y2="0">
          {stops.map((s) => (
            <stop key={s.offset} offset={s.offset} stopColor={s.color} />
          ))}
        </linearGradient>
      </defs>
      <rect x={0} y={4} width={w} height={14} fill={`url(#g${gid})`} />
      {stops.map((s) => (
        <text key={s.offset} x={s.offset * w} y={34} textAnchor={s.offset === 0 ? 'start' : s.offset === 1 ? 'end' : 'middle'} className="axis-label">
          {formatLegendValue(metric, s.value)}
        </text>
      ))}
      <rect x={w + 16} y={4} width={14} height={14} className="no-data" />
      <text x={w + 36} y={15} className="axis-label">
        no samples
      </text>
    </svg>
  );
}

/** Heatmaps of the solver's confidence, accuracy and bucket shares over families, scenes, bins and rounds. */
export function HeatmapsView(): React.JSX.Element {
  const { heatmap } = useStores();
  const runId = useHeatmap((s) => s.runId);
  const kind = useHeatmap((s) => s.kind);
  const metric = useHeatmap((s) => s.metric);
  const family = useHeatmap((s) => s.family);
  const data = useHeatmap((s) => s.data);
  const loading = useHeatmap((s) => s.loading);
  const [hover, setHover] = useState<{ x: number; y: number; cell: HeatmapCell } | null>(null);
  const ids = { metric: useId(), family: useId() };

  const layout = useMemo(() => (data ? heatmapLayout(data, layoutFor(data.query.kind, data.cols.length)) : null), [data]);
  const st = heatmap.getState();
  const rotate = data?.query.kind === 'scene-family';
  const focusable = (layout?.cells.length ?? 0) <= 400;

  return (
    <section className="view heatmaps-view" aria-label="Heatmaps" data-testid="heatmaps-view">
      <div className="panel toolbar">
        <RunPicker value={runId} onChange={(id) => st.setRunId(id)} />
        <div className="segmented" role="radiogroup" aria-label="Table">
          {HEATMAP_KINDS.map((k) => (
            <button key={k.kind} type="button" role="radio" aria-checked={kind === k.kind} className={kind === k.kind ? 'active' : ''} onClick={() => st.setKind(k.kind)} data-testid={`heatmap-kind-${k.kind}`}>
              {k.label}
            </button>
          ))}
        </div>
        <label className="field-inline" htmlFor={ids.metric}>
          <span>Metric</span>
          <select id={ids.metric} value={metric} onChange={(e) => st.setMetric(e.target.value as HeatmapMetric)} data-testid="heatmap-metric">
            {HEATMAP_METRICS.map((m) => (
              <option key={m.metric} value={m.metric}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        {kind === 'bin-round' && (
          <label className="field-inline" htmlFor={ids.family}>
            <span>Family</span>
            <select id={ids.family} value={family ?? ''} onChange={(e) => st.setFamily(e.target.value || null)}>
              <option value="">all families</option>
              {FAMILIES.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" onClick={() => void st.load()} disabled={loading || !runId}>
          Refresh
        </button>
      </div>
      {loading && <ProgressBar value={null} label="Loading heatmap" />}
      {!runId ? (
        <Empty title="No run chosen">Choose a run to see where the solver is confident, and where it is not.</Empty>
      ) : !layout || !data ? (
        !loading && <Empty title="No heatmap loaded" />
      ) : layout.cells.length === 0 ? (
        <Empty title="No samples yet" testId="heatmap-empty">
          This run has no answered questions for this table yet.
        </Empty>
      ) : (
        <div className="panel">
          <p className="muted small">
            {metricLabel(data.query.metric)} per cell; hover for exact numbers, click a cell to open its questions in the QA explorer.
          </p>
          <Legend metric={data.query.metric} stops={legendStops(layout.scale, 5)} />
          <div className="heatmap-scroll">
            <svg width={layout.width} height={layout.height} className="heatmap" role="img" aria-label={`${metricLabel(data.query.metric)} heatmap`} data-testid="heatmap">
              {layout.rows.map((r) => (
                <text key={`r:${r.label}`} x={layout.rowLabelX} y={r.y} dominantBaseline="middle" textAnchor="end" className="axis-label">
                  {r.label.length > 34 ? `${r.label.slice(0, 33)}…` : r.label}
                </text>
              ))}
              {layout.cols.map((c) =>
                rotate ? (
                  <text key={`c:${c.label}`} x={c.x} y={layout.colLabelY} transform={`rotate(-55 ${c.x} ${layout.colLabelY})`} className="axis-label">
                    {c.label}
                  </text>
                ) : (
                  <text key={`c:${c.label}`} x={c.x} y={layout.colLabelY} textAnchor="middle" className="axis-label">
                    {c.label}
                  </text>
                ),
              )}
              {layout.cells.map((c) => (
                <g key={c.key}>
                  <rect
                    x={c.x}
                    y={c.y}
                    width={c.w}
                    height={c.h}
                    fill={c.fill}
                    className={c.n > 0 ? 'cell clickable' : 'cell'}
                    data-testid="heatmap-cell"
                    data-row={c.row}
                    data-col={c.col}
                    data-value={c.value ?? ''}
                    data-n={c.n}
                    {...(focusable ? { tabIndex: 0, role: 'button', 'aria-label': tooltipLines(data.query, c).join(', ') } : {})}
                    onMouseMove={(e) => setHover({ x: e.clientX, y: e.clientY, cell: c })}
                    onMouseLeave={() => setHover(null)}
                    onClick={() => st.drill(c)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' || e.key === ' ') {
                        e.preventDefault();
                        st.drill(c);
                      }
                    }}
                  />
                  {layout.showValues && c.text && (
                    <text x={c.x + c.w / 2} y={c.y + c.h / 2} textAnchor="middle" dominantBaseline="central" fill={c.textColor} className="cell-text" pointerEvents="none">
                      {c.text}
                    </text>
                  )}
                </g>
              ))}
            </svg>
          </div>
        </div>
      )}
      {hover && data && (
        <Tooltip x={hover.x} y={hover.y}>
          {tooltipLines(data.query, hover.cell).map((l) => (
            <div key={l}>{l}</div>
          ))}
          {hover.cell.n > 0 && <div className="muted">click to open these questions</div>}
        </Tooltip>
      )}
    </section>
  );
}
