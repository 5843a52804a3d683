import { useState } from 'react';
import { ChartAxes } from '../../components/ChartAxes.js';
import type { CurvePoint, CurveSeries } from '../../../../shared/api.js';
import { Tooltip } from '../../components/Tooltip.js';
import { formatScore } from '../../lib/format.js';
import { buildChart, formatSamples, nearestPoint, type ChartBox } from './curves.js';

/** One SVG line chart of score vs samples seen; hover shows the nearest point's exact numbers. */
export function LineChart(props: {
  series: readonly CurveSeries[];
  value: (p: CurvePoint) => number | undefined;
  box: ChartBox;
  title: string;
  colorIndex: (runId: string) => number;
  testId?: string;
  small?: boolean;
}): React.JSX.Element {
  const { series, value, box, title, colorIndex, testId, small = false } = props;
  const chart = buildChart(series, box, value, colorIndex);
  const [hover, setHover] = useState<{ cx: number; cy: number; runName: string; round: number; samples: number; v: number } | null>(null);
  const { margin, width, height } = box;
  const empty = chart.lines.every((l) => l.points.length === 0);
  return (
    <figure className={small ? 'chart chart-small' : 'chart'} data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={title}
        onMouseMove={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          const hit = nearestPoint(chart, e.clientX - r.left, e.clientY - r.top);
          setHover(hit ? { cx: e.clientX, cy: e.clientY, runName: hit.line.name, round: hit.point.round, samples: hit.point.samplesSeen, v: hit.point.value } : null);
        }}
        onMouseLeave={() => setHover(null)}
      >
        <ChartAxes box={box} xTicks={chart.xTicks.map((t) => ({ value: t.value, at: t.x, label: t.label }))} yTicks={chart.yTicks.map((t) => ({ value: t.value, at: t.y, label: t.label }))} />
        {!small && (
          <>
            <text x={(margin.left + width - margin.right) / 2} y={height - 4} textAnchor="middle" className="axis-title">
              training samples seen
            </text>
            <text x={12} y={(margin.top + height - margin.bottom) / 2} textAnchor="middle" transform={`rotate(-90 12 ${(margin.top + height - margin.bottom) / 2})`} className="axis-title">
              held-out score (%)
            </text>
          </>
        )}
        {chart.lines.map((l) => (
          <g key={l.runId} data-testid="curve-series" data-run-id={l.runId}>
            <path d={l.d} fill="none" stroke={l.color} strokeWidth={small ? 1.5 : 2} strokeDasharray={l.dash || undefined} />
            {l.points.map((p) => (
              <circle key={`${p.round}-${p.samplesSeen}`} cx={p.x} cy={p.y} r={small ? 2 : 3} fill={l.color} />
            ))}
          </g>
        ))}
        {empty && (
          <text x={width / 2} y={height / 2} textAnchor="middle" className="axis-label">
            no evaluations yet
          </text>
        )}
      </svg>
      {hover && (
        <Tooltip x={hover.cx} y={hover.cy}>
          <div>
            <strong>{hover.runName}</strong>
          </div>
          <div>round {hover.round}</div>
          <div>{formatSamples(hover.samples)} samples seen</div>
          <div>score {formatScore(hover.v)}</div>
        </Tooltip>
      )}
    </figure>
  );
}
