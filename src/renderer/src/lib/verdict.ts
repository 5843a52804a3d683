/**
 * How a paired difference is shown: its text in the experiment report's words, and a class that colours only a
 * difference whose interval excludes 0. "No difference" is neutral, never the colour of a win: a mean above 0
 * whose interval holds 0 is not evidence that one setting is better.
 */
import { formatDifference, type PairedDifference, type Verdict } from '../../../shared/statistics.js';

export function verdictClass(verdict: Verdict): string {
  return verdict === 'better' ? 'verdict verdict-better' : verdict === 'worse' ? 'verdict verdict-worse' : 'verdict verdict-none';
}

/** "+4.0 [1.5, 6.5] better" on the score's percent scale. */
export function differenceText(d: PairedDifference): string {
  return formatDifference(d, 100);
}

/** A score difference in points with its sign, typographic minus for negatives: "+1.0", "−0.5", "0.0". */
export function signedPoints(d: number, digits = 1): string {
  const text = Math.abs(d * 100).toFixed(digits);
  if (Number(text) === 0) return text;
  return d < 0 ? `\u2212${text}` : `+${text}`;
}
