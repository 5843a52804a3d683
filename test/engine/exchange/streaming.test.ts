/**
 * Large question files (issue 11): read in chunks, checked and answered in bounded batches, with progress a user
 * can see. Sizes are a few megabytes so the tests stay quick; nothing here is timed.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { evalQuestionsCommand, progressLines } from '../../../src/engine/exchange/commands.js';
import { parseJsonRecords, readJsonRecordBatches } from '../../../src/engine/exchange/jsonRecords.js';
import {
  PredictionsWriter,
  evaluateExternal,
  evaluateQuestionFile,
  readVsiQuestions,
  resolveQuestionScenes,
  scanVsiQuestionFile,
  writePredictions,
  type ExternalPrediction,
} from '../../../src/engine/exchange/vsiQuestions.js';
import { Solver } from '../../../src/engine/solver/solver.js';
import { createRound, createRun, openStore, saveCheckpoint, saveScenes } from '../../../src/engine/store/index.js';
import { InputError } from '../../../src/shared/errors.js';
import { summarizeScene } from '../../../src/shared/scene.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { newRun } from '../store/fixtures.js';
import { TINY_SOLVER, useTinySolvers, vsiQuestionRecords, vsiScenes, type RawVsiRecord } from './fixtures.js';

/** The fixture questions repeated under fresh ids until the text reaches `bytes`. */
function manyRecords(bytes: number): RawVsiRecord[] {
  const base = vsiQuestionRecords();
  const out: RawVsiRecord[] = [];
  for (let size = 0, i = 0; size < bytes; i++) {
    const r = { ...base[i % base.length]!, id: 100000 + i };
    out.push(r);
    size += JSON.stringify(r).length + 1;
  }
  return out;
}

