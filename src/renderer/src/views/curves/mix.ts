/** The generation mix (lib/generationMix.ts) laid out as stacked bars, one column per round. */
import type { MixOverRounds } from '../../lib/generationMix.js';

export interface MixRect {
  key: string;
  family: string;
  round: number;
  share: number;
  x: number;
  y: number;
  w: number;
  h: number;
  reason: string;
}

/** Stacked bars: one column per round, families stacked bottom-up in `families` order. */
export function stackLayout(mix: MixOverRounds, width: number, height: number, gap = 2): { rects: MixRect[]; colW: number } {
  const n = mix.columns.length;
  const colW = n > 0 ? width / n : width;
  const rects: MixRect[] = [];
  mix.columns.forEach((c, i) => {
    let y = height;
    for (const f of mix.families) {
      const share = c.shares[f] ?? 0;
      if (share <= 0) continue;
      const h = share * height;
      y -= h;
      rects.push({ key: `${c.round}\u0000${f}`, family: f, round: c.round, share, x: i * colW + gap / 2, y, w: Math.max(1, colW - gap), h, reason: c.reason });
    }
  });
  return { rects, colW };
}
