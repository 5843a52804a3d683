import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { QaSortKey } from '../../../../shared/api.js';
import type { QaRecord } from '../../../../shared/records.js';
import { useQa, useStores } from '../../context.js';
import { Empty } from '../../components/Empty.js';
import { formatConfidence } from '../../lib/format.js';
import { difficultySummary } from '../../lib/qaFilter.js';
import { flatLayout, groupLayout, offsetsIn, type GroupLayout } from '../../lib/qaGroups.js';
import { visibleRange } from '../../lib/windowing.js';
import { effectiveSort, rowAt } from '../../state/qaStore.js';

export const ROW_HEIGHT = 30;

const COLUMNS: { key: string; label: string; sort?: QaSortKey; className?: string }[] = [
  { key: 'id', label: 'ID', sort: 'id', className: 'num' },
  { key: 'round', label: 'It', sort: 'round', className: 'num' },
  { key: 'family', label: 'Family', sort: 'family' },
  { key: 'difficulty', label: 'Difficulty' },
  { key: 'question', label: 'Question' },
  { key: 'options', label: 'Options' },
  { key: 'truth', label: 'Truth' },
  { key: 'prediction', label: 'Prediction' },
  { key: 'confidence', label: 'Conf.', sort: 'confidence', className: 'num' },
  { key: 'bucket', label: 'Bucket' },
  { key: 'verdict', label: 'Verdict' },
];

function Cells({ row }: { row: QaRecord }): React.JSX.Element {
  const verdict = row.verdict === 'accepted' ? 'accepted' : `rejected: ${row.rejectedBy ?? '?'}`;
  return (
    <>
      <div role="gridcell" className="num">
        {row.id}
      </div>
      <div role="gridcell" className="num">
        {row.round}
      </div>
      <div role="gridcell" className="ellipsis" title={row.family}>
        {row.family}
      </div>
      <div role="gridcell" className="ellipsis muted" title={JSON.stringify(row.difficulty)}>
        {difficultySummary(row)}
      </div>
      <div role="gridcell" className="ellipsis" title={row.question}>
        {row.question}
      </div>
      <div role="gridcell" className="ellipsis muted" title={row.options?.join('\n') ?? ''}>
        {row.options ? row.options.join(' · ') : '—'}
      </div>
      <div role="gridcell" className="ellipsis mono">
        {row.answer === null ? '—' : String(row.answer)}
      </div>
      <div role="gridcell" className="ellipsis mono" title={row.prediction ?? ''}>
        {row.prediction ?? '—'}
      </div>
      <div role="gridcell" className="num">
        {formatConfidence(row.confidence)}
      </div>
      <div role="gridcell">{row.bucket ? <span className={`bucket bucket-${row.bucket}`}>{row.bucket}</span> : <span className="muted">—</span>}</div>
      <div role="gridcell" className={`ellipsis ${row.verdict === 'accepted' ? 'ok-text' : 'error-text'}`} title={row.reason ?? verdict}>
        {verdict}
      </div>
    </>
  );
}

