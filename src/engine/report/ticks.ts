/** Tick labels short enough for a small chart; the ticks themselves come from src/shared/ticks.ts. */

/** A tick label: as many decimals as the step needs, thousands as k and millions as M. */
export function formatTick(value: number, step: number, maxAbs: number = Math.abs(value)): string {
  const [div, suffix] = maxAbs >= 1e7 ? [1e6, 'M'] : maxAbs >= 1e4 ? [1e3, 'k'] : [1, ''];
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step / div) + 1e-9)));
  const v = value / div;
  const text = (Math.abs(v) < 1e-12 ? 0 : v).toFixed(decimals);
  return `${text}${value === 0 ? '' : suffix}`;
}
