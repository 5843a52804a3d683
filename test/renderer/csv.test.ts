import { describe, expect, it } from 'vitest';
import { toJsonl } from '../../src/renderer/src/lib/jsonl.js';
import { exportFilename, QA_CSV_COLUMNS, qaCsvFields, qaCsvHeader, qaCsvRow, qaJsonlLine } from '../../src/renderer/src/lib/qaExport.js';
import { FakeApi } from './fakeApi.js';
import { parseCsv } from '../helpers/csv.js';


// The CSV writer itself is tested in test/shared/csv.test.ts; here, the QA export built on it.
describe('QA export as CSV and JSONL', () => {
  it('writes one JSON object per line', () => {
    const text = toJsonl([{ q: 'multi\nline' }, { n: 2 }]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0]!)).toEqual({ q: 'multi\nline' });
  });

  it('formats QA rows with every column, the latest prediction among them', () => {
    const api = new FakeApi();
    const qa = { ...api.qa.find((r) => r.options !== null && r.question.includes('"'))!, prediction: 'B' };
    expect(qaCsvFields(qa)).toHaveLength(QA_CSV_COLUMNS.length);
    const text = qaCsvHeader() + qaCsvRow(qa);
    expect(text.endsWith('\r\n')).toBe(true);
    const parsed = parseCsv(text);
    expect(parsed[0]).toEqual([...QA_CSV_COLUMNS]);
    const row = Object.fromEntries(parsed[0]!.map((k, i) => [k, parsed[1]![i]]));
    expect(row.question).toBe(qa.question);
    expect(row.options).toBe(qa.options!.join(' | '));
    expect(row.prediction).toBe('B');
    expect(JSON.parse(row.difficulty!)).toEqual(qa.difficulty);
    expect(JSON.parse(qaJsonlLine(qa))).toEqual(qa);
    const unanswered = { ...qa, prediction: null, confidence: null, bucket: null };
    expect(parseCsv(qaCsvRow(unanswered))[0]![QA_CSV_COLUMNS.indexOf('prediction')]).toBe('');
  });

  it('names export files after the filter', () => {
    expect(exportFilename({ runId: 'run-a', family: 'object_counting', round: 2, bucket: 'hard' }, 'csv')).toBe('qa-run-a-it2-object_counting-hard.csv');
    expect(exportFilename({ runId: 'r', sceneId: 'scannet:scene0000_00' }, 'jsonl')).toBe('qa-r-scannet_scene0000_00.jsonl');
  });
});
