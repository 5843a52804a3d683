import { describe, expect, it } from 'vitest';
import { fitColumns, QA_COLUMNS } from '../../../../src/renderer/src/views/qa/qaColumns.js';

const KEY = ['id', 'family', 'question', 'truth', 'prediction', 'verdict'];

describe('QA table columns (issue 14, item 12)', () => {
  it('shows every column where there is room', () => {
    const f = fitColumns(1500);
    expect(f.columns).toEqual(QA_COLUMNS);
    expect(f.hidden).toEqual([]);
    expect(f.minWidth).toBeLessThanOrEqual(1500);
  });

  it('drops the least important first, keeping the verdict and the other key columns, in table order', () => {
    // The table beside the detail on a 1280 px window.
    const f = fitColumns(810);
    expect(f.minWidth).toBeLessThanOrEqual(810);
    expect(f.columns.map((c) => c.key)).toEqual(expect.arrayContaining(KEY));
    expect(f.hidden.map((c) => c.key)).toEqual(['difficulty', 'options']);
    expect(f.columns.map((c) => c.key)).toEqual(QA_COLUMNS.map((c) => c.key).filter((k) => !['difficulty', 'options'].includes(k)));
    // One track per shown column.
    expect(f.template.match(/(minmax\([^)]*\)|\d+px)/g)).toHaveLength(f.columns.length);
  });

  it('never drops a key column: too narrow even for them, the rows keep their width and scroll', () => {
    const f = fitColumns(300);
    expect(f.columns.map((c) => c.key)).toEqual(KEY);
    expect(f.minWidth).toBeGreaterThan(300);
  });
});
