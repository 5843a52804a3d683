/**
 * Answers and predictions as a reader wants them: a measurement in its family's unit at the precision the
 * benchmark's questions use (0.01 m, whole centimetres, 0.1 m²), a count as a whole number, a letter as it is.
 * The solver writes measurements as raw floats ("15.890593298…"); the exact text stays available as a title.
 */
import { FAMILY_UNIT, type AnswerUnit, type Family } from '../../../shared/proposer.js';

const SUFFIX: Record<Exclude<AnswerUnit, 'choice' | 'count'>, string> = { m: ' m', cm: ' cm', m2: ' m²' };

/** The unit a family answers in; null for a family this build does not know. */
export function unitOfFamily(family: string): AnswerUnit | null {
  return (FAMILY_UNIT as Readonly<Record<string, AnswerUnit>>)[family as Family] ?? null;
}

function parseNumber(text: string): number | null {
  const t = text.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

function fixed(v: number, digits: number): string {
  // Never "-0.00" for a tiny negative.
  const s = v.toFixed(digits);
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
}

/** A number in a unit, e.g. 15.890593 m → "15.89 m", 158.4 cm → "158 cm", 3.14159 cm → "3.1 cm". */
export function formatMeasure(v: number, unit: AnswerUnit): string {
  switch (unit) {
    case 'm':
      return `${fixed(v, 2)}${SUFFIX.m}`;
    case 'cm':
      return `${fixed(v, Math.abs(v) < 10 ? 1 : 0)}${SUFFIX.cm}`;
    case 'm2':
      return `${fixed(v, 1)}${SUFFIX.m2}`;
    case 'count':
      return Number.isInteger(v) ? String(v) : fixed(v, 1);
    case 'choice':
      return String(v);
  }
}

/**
 * A ground truth or prediction of a question of `family`, for display. Text that is not a plain number (a letter,
 * an answer with words) and families this build does not know are shown as they are; null is "—".
 */
export function formatAnswer(family: string, value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const unit = unitOfFamily(family);
  if (unit === null || unit === 'choice') return String(value);
  const v = typeof value === 'number' ? value : parseNumber(value);
  return v === null ? String(value) : formatMeasure(v, unit);
}
