/**
 * Text tables for CLIs and reports: plain (columns padded, two spaces apart, a rule under the header) or
 * Markdown (a pipe table whose alignment row matches the padding). Numbers are right-aligned and formatted
 * with a fixed number of decimals per column, so a column of scores lines up on the decimal point.
 */

export type Align = 'left' | 'right' | 'center';
export type Cell = string | number | null | undefined;

export interface Column {
  header: string;
  /** Default: right for a column whose cells are all numbers (or empty), else left. */
  align?: Align;
  /** Decimals for numbers in this column (default: integers as they are, other numbers 2). */
  digits?: number;
  /** Custom formatting of numbers (e.g. percentages); wins over `digits`. */
  format?: (value: number) => string;
}

export interface TableOptions {
  style?: 'plain' | 'markdown';
  /** Rows set off below a rule at the end (totals, "overall"). */
  footer?: readonly (readonly Cell[])[];
  /** Text for empty cells and non-finite numbers (default "—"). */
  empty?: string;
}

/** Width in terminal columns, counting code points (the tables hold no wide CJK text). */
function width(s: string): number {
  return [...s].length;
}

function pad(s: string, w: number, align: Align): string {
  const gap = w - width(s);
  if (gap <= 0) return s;
  if (align === 'right') return ' '.repeat(gap) + s;
  if (align === 'center') return ' '.repeat(Math.floor(gap / 2)) + s + ' '.repeat(gap - Math.floor(gap / 2));
  return s + ' '.repeat(gap);
}

export function formatCell(value: Cell, column: Column, empty = '—'): string {
  if (value === null || value === undefined) return empty;
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return empty;
  if (column.format) return column.format(value);
  if (column.digits !== undefined) return value.toFixed(column.digits);
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

export function formatTable(columns: readonly Column[], rows: readonly (readonly Cell[])[], options: TableOptions = {}): string {
  const style = options.style ?? 'plain';
  const footer = options.footer ?? [];
  const all = [...rows, ...footer];
  all.forEach((r, i) => {
    if (r.length > columns.length) throw new RangeError(`row ${i} has ${r.length} cells for ${columns.length} columns`);
  });
  const aligns: Align[] = columns.map((c, j) => c.align ?? (all.every((r) => typeof r[j] === 'number' || r[j] === null || r[j] === undefined) && all.length > 0 ? 'right' : 'left'));
  const escape = (s: string): string => (style === 'markdown' ? s.replace(/\|/g, '\\|') : s);
  const text = (r: readonly Cell[]): string[] => columns.map((c, j) => escape(formatCell(r[j], c, options.empty)));
  const head = columns.map((c) => escape(c.header));
  const body = rows.map(text);
  const foot = footer.map(text);
  const widths = columns.map((_, j) => Math.max(style === 'markdown' ? 3 : 1, width(head[j]!), ...[...body, ...foot].map((r) => width(r[j]!))));
  if (style === 'markdown') {
    const line = (cells: string[]): string => `| ${cells.map((c, j) => pad(c, widths[j]!, aligns[j]!)).join(' | ')} |`;
    const rule = widths.map((w, j) => {
      const a = aligns[j]!;
      const dashes = '-'.repeat(Math.max(1, w - (a === 'center' ? 2 : a === 'right' ? 1 : 0)));
      return a === 'center' ? `:${dashes}:` : a === 'right' ? `${dashes}:` : dashes;
    });
    return [line(head), `| ${rule.join(' | ')} |`, ...body.map(line), ...foot.map(line)].join('\n');
  }
  const line = (cells: string[]): string => cells.map((c, j) => pad(c, widths[j]!, aligns[j]!)).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(head), rule, ...body.map(line), ...(foot.length ? [rule, ...foot.map(line)] : [])].join('\n');
}
