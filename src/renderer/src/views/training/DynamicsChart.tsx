import { useMemo } from 'react';
import { ChartAxes } from '../../components/ChartAxes.js';
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
        <ChartAxes box={box} xTicks={chart.x.ticks.map((t) => ({ value: t.value, at: t.px, label: t.label }))} yTicks={chart.y.ticks.map((t) => ({ value: t.value, at: t.px, label: t.label }))} />
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
