/**
 * Grouping the virtualised QA table by family. The host sorts by family, so each family's rows are one
 * contiguous run of offsets; the table shows a header row per family (with its count) and, unless the group
 * is collapsed, that family's rows. This maps virtual table indices to headers and to query offsets.
 */
export type VirtualRow = { kind: 'group'; family: string; count: number; collapsed: boolean } | { kind: 'row'; offset: number };

export interface GroupLayout {
  /** Virtual rows in the table. */
  length: number;
  at(index: number): VirtualRow | undefined;
}

export function flatLayout(total: number): GroupLayout {
  return { length: total, at: (i) => (i >= 0 && i < total ? { kind: 'row', offset: i } : undefined) };
}

interface Group {
  family: string;
  count: number;
  collapsed: boolean;
  /** Virtual index of its header. */
  start: number;
  /** Offset of its first row in the family-sorted result. */
  offset: number;
}

/** `counts` in the host's family order (ascending by family unless `descending`). */
export function groupLayout(counts: readonly (readonly [string, number])[], collapsed: Readonly<Record<string, boolean>>): GroupLayout {
  const groups: Group[] = [];
  let start = 0;
  let offset = 0;
  for (const [family, count] of counts) {
    if (count <= 0) continue;
    const c = collapsed[family] === true;
    groups.push({ family, count, collapsed: c, start, offset });
    start += 1 + (c ? 0 : count);
    offset += count;
  }
  const length = start;
  return {
    length,
    at(index) {
      if (index < 0 || index >= length) return undefined;
      let lo = 0;
      let hi = groups.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (groups[mid]!.start <= index) lo = mid;
        else hi = mid - 1;
      }
      const g = groups[lo]!;
      if (index === g.start) return { kind: 'group', family: g.family, count: g.count, collapsed: g.collapsed };
      return { kind: 'row', offset: g.offset + (index - g.start - 1) };
    },
  };
}

/** Family order of a family-sorted query as the host returns it (binary string order, like SQLite's). */
export function orderCounts(counts: Record<string, number>, descending: boolean): [string, number][] {
  const list = Object.entries(counts).filter(([, n]) => n > 0);
  list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (descending) list.reverse();
  return list;
}

/** Offsets [lo, hi) of real rows among the virtual rows [start, end). */
export function offsetsIn(layout: GroupLayout, start: number, end: number): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = start; i < end; i++) {
    const r = layout.at(i);
    if (r?.kind === 'row') {
      lo = Math.min(lo, r.offset);
      hi = Math.max(hi, r.offset + 1);
    }
  }
  return Number.isFinite(lo) ? [lo, hi] : null;
}