/** The virtualised QA table: fixed row height, only visible rows rendered, pages fetched as they come into view. */
export function QaTable(): React.JSX.Element {
  const { qa } = useStores();
  const total = useQa((s) => s.total);
  const loading = useQa((s) => s.loading);
  const pages = useQa((s) => s.pages);
  const generation = useQa((s) => s.generation);
  const grouping = useQa((s) => s.grouping);
  const groupCounts = useQa((s) => s.groupCounts);
  const groupMismatch = useQa((s) => s.groupMismatch);
  const collapsed = useQa((s) => s.collapsed);
  const sortKey = useQa((s) => effectiveSort(s).key);
  const sortDesc = useQa((s) => effectiveSort(s).descending);
  const selectedId = useQa((s) => s.selectedId);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    setViewport(el.clientHeight);
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, [total]);

  // A new result starts at the top.
  useEffect(() => {
    setScrollTop(0);
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [generation]);

  const layout: GroupLayout = useMemo(() => {
    if (total === null) return flatLayout(0);
    if (grouping && groupCounts && !groupMismatch) return groupLayout(groupCounts, collapsed);
    return flatLayout(total);
  }, [total, grouping, groupCounts, groupMismatch, collapsed]);

  // The sticky header row takes the top ROW_HEIGHT of the scroll viewport.
  const range = visibleRange(scrollTop, Math.max(0, viewport - ROW_HEIGHT), ROW_HEIGHT, layout.length, 8);

  useEffect(() => {
    const span = offsetsIn(layout, range.start, range.end);
    if (span) void qa.getState().ensureRows(span[0], span[1]);
  }, [qa, layout, range.start, range.end, generation]);

  const onScroll = useCallback((e: React.UIEvent<HTMLDivElement>) => setScrollTop(e.currentTarget.scrollTop), []);

  const select = (id: number): void => {
    void qa.getState().select(id);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>): void => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const s = qa.getState();
    // Find the selected row's virtual index among the loaded rows, then step.
    let current = -1;
    for (let i = 0; i < layout.length && current < 0; i++) {
      const v = layout.at(i);
      if (v?.kind === 'row' && rowAt(s, v.offset)?.id === s.selectedId) current = i;
      if (i > range.end + 2000) break;
    }
    const dir = e.key === 'ArrowDown' ? 1 : -1;
    for (let i = current < 0 ? range.start : current + dir; i >= 0 && i < layout.length; i += dir) {
      const v = layout.at(i);
      if (v?.kind !== 'row') continue;
      const row = rowAt(s, v.offset);
      if (!row) break;
      void s.select(row.id);
      const el = scrollRef.current;
      if (el) {
        // Row i spans [ROW_HEIGHT + i·h, ROW_HEIGHT + (i+1)·h) in the content; the header covers the first h.
        const top = i * ROW_HEIGHT;
        if (top < el.scrollTop) el.scrollTop = top;
        else if (top + 2 * ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + 2 * ROW_HEIGHT - el.clientHeight;
      }
      break;
    }
  };

  if (total === 0) {
    return (
      <div className="panel qa-table-panel">
        <Empty title="No questions match" testId="qa-empty">
          {loading ? 'Loading…' : 'Loosen the filters, or wait for the run to propose its first round.'}
        </Empty>
      </div>
    );
  }

  const rows: React.JSX.Element[] = [];
  for (let i = range.start; i < range.end; i++) {
    const v = layout.at(i);
    if (!v) continue;
    const top = i * ROW_HEIGHT;
    if (v.kind === 'group') {
      rows.push(
        <div key={`g:${v.family}`} role="row" className="qa-row qa-group" style={{ top }} data-testid="qa-group">
          <button type="button" className="link" onClick={() => qa.getState().toggleGroup(v.family)} aria-expanded={!v.collapsed}>
            {v.collapsed ? '▸' : '▾'} {v.family}
          </button>
          <span className="muted">{v.count}</span>
        </div>,
      );
      continue;
    }
    const row = rowAt({ pages }, v.offset);
    if (!row) {
      rows.push(
        <div key={`o:${v.offset}`} role="row" className="qa-row qa-placeholder" style={{ top }}>
          <div role="gridcell" className="muted">
            …
          </div>
        </div>,
      );
      continue;
    }
    rows.push(
      <div
        key={`q:${row.id}`}
        role="row"
        aria-selected={row.id === selectedId}
        className={`qa-row${row.id === selectedId ? ' selected' : ''}`}
        style={{ top }}
        onClick={() => select(row.id)}
        data-testid="qa-row"
        data-qa-id={row.id}
      >
        <Cells row={row} />
      </div>,
    );
  }

  return (
    <div className="panel qa-table-panel">
      {grouping && groupMismatch && <p className="warn-text small">Family counts do not add up to the total (families this build does not know): showing the rows ungrouped.</p>}
      <div role="grid" aria-rowcount={layout.length} aria-label="Questions" className="qa-grid" tabIndex={0} onKeyDown={onKeyDown}>
        <div className="qa-scroll" ref={scrollRef} onScroll={onScroll} data-testid="qa-scroll">
          <div role="row" className="qa-row qa-head">
            {COLUMNS.map((c) => {
              const active = c.sort !== undefined && sortKey === c.sort;
              return (
                <div key={c.key} role="columnheader" className={c.className} aria-sort={active ? (sortDesc ? 'descending' : 'ascending') : undefined}>
                  {c.sort && !grouping ? (
                    <button type="button" className="link" onClick={() => qa.getState().setSort(c.sort!)} data-testid={`sort-${c.key}`}>
                      {c.label}
                      {active ? (sortDesc ? ' ▼' : ' ▲') : ''}
                    </button>
                  ) : (
                    c.label
                  )}
                </div>
              );
            })}
          </div>
          <div className="qa-spacer" style={{ height: range.totalHeight }}>
            {rows}
          </div>
        </div>
      </div>
    </div>
  );
}
