import { describe, expect, it } from 'vitest';
import { csvField, toCsv, toJsonl } from '../../src/renderer/src/lib/csv.js';
import { exportFilename, QA_CSV_COLUMNS, qaCsvFields, qaCsvHeader, qaCsvRow, qaJsonlLine } from '../../src/renderer/src/views/qa/qaExport.js';
import { FakeApi } from './fakeApi.js';

/** A small RFC 4180 parser, to check that what we write reads back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe('CSV and JSONL', () => {
  it('quotes only what needs quoting', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(3.5)).toBe('3.5');
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
  });

  it('writes CRLF lines that parse back', () => {
    const text = toCsv(['a', 'b'], [
      ['x,y', 'q"uote'],
      [1, null],
    ]);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual([
      ['a', 'b'],
      ['x,y', 'q"uote'],
      ['1', ''],
    ]);
  });

  it('writes one JSON object per line', () => {
    const text = toJsonl([{ q: 'multi\nline' }, { n: 2 }]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0]!)).toEqual({ q: 'multi\nline' });
  });

  it('formats QA rows with every column', () => {
    const api = new FakeApi();
    const qa = api.qa.find((r) => r.options !== null && r.question.includes('"'))!;
    expect(qaCsvFields(qa, 'B')).toHaveLength(QA_CSV_COLUMNS.length);
    const parsed = parseCsv(qaCsvHeader() + qaCsvRow(qa, 'B'));
    expect(parsed[0]).toEqual([...QA_CSV_COLUMNS]);
    const row = Object.fromEntries(parsed[0]!.map((k, i) => [k, parsed[1]![i]]));
    expect(row.question).toBe(qa.question);
    expect(row.options).toBe(qa.options!.join(' | '));
    expect(row.prediction).toBe('B');
    expect(JSON.parse(row.difficulty!)).toEqual(qa.difficulty);
    const line = JSON.parse(qaJsonlLine(qa, 'B'));
    expect(line).toEqual({ ...qa, prediction: 'B' });
    expect(JSON.parse(qaJsonlLine(qa, null))).toEqual(qa);
  });

  it('names export files after the filter', () => {
    expect(exportFilename({ runId: 'run-a', family: 'object_counting', iteration: 2, bucket: 'hard' }, 'csv')).toBe('qa-run-a-it2-object_counting-hard.csv');
    expect(exportFilename({ runId: 'r', sceneId: 'scannet:scene0000_00' }, 'jsonl')).toBe('qa-r-scannet_scene0000_00.jsonl');
  });
});
