import { useMemo } from 'react';
import { AXIS_LABELS, layoutDynChart, type DynLine } from './dynamics.js';
import type { ChartBox } from '../../lib/intervalChart.js';
import type { TrainingAxis } from '../../state/trainingStore.js';

/**
 * One statistic of one or more runs against the chosen x axis: raw values faint (with the min–max band of
 * downsampled buckets), the EMA strong, and a vertical crosshair every chart of the view shares.
 */
export function DynamicsChart(props: {
  title: string;
  lines: readonly DynLine[];
  box: ChartBox;
  axis: TrainingAxis;
  logX: boolean;
  smoothed: boolean;
  cursor: number | null;
  onCursor(x: number | null): void;
  testId?: string;
  small?: boolean;
}): React.JSX.Element {
  const { title, lines, box, axis, logX, smoothed, cursor, onCursor, testId, small = false } = props;
  const chart = useMemo(() => layoutDynChart(lines, box, logX), [lines, box, logX]);
  const { width, height, margin } = box;
  const cursorPx = cursor !== null && !chart.empty ? chart.x.map(cursor) : null;
  const inside = cursorPx !== null && Number.isFinite(cursorPx) && cursorPx >= margin.left - 0.5 && cursorPx <= width - margin.right + 0.5;
  return (
    <figure className={small ? 'chart chart-small' : 'chart'} data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={`${title} against ${AXIS_LABELS[axis]}`}
        onMouseMove={(e) => {
          if (chart.empty) return;
          const px = e.clientX - e.currentTarget.getBoundingClientRect().left;
          onCursor(px < margin.left || px > width - margin.right ? null : chart.x.invert(px));
        }}
        onMouseLeave={() => onCursor(null)}
      >
        {chart.y.ticks.map((t) => (
          <g key={`y${t.value}`}>
            <line x1={margin.left} x2={width - margin.right} y1={t.px} y2={t.px} className="grid" />
            <text x={margin.left - 6} y={t.px} textAnchor="end" dominantBaseline="middle" className="axis-label">
              {t.label}
            </text>
          </g>
        ))}
        {chart.x.ticks.map((t) => (
          <g key={`x${t.value}`}>
            <line x1={t.px} x2={t.px} y1={height - margin.bottom} y2={height - margin.bottom + 4} className="axis" />
            <text x={t.px} y={height - margin.bottom + 16} textAnchor="middle" className="axis-label">
              {t.label}
            </text>
          </g>
        ))}
        <line x1={margin.left} x2={width - margin.right} y1={height - margin.bottom} y2={height - margin.bottom} className="axis" />
        <line x1={margin.left} x2={margin.left} y1={margin.top} y2={height - margin.bottom} className="axis" />
        {!small && (
          <text x={(margin.left + width - margin.right) / 2} y={height - 4} textAnchor="middle" className="axis-title">
            {AXIS_LABELS[axis]}
            {logX ? ' (log)' : ''}
          </text>
        )}
        {chart.paths.map((p) => (
          <g key={p.runId} data-testid="dynamics-series" data-run-id={p.runId}>
            {p.band && <path d={p.band} fill={p.color} fillOpacity={0.12} stroke="none" data-testid="dynamics-band" />}
            <path d={p.raw} fill="none" stroke={p.color} strokeOpacity={smoothed ? 0.3 : 1} strokeWidth={1} data-testid="dynamics-raw" />
            {smoothed && <path d={p.smooth} fill="none" stroke={p.color} strokeWidth={small ? 1.5 : 2} data-testid="dynamics-smooth" />}
          </g>
        ))}
        {inside && <line x1={cursorPx} x2={cursorPx} y1={margin.top} y2={height - margin.bottom} className="crosshair" data-testid="crosshair" />}
        {chart.empty && (
          <text x={width / 2} y={height / 2} textAnchor="middle" className="axis-label">
            no training steps recorded
          </text>
        )}
      </svg>
    </figure>
  );
}
