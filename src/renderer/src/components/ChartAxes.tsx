import type { ChartBox } from '../lib/intervalChart.js';

/** A tick at pixel `at` along its axis. */
export interface AxisTick {
  value: number;
  at: number;
  label: string;
}

/**
 * The frame every line chart draws the same way: horizontal grid lines at the y ticks with their labels, x tick marks
 * with theirs, and the two axis lines. One component, so the charts of Curves, Training and Compare cannot drift apart.
 */
export function ChartAxes({ box, xTicks, yTicks }: { box: ChartBox; xTicks: readonly AxisTick[]; yTicks: readonly AxisTick[] }): React.JSX.Element {
  const { width, height, margin } = box;
  const bottom = height - margin.bottom;
  return (
    <>
      {yTicks.map((t) => (
        <g key={`y${t.value}`}>
          <line x1={margin.left} x2={width - margin.right} y1={t.at} y2={t.at} className="grid" />
          <text x={margin.left - 6} y={t.at} textAnchor="end" dominantBaseline="middle" className="axis-label">
            {t.label}
          </text>
        </g>
      ))}
      {xTicks.map((t) => (
        <g key={`x${t.value}`}>
          <line x1={t.at} x2={t.at} y1={bottom} y2={bottom + 4} className="axis" />
          <text x={t.at} y={bottom + 16} textAnchor="middle" className="axis-label">
            {t.label}
          </text>
        </g>
      ))}
      <line x1={margin.left} x2={width - margin.right} y1={bottom} y2={bottom} className="axis" />
      <line x1={margin.left} x2={margin.left} y1={margin.top} y2={bottom} className="axis" />
    </>
  );
}
