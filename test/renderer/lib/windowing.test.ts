import { describe, expect, it } from 'vitest';
import { pagesFor, scrollToRow, visibleRange } from '../../../src/renderer/src/lib/windowing.js';

describe('windowing', () => {
  it('renders only the visible rows plus overscan', () => {
    const r = visibleRange(0, 300, 30, 10_000, 5);
    expect(r).toEqual({ start: 0, end: 15, offsetTop: 0, totalHeight: 300_000 });
    const mid = visibleRange(3000, 300, 30, 10_000, 5);
    expect(mid.start).toBe(95);
    expect(mid.end).toBe(115);
    expect(mid.offsetTop).toBe(95 * 30);
  });

  it('clamps at the end and for scroll offsets past the content', () => {
    const r = visibleRange(1e9, 300, 30, 100, 5);
    expect(r.end).toBe(100);
    expect(r.start).toBe(100 - 10 - 5);
    expect(visibleRange(-50, 300, 30, 100, 0).start).toBe(0);
  });

  it('handles empty and short lists', () => {
    expect(visibleRange(0, 300, 30, 0)).toEqual({ start: 0, end: 0, offsetTop: 0, totalHeight: 0 });
    expect(visibleRange(0, 300, 30, 3, 5)).toMatchObject({ start: 0, end: 3 });
  });

  it('lists the pages covering a row range', () => {
    expect(pagesFor(0, 15, 100)).toEqual([0]);
    expect(pagesFor(95, 115, 100)).toEqual([0, 1]);
    expect(pagesFor(100, 200, 100)).toEqual([1]);
    expect(pagesFor(5, 5, 100)).toEqual([]);
  });

  it('scrolls a row into view only when needed', () => {
    expect(scrollToRow(10, 0, 300, 30)).toBe(30); // row 10 ends at 330 > 300
    expect(scrollToRow(2, 0, 300, 30)).toBe(0);
    expect(scrollToRow(1, 100, 300, 30)).toBe(30);
  });
});