const jsonLines = (records: readonly unknown[]): string => records.map((r) => `${JSON.stringify(r)}\n`).join('');

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('reading a large question file in chunks', () => {
  const tmp = useTmpDirs();

  it('yields records before the whole file is read, the same records as a whole-file parse, for JSON Lines and JSON arrays', () => {
    const records = manyRecords(3 * 1024 * 1024);
    const dir = tmp();
    for (const [name, text] of [
      ['q.jsonl', jsonLines(records)],
      ['q.json', JSON.stringify(records, null, 2)],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const batches = [...readJsonRecordBatches(file, { chunkBytes: 64 * 1024 })];
      const first = batches.find((b) => b.records.length > 0)!;
      // Streaming, not a whole-file read: the first records come with a small part of the file read.
      expect(first.bytesRead).toBeLessThanOrEqual(64 * 1024);
      expect(first.totalBytes).toBe(Buffer.byteLength(text));
      expect(batches.length).toBeGreaterThan(40);
      expect(Math.max(...batches.map((b) => b.records.length))).toBeLessThan(records.length / 20);
      expect(batches.flatMap((b) => b.records)).toEqual(parseJsonRecords(text, file));
      expect(batches.flatMap((b) => b.records.map((r) => r.value))).toEqual(records);
    }
  });

  it('reads the same records whatever the chunk size, through multi-byte characters, NaN and brackets inside strings', () => {
    const dir = tmp();
    const records = [{ a: 'é — ü 你好 🎲', b: [1, { c: '],}{"\\' }] }, { n: 'x' }, [], 'plain'];
    const array = `\uFEFF \n[\n${records.map((r) => JSON.stringify(r, null, 1)).join(' ,\n')} , {"v": NaN}\n]\n`;
    const lines = `\uFEFF\n\n${records.map((r) => JSON.stringify(r)).join('\r\n')}\n{"v": NaN}`;
    for (const text of [array, lines]) {
      const file = join(dir, 'f.json');
      writeFileSync(file, text);
      const whole = parseJsonRecords(text, file);
      expect(whole).toHaveLength(5);
      for (const chunkBytes of [1, 2, 3, 7, 1000]) expect([...readJsonRecordBatches(file, { chunkBytes })].flatMap((b) => b.records)).toEqual(whole);
    }
  });

  it('names the line of a broken JSON line or the line and column of a broken array element, far into the file, without quoting it', () => {
    const dir = tmp();
    const records = manyRecords(1024 * 1024);
    const n = records.length - 17;
    const file = join(dir, 'broken.jsonl');
    writeFileSync(file, jsonLines(records.slice(0, n)) + '{"id": 1, "secret-marker": \n' + jsonLines(records.slice(n)));
    const e = thrown(() => [...readJsonRecordBatches(file, { chunkBytes: 4096 })]);
    expect(e.problems).toEqual([{ file, field: `line ${n + 1}`, message: expect.stringMatching(/^not valid JSON/) }]);
    expect(e.message).not.toContain('secret-marker');

    const arrayFile = join(dir, 'broken.json');
    writeFileSync(arrayFile, `[\n${records.map((r, i) => (i === n ? '{"id": 1, "secret-marker" 2}' : JSON.stringify(r))).join(',\n')}\n]`);
    const a = thrown(() => [...readJsonRecordBatches(arrayFile, { chunkBytes: 4096 })]);
    expect(a.message).toBe(`${arrayFile}: not valid JSON at line ${n + 2}, column 27: expected ':' after the property name`);
  });
});

describe('checking and answering a large question file', () => {
  const tmp = useTmpDirs();
  const solver = useTinySolvers();
  const summaries = () => vsiScenes().map(summarizeScene);
  const sceneMap = () => new Map(vsiScenes().map((s) => [s.id, s]));

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('names record N, its id, line and field when record N of a large file is wrong, for JSON Lines and JSON arrays', () => {
    const dir = tmp();
    const records = manyRecords(2 * 1024 * 1024);
    const n = records.length - 123;
    const bad = records.map((r, i) => (i === n ? { ...r, question: undefined } : r));
    const file = join(dir, 'q.jsonl');
    writeFileSync(file, jsonLines(bad));
    const id = records[n]!.id;
    const e = thrown(() => scanVsiQuestionFile(file, summaries(), { chunkBytes: 32 * 1024 }));
    expect(e.problems.map((p) => [p.file, p.field])).toEqual([[file, `record ${n} (id ${id}, line ${n + 1}).question`]]);

    const arrayFile = join(dir, 'q.json');
    writeFileSync(arrayFile, JSON.stringify(bad));
    const a = thrown(() => scanVsiQuestionFile(arrayFile, summaries(), { chunkBytes: 32 * 1024 }));
    expect(a.problems.map((p) => [p.file, p.field])).toEqual([[arrayFile, `record ${n} (id ${id}).question`]]);
  });

  it('answers a file in batches with the same predictions, and the same predictions file, as answering it at once', async () => {
    const dir = tmp();
    const records = manyRecords(120 * 1024);
    const file = join(dir, 'q.jsonl');
    writeFileSync(file, jsonLines(records));
    const s = await solver();
    const once = await evaluateExternal(s, resolveQuestionScenes(readVsiQuestions(file), summaries()), sceneMap(), { frames: 8 });

    const scan = scanVsiQuestionFile(file, summaries(), { chunkBytes: 8 * 1024 });
    expect(scan.questions).toBe(once.predictions.length);
    const batches: number[] = [];
    const streamed: ExternalPrediction[] = [];
    for (const path of [join(dir, 'out', 'p.jsonl'), join(dir, 'out', 'p.json')]) {
      const writer = new PredictionsWriter(path);
      streamed.length = 0;
      batches.length = 0;
      const result = await evaluateQuestionFile(
        s,
        scan,
        sceneMap(),
        (p) => {
          batches.push(p.length);
          streamed.push(...p);
          writer.write(p);
        },
        { frames: 8, batchSize: 50, chunkBytes: 8 * 1024 },
      );
      writer.commit();
      // 50 rounds up to the tiny solver's inference batch of 8.
      expect(batches.slice(0, -1).every((b) => b === 56)).toBe(true);
      expect(batches.reduce((a, b) => a + b, 0)).toBe(scan.questions);
      expect(streamed.map((p) => [p.question.record.id, p.prediction, p.predictionConfidence])).toEqual(once.predictions.map((p) => [p.question.record.id, p.prediction, p.predictionConfidence]));
      expect(result).toEqual({ answered: once.predictions.length, families: once.families, overall: once.overall });
      const reference = join(dir, `reference${path.slice(-6)}`);
      writePredictions(reference, once.predictions);
      expect(readFileSync(path, 'utf8')).toBe(readFileSync(reference, 'utf8'));
    }

    // A file edited between the check and the answers is refused, not half answered.
    appendFileSync(file, `${JSON.stringify({ ...records[0]!, id: 1 })}\n`);
    await expect(evaluateQuestionFile(s, scan, sceneMap(), () => undefined)).rejects.toThrow(/the file changed while its questions were being answered/);
  });

  it('eval-questions reads, checks and answers a file of a few megabytes in bounded batches and reports progress as it goes', async () => {
    const ws = tmp();
    const store = openStore({ workspaceDir: ws });
    let checkpointId: number;
    try {
      saveScenes(store, vsiScenes());
      createRun(store, newRun({ id: 'run-1', config: { frames: 4 } }));
      createRound(store, { runId: 'run-1', round: 0, status: 'completed', stage: 'evaluate' });
      const s = await Solver.create(TINY_SOLVER, 3, { threads: 1, log: () => undefined });
      const bytes = s.checkpoint();
      await s.dispose();
      checkpointId = saveCheckpoint(store, { runId: 'run-1', round: 0, config: {}, optimizerStep: 0, content: { bytes } }).id;
    } finally {
      store.close();
    }
    const records = manyRecords(2 * 1024 * 1024);
    const file = join(tmp(), 'questions.jsonl');
    writeFileSync(file, jsonLines(records));
    const out = join(tmp(), 'predictions.jsonl');
    const sizes: number[] = [];
    const predict = Solver.prototype.predict;
    vi.spyOn(Solver.prototype, 'predict').mockImplementation(function (this: Solver, samples) {
      sizes.push(samples.length);
      return predict.call(this, samples);
    });
    const lines: string[] = [];
    const report = await evalQuestionsCommand(ws, {
      questions: file,
      checkpointId,
      out,
      progress: (l) => lines.push(l),
      progressIntervalMs: 0,
      batchSize: 1024,
      chunkBytes: 128 * 1024,
      runtime: { threads: 1, log: () => undefined },
    });
    const answered = records.length;
    expect(report).toContain(`answered ${answered} questions of ${file}`);
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(answered);

    // Bounded work: the solver never sees more than one batch at a time.
    expect(sizes).toHaveLength(Math.ceil(answered / 1024));
    expect(Math.max(...sizes)).toBe(1024);

    // Progress while checking (by bytes, with an estimate of what is left), then while answering.
    const checking = lines.filter((l) => l.startsWith(`checking ${file}: `));
    const answering = lines.filter((l) => l.startsWith('answering: '));
    expect(lines).toEqual([...checking, ...answering]);
    expect(checking.length).toBeGreaterThan(10);
    expect(checking[0]).toMatch(/^checking .*: 0\.1 of 2\.0 MB, [\d,]+ records \([\d.]+ MB\/s, about \d+ (s|min \d+ s) left\)$/);
    expect(checking.at(-1)).toMatch(new RegExp(`: 2\\.0 of 2\\.0 MB, ${records.length.toLocaleString('en-US')} records`));
    expect(answering).toHaveLength(sizes.length);
    expect(answering[0]).toMatch(new RegExp(`^answering: 1,024 of ${answered.toLocaleString('en-US')} questions \\([\\d.]+%\\), [\\d,]+ questions/s, about .+ left$`));
    expect(answering.at(-1)).toContain(`${answered.toLocaleString('en-US')} of ${answered.toLocaleString('en-US')} questions (100.0%)`);
  });
});

describe('progress lines', () => {
  it('are spaced by the interval, absent for a phase that ends before the first is due, and end on the final figure', () => {
    let t = 0;
    const lines: string[] = [];
    const phase = progressLines((l) => lines.push(l), 2000, () => t);
    const quick = phase<number>((n) => `quick ${n}`);
    t = 1500;
    quick(1, false);
    quick(2, true);
    expect(lines).toEqual([]);

    const slow = phase<number>((n, rate) => `slow ${n}${rate(n, 10).left}`);
    for (let n = 1; n <= 10; n++) {
      t += 700;
      slow(n, n === 10);
    }
    // At 1500 + 700 n: due at n = 3, 6 and 9 (2100 ms apart), then the final figure.
    expect(lines).toEqual(['slow 3, about 5 s left', 'slow 6, about 3 s left', 'slow 9, about 1 s left', 'slow 10']);
  });
});
