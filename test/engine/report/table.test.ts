import { describe, expect, it } from 'vitest';
import { formatCell, formatTable } from '../../../src/engine/report/table.js';

const columns = [{ header: 'family' }, { header: 'n' }, { header: 'score %', format: (v: number) => (100 * v).toFixed(1) }, { header: 'loss', digits: 3 }];
const rows = [
  ['object_counting', 54, 0.678, 1.23456],
  ['room_size_estimation', 20, 0.62, null],
  ['a|b', 7, Number.NaN, 0.5],
];

describe('formatTable', () => {
  it('pads plain columns, right-aligns numbers, formats them per column and sets a footer off', () => {
    const text = formatTable(columns, rows, { footer: [['overall', 81, 0.635, undefined]] });
    expect(text.split('\n')).toEqual([
      'family                 n  score %   loss',
      '--------------------  --  -------  -----',
      'object_counting       54     67.8  1.235',
      'room_size_estimation  20     62.0      —',
      'a|b                    7        —  0.500',
      '--------------------  --  -------  -----',
      'overall               81     63.5      —',
    ]);
  });

  it('writes a Markdown pipe table whose alignment row matches, escaping pipes', () => {
    const text = formatTable([...columns, { header: 'note', align: 'center' }], rows.map((r) => [...r, 'x']), { style: 'markdown' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('| family               |   n | score % |  loss | note |');
    expect(lines[1]).toBe('| -------------------- | --: | ------: | ----: | :--: |');
    expect(lines[4]).toBe('| a\\|b                 |   7 |       — | 0.500 |  x   |');
    // Every line has the same width, so the source reads as a table too.
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });

  it('formats cells on their own and refuses rows wider than the header', () => {
    expect(formatCell(3, { header: '' })).toBe('3');
    expect(formatCell(3.14159, { header: '' })).toBe('3.14');
    expect(formatCell(undefined, { header: '' }, '-')).toBe('-');
    expect(formatTable([{ header: 'x', align: 'right' }], [['a'], ['bbb']])).toBe('  x\n---\n  a\nbbb');
    expect(() => formatTable([{ header: 'x' }], [['a', 'b']])).toThrow(/row 0 has 2 cells for 1 columns/);
  });
});
