import { useState } from 'react';
import { ChartAxes } from './ChartAxes.js';
import { intervalText, layoutIntervalChart, readIntervals, type ChartBox, type IntervalSeries } from '../lib/intervalChart.js';

/**
 * Group means over x with their 95% intervals as bands, and a crosshair whose readout gives every group's mean,
 * interval and n at the pointer: a mean is never shown without the spread and the count behind it.
 */
export function IntervalChart(props: { series: readonly IntervalSeries[]; box: ChartBox; title: string; xTitle: string; testId?: string }): React.JSX.Element {
  const { series, box, title, xTitle, testId } = props;
  const chart = layoutIntervalChart(series, box);
  const [cursor, setCursor] = useState<number | null>(null);
  const { width, height, margin } = box;
  const read = cursor === null ? [] : readIntervals(series, cursor);
  const at = read[0]?.point;
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={title}
        onMouseMove={(e) => {
          const px = e.clientX - e.currentTarget.getBoundingClientRect().left;
          setCursor(series.length === 0 || px < margin.left || px > width - margin.right ? null : chart.x.invert(px));
        }}
        onMouseLeave={() => setCursor(null)}
      >
        <ChartAxes box={box} xTicks={chart.x.ticks.map((t) => ({ value: t.value, at: t.px, label: t.label }))} yTicks={chart.y.ticks.map((t) => ({ value: t.value, at: t.px, label: t.label }))} />
        <text x={(margin.left + width - margin.right) / 2} y={height - 4} textAnchor="middle" className="axis-title">
          {xTitle}
        </text>
        <text x={12} y={(margin.top + height - margin.bottom) / 2} textAnchor="middle" transform={`rotate(-90 12 ${(margin.top + height - margin.bottom) / 2})`} className="axis-title">
          held-out score (%)
        </text>
        {chart.lines.map((l) => (
          <g key={l.id} data-testid="interval-series" data-series-id={l.id}>
            {l.band && <path d={l.band} fill={l.color} fillOpacity={0.15} stroke="none" data-testid="interval-band" />}
            <path d={l.path} fill="none" stroke={l.color} strokeWidth={2} />
            {l.dots.map((d, i) => (
              <circle key={i} cx={d.cx} cy={d.cy} r={3} fill={l.color} />
            ))}
          </g>
        ))}
        {at && <line x1={chart.x.map(at.x)} x2={chart.x.map(at.x)} y1={margin.top} y2={height - margin.bottom} className="crosshair" />}
        {series.length === 0 && (
          <text x={width / 2} y={height / 2} textAnchor="middle" className="axis-label">
            nothing to plot
          </text>
        )}
      </svg>
      <div className="readout-line small" data-testid="interval-readout">
        {read.length === 0 ? (
          <span className="muted">Point at the chart to read every group’s mean ± 95% CI and n.</span>
        ) : (
          read.map((r) => (
            <span key={r.id} className="readout-item">
              <span className="swatch" style={{ background: r.color }} aria-hidden="true" /> {r.name}, {r.point.xLabel}: <span className="mono">{intervalText(r.point)}</span>
            </span>
          ))
        )}
      </div>
    </figure>
  );
}
