import { useState } from 'react';
import { FAMILIES } from '../../../../shared/proposer.js';
import { Tooltip } from '../../components/Tooltip.js';
import { categoryColor, rgbCss } from '../../lib/colorScale.js';
import { formatPercent } from '../../lib/format.js';
import type { MixOverRounds } from '../../lib/generationMix.js';
import { stackLayout, type MixRect } from './mix.js';

export function familyColor(family: string): string {
  const i = (FAMILIES as readonly string[]).indexOf(family);
  return rgbCss(categoryColor(i >= 0 ? i : FAMILIES.length + (family.length % 7)));
}

/** The controller's generation mix per round as stacked bars; hover shows the share and the decision's reason. */
export function MixChart({ mix }: { mix: MixOverRounds }): React.JSX.Element {
  const width = 760;
  const height = 236;
  const left = 40;
  const top = 8;
  const bottom = 36;
  const plotH = height - top - bottom;
  const { rects, colW } = stackLayout(mix, width - left, plotH);
  const [hover, setHover] = useState<{ x: number; y: number; r: MixRect } | null>(null);
  return (
    <figure className="chart" data-testid="mix-chart">
      <figcaption>Generation mix per round (share of each family; hover for the controller’s reason)</figcaption>
      <svg width={width} height={height} role="img" aria-label="Generation mix per round">
        {[0, 0.25, 0.5, 0.75, 1].map((t) => (
          <g key={t}>
            <line x1={left} x2={width} y1={top + plotH * (1 - t)} y2={top + plotH * (1 - t)} className="grid" />
            <text x={left - 6} y={top + plotH * (1 - t)} textAnchor="end" dominantBaseline="middle" className="axis-label">
              {Math.round(t * 100)}%
            </text>
          </g>
        ))}
        <g transform={`translate(${left},${top})`}>
          {rects.map((r) => (
            <rect
              key={r.key}
              x={r.x}
              y={r.y}
              width={r.w}
              height={Math.max(0.5, r.h)}
              fill={familyColor(r.family)}
              data-testid="mix-segment"
              onMouseMove={(e) => setHover({ x: e.clientX, y: e.clientY, r })}
              onMouseLeave={() => setHover(null)}
            >
              <title>{`round ${r.round} · ${r.family} ${formatPercent(r.share, 1)}\n${r.reason}`}</title>
            </rect>
          ))}
          {mix.columns.map((c, i) => (
            <text key={c.round} x={i * colW + colW / 2} y={plotH + 14} textAnchor="middle" className="axis-label">
              {c.round}
            </text>
          ))}
        </g>
        <text x={left + (width - left) / 2} y={height - 4} textAnchor="middle" className="axis-title">
          round generated with the mix
        </text>
      </svg>
      <ul className="legend-list">
        {mix.families.map((f) => (
          <li key={f}>
            <span className="swatch" style={{ background: familyColor(f) }} aria-hidden="true" />
            {f}
          </li>
        ))}
      </ul>
      {hover && (
        <Tooltip x={hover.x} y={hover.y}>
          <div>
            <strong>round {hover.r.round}</strong>
          </div>
          <div>
            {hover.r.family}: {formatPercent(hover.r.share, 1)}
          </div>
          <div className="tooltip-reason">{hover.r.reason}</div>
        </Tooltip>
      )}
    </figure>
  );
}
