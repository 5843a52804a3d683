/**
 * The QA table's columns and which of them fit: each column has a minimum width and a priority; when the table is
 * narrower than all of them (the detail open on a laptop screen), the least important go first, so ID, family,
 * question, truth, prediction and verdict stay on screen instead of the last columns being cut off. What a hidden
 * column held is in the question's detail. Cells never wrap (ellipsis, full text as a title).
 */
import type { QaSortKey } from '../../../../shared/api.js';

export type QaColumnKey = 'id' | 'round' | 'family' | 'difficulty' | 'question' | 'options' | 'truth' | 'prediction' | 'confidence' | 'bucket' | 'verdict';

export interface QaColumn {
  key: QaColumnKey;
  label: string;
  /** Full name, for the header's title. */
  title: string;
  sort?: QaSortKey;
  className?: string;
  /** Narrowest the column may be, in px. */
  min: number;
  /** Share of the width left over; 0: fixed at `min`. */
  grow: number;
  /** 0: always shown; higher numbers are hidden first. */
  priority: number;
}

export const QA_COLUMNS: readonly QaColumn[] = [
  { key: 'id', label: 'ID', title: 'question id', sort: 'id', className: 'num', min: 64, grow: 0, priority: 0 },
  { key: 'round', label: 'Rd.', title: 'round the question was proposed in', sort: 'round', className: 'num', min: 30, grow: 0, priority: 1 },
  { key: 'family', label: 'Family', title: 'family', sort: 'family', min: 110, grow: 1.3, priority: 0 },
  { key: 'difficulty', label: 'Difficulty', title: 'difficulty bin and knobs', min: 80, grow: 1, priority: 4 },
  { key: 'question', label: 'Question', title: 'question', min: 160, grow: 3, priority: 0 },
  { key: 'options', label: 'Options', title: 'options of a choice question', min: 70, grow: 1, priority: 5 },
  { key: 'truth', label: 'Truth', title: 'ground truth, in the family unit', min: 72, grow: 0, priority: 0 },
  { key: 'prediction', label: 'Prediction', title: "the solver's latest prediction, in the family unit", min: 80, grow: 0.8, priority: 0 },
  { key: 'confidence', label: 'Conf.', title: "ground-truth confidence of the solver's latest answer", sort: 'confidence', className: 'num', min: 52, grow: 0, priority: 2 },
  { key: 'bucket', label: 'Bucket', title: 'bucket of the latest answer', min: 66, grow: 0, priority: 3 },
  { key: 'verdict', label: 'Verdict', title: 'filter verdict', min: 90, grow: 1.1, priority: 0 },
];

/** Horizontal space a row takes besides its columns: the gap between columns and the row's padding. */
export const COLUMN_GAP = 8;
export const ROW_PADDING = 20;

export interface FittedColumns {
  columns: QaColumn[];
  /** CSS grid-template-columns for the header and every row. */
  template: string;
  /** The rows' minimum width: wider than the table only when even the kept columns do not fit (it scrolls then). */
  minWidth: number;
  hidden: QaColumn[];
}

function widthOf(columns: readonly QaColumn[]): number {
  return columns.reduce((w, c) => w + c.min, 0) + COLUMN_GAP * Math.max(0, columns.length - 1) + ROW_PADDING;
}

/** The columns that fit in `width` px, least important dropped first, in table order. */
export function fitColumns(width: number, all: readonly QaColumn[] = QA_COLUMNS): FittedColumns {
  let shown = [...all];
  const byDropOrder = [...all].filter((c) => c.priority > 0).sort((a, b) => b.priority - a.priority);
  for (const c of byDropOrder) {
    if (widthOf(shown) <= width) break;
    shown = shown.filter((x) => x !== c);
  }
  return {
    columns: shown,
    template: shown.map((c) => (c.grow > 0 ? `minmax(${c.min}px, ${c.grow}fr)` : `${c.min}px`)).join(' '),
    minWidth: widthOf(shown),
    hidden: all.filter((c) => !shown.includes(c)),
  };
}
