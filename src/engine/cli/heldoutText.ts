/** Held-out scores as the CLIs print them: percentages with one decimal, intervals, one row per family. */
import type { HeldoutScore } from '../../shared/loop.js';

export const pct = (v: number | undefined | null): string => (v === undefined || v === null ? '—' : (100 * v).toFixed(1));

/** The score's bootstrap 95% interval over the benchmark's questions, e.g. "68.5–71.1". */
export const intervalText = (h: HeldoutScore | null | undefined): string => (h?.interval ? `${pct(h.interval.lo)}–${pct(h.interval.hi)}` : '—');

/** "  object_counting                  71.2  (n=299)" per family. */
export function familyRows(h: HeldoutScore): string[] {
  return h.families.map((f) => `  ${f.family.padEnd(30)} ${pct(f.score).padStart(6)}  (n=${f.n})`);
}
