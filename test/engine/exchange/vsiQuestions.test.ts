import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregateScores, parseNumber } from '../../../src/engine/eval/vsiScore.js';
import {
  evaluateExternal,
  externalSamples,
  observeForQuestions,
  parseVsiQuestions,
  readVsiQuestions,
  resolveQuestionScenes,
  writePredictions,
} from '../../../src/engine/exchange/vsiQuestions.js';
import { KNOWN_QUESTION_TYPES } from '../../../src/engine/exchange/vsiRecord.js';
import { defaultPerceptionConfig } from '../../../src/shared/observation.js';
import { hashSeed } from '../../../src/shared/random.js';
import { summarizeScene } from '../../../src/shared/scene.js';
import { inputError } from '../../helpers/errors.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { useTinySolvers, vsiQuestionRecords, vsiScenes, writeJsonl, type RawVsiRecord } from './fixtures.js';

const summaries = () => vsiScenes().map(summarizeScene);
const sceneMap = () => new Map(vsiScenes().map((s) => [s.id, s]));

describe('reading VSI-Bench question files', () => {
  const tmp = useTmpDirs();

  it('reads JSON Lines and JSON arrays alike, maps options and ground truth to our QA form, route planning included', () => {
    const records = vsiQuestionRecords();
    const dir = tmp();
    const jsonl = readVsiQuestions(writeJsonl(dir, 'q.jsonl', records));
    const arrayFile = join(dir, 'q.json');
    writeFileSync(arrayFile, JSON.stringify(records, null, 2));
    const array = readVsiQuestions(arrayFile);
    expect(array.questions.map((q) => q.record)).toEqual(jsonl.questions.map((q) => q.record));

    expect(jsonl.questions).toHaveLength(records.length);
    expect(jsonl.skipped).toEqual([]);
    const byId = new Map(jsonl.questions.map((q) => [q.record.id, q]));
    const count = byId.get(101)!;
    expect(count).toMatchObject({ family: 'object_counting', answerType: 'number', options: null, answer: 2 });
    expect(byId.get(207)).toMatchObject({ family: 'route_planning', answerType: 'choice', options: ['A. Turn Left', 'B. Turn Right', 'C. Turn Back'], answer: 'A' });
    const rel = byId.get(205)!;
    expect(rel.answerType).toBe('choice');
    expect(rel.options).toEqual(['A. chair', 'B. window', 'C. radiator', 'D. door']);
    expect(rel.answer).toBe(records.find((r) => r.id === 205)!.ground_truth);
    expect(byId.get(202)!.answer).toBeCloseTo(vsiScenes()[1]!.room.area, 1);
  });

  it('letters bare options by position, reads a letter written as "B." or as the option text, and numbers given as numbers', () => {
    const base = vsiQuestionRecords()[7]!; // object_rel_distance
    const set = parseVsiQuestions(
      [
        { ...base, id: 1, options: ['chair', 'window', 'radiator', 'door'], ground_truth: 'B.' },
        { ...base, id: 2, options: ['chair', 'window', 'radiator', 'door'], ground_truth: 'radiator' },
        { ...vsiQuestionRecords()[0]!, id: 3, ground_truth: 4 },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
      'inline.jsonl',
    );
    expect(set.questions[0]!.options).toEqual(['A. chair', 'B. window', 'C. radiator', 'D. door']);
    expect(set.questions.map((q) => q.answer)).toEqual(['B', 'C', 4]);
  });

  it('names file, record, id and field for every problem at once', () => {
    const good = vsiQuestionRecords();
    const bad: unknown[] = [
      { ...good[0]!, id: 1, question: undefined },
      { ...good[7]!, id: 2, options: ['A. chair', 'C. window'] },
      { ...good[7]!, id: 3, ground_truth: 'E' },
      { ...good[0]!, id: 4, question_type: 'object_count' },
      { ...good[0]!, id: 5, ground_truth: '0' },
      { ...good[0]!, id: 6, options: ['A. 1', 'B. 2'] },
      { ...good[0]!, id: 6 },
      { ...good[0]!, id: 7, scene_name: 42 },
      'not a record',
    ].map((r) => (typeof r === 'object' && r !== null ? Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) : r));
    const file = writeJsonl(tmp(), 'bad.jsonl', bad);
    const e = inputError(() => readVsiQuestions(file));
    const text = e.problems.map((p) => `${p.file}: ${p.field}: ${p.message}`);
    expect(e.problems.every((p) => p.file === file)).toBe(true);
    expect(text).toContainEqual(`${file}: record 0 (id 1, line 1).question: missing field`);
    expect(text).toContainEqual(`${file}: record 1 (id 2, line 2).options[1]: option 2 is lettered "C", expected "B" (options are lettered A, B, C, … in order)`);
    expect(text.find((t) => t.includes('record 2 (id 3, line 3).ground_truth'))).toMatch(/expected one of the option letters A, B, C, D \(or an option's text\), found the string "E"/);
    const unknown = text.find((t) => t.includes('record 3 (id 4, line 4).question_type'))!;
    expect(unknown).toMatch(/unknown question_type "object_count"; expected one of object_counting, /);
    for (const t of KNOWN_QUESTION_TYPES) expect(unknown).toContain(t);
    expect(text.find((t) => t.includes('(id 5, line 5).ground_truth'))).toMatch(/positive number: relative accuracy \(MRA\) cannot score a ground truth of 0/);
    expect(text.find((t) => t.includes('(id 6, line 6).options'))).toMatch(/object_counting is answered with a number: expected null/);
    expect(text.find((t) => t.includes('(id 6, line 7).id'))).toMatch(/duplicate id 6 \(record 5 has it too\)/);
    expect(text.find((t) => t.includes('(id 7, line 8).scene_name'))).toMatch(/expected a non-empty string, found 42/);
    expect(text.find((t) => t.includes('record 8 (line 9)'))).toMatch(/expected an object with id, dataset/);
  });

  it('reports invalid JSON with its line, and an empty file', () => {
    const dir = tmp();
    const file = join(dir, 'broken.jsonl');
    writeFileSync(file, `${JSON.stringify(vsiQuestionRecords()[0])}\n{"id": 2, "dataset": \n`);
    const e = inputError(() => readVsiQuestions(file));
    expect(e.problems[0]).toMatchObject({ file, field: 'line 2' });
    expect(e.problems[0]!.message).toMatch(/not valid JSON/);
    writeFileSync(file, '\n  \n');
    expect(inputError(() => readVsiQuestions(file)).message).toMatch(/the file is empty/);
    expect(inputError(() => readVsiQuestions(join(dir, 'nope.jsonl'))).message).toMatch(/cannot read file: ENOENT/);
  });

  it('maps scene_name + dataset to stored scenes, and lists missing scenes with the import command', () => {
    const set = parseVsiQuestions(JSON.stringify(vsiQuestionRecords()), 'q.json');
    const resolved = resolveQuestionScenes(set, summaries());
    expect(new Set(resolved.map((q) => q.sceneId))).toEqual(new Set(['vsibench:scene0251_00', 'vsibench:scene0277_02']));
    // A scene imported from another source under the same name is used when it is the only one.
    const other = summaries().map((s) => ({ ...s, id: s.id.replace('vsibench:', 'scannet:') }));
    expect(resolveQuestionScenes(set, other)[0]!.sceneId).toMatch(/^scannet:/);
    // vsibench: wins when both exist.
    expect(resolveQuestionScenes(set, [...other, ...summaries()])[0]!.sceneId).toMatch(/^vsibench:/);

    const onlyOne = summaries().filter((s) => s.id === 'vsibench:scene0251_00');
    const e = inputError(() => resolveQuestionScenes(set, onlyOne));
    expect(e.message).toMatch(/7 questions refer to 1 scenes that are not in the workspace: scannet\/scene0277_02 \(7 questions\)/);
    expect(e.message).toContain('npm run scenes -- import vsibench:<path>/scannet_meta_info_val.json');
    // Same name, other dataset: still missing, and said so.
    const wrongDataset = summaries().map((s) => ({ ...s, dataset: 'arkitscenes' }));
    expect(inputError(() => resolveQuestionScenes(set, wrongDataset)).message).toMatch(/stored with another dataset: vsibench:scene0251_00 \(dataset arkitscenes\)/);
  });
});

describe('evaluating a solver on external questions', () => {
  const tmp = useTmpDirs();
  const solver = useTinySolvers();

  it('observes each scene once with its seeded perception and builds samples with ground truth', () => {
    const set = parseVsiQuestions(JSON.stringify(vsiQuestionRecords()), 'q.json');
    const resolved = resolveQuestionScenes(set, summaries());
    const obs = observeForQuestions(
      resolved.map((q) => q.sceneId),
      sceneMap(),
      { seed: 7, frames: 12 },
    );
    expect(obs.size).toBe(2);
    const o = obs.get('vsibench:scene0277_02')!;
    expect(o.config).toEqual({ ...defaultPerceptionConfig(hashSeed(7, 'vsibench:scene0277_02')), frames: 12 });
    expect(o.frames).toHaveLength(12);
    const samples = externalSamples(resolved, obs);
    expect(samples[0]!.qa).toMatchObject({ id: '101', family: 'object_counting', answerType: 'number', answer: 2 });
    expect(samples.find((s) => s.qa.id === '205')!.qa.options).toHaveLength(4);
  });

  it('scores every question per family and overall as VSI-Bench does, deterministically', async () => {
    const set = readVsiQuestions(writeJsonl(tmp(), 'q.jsonl', vsiQuestionRecords()));
    const resolved = resolveQuestionScenes(set, summaries());
    const s = await solver();
    const result = await evaluateExternal(s, resolved, sceneMap(), { frames: 16 });
    expect(result.predictions).toHaveLength(resolved.length);
    for (const p of result.predictions) {
      expect(p.predictionConfidence).toBeGreaterThan(0);
      expect(p.predictionConfidence).toBeLessThanOrEqual(1);
      expect(p.score).toBeGreaterThanOrEqual(0);
      expect(p.score).toBeLessThanOrEqual(1);
      if (p.question.answerType === 'choice') expect(['A', 'B', 'C', 'D'].slice(0, p.question.options!.length)).toContain(p.prediction);
      else expect(parseNumber(p.prediction)).toBeGreaterThanOrEqual(0);
    }
    const expected = aggregateScores(result.predictions.map((p) => ({ family: p.question.family, score: p.score })));
    expect(result.overall).toBeCloseTo(expected.overall, 12);
    expect(result.families.map((f) => f.family).sort()).toEqual(
      ['object_abs_distance', 'object_counting', 'object_rel_direction_easy', 'object_rel_distance', 'object_size_estimation', 'room_size_estimation', 'route_planning'].sort(),
    );
    expect(result.families.find((f) => f.family === 'object_counting')!.n).toBe(3);

    // The same solver, questions and seed give the same answers; a scene loader works like a map.
    const again = await evaluateExternal(s, resolved, (id) => sceneMap().get(id)!, { frames: 16 });
    expect(again.predictions.map((p) => [p.prediction, p.predictionConfidence])).toEqual(result.predictions.map((p) => [p.prediction, p.predictionConfidence]));
  });

  it('writes predictions in the record shape plus prediction and confidence; they read back as the same questions', async () => {
    const dir = tmp();
    const records = vsiQuestionRecords();
    const set = readVsiQuestions(writeJsonl(dir, 'q.jsonl', records));
    const resolved = resolveQuestionScenes(set, summaries());
    const result = await evaluateExternal(await solver(1), resolved, sceneMap(), { frames: 8 });
    const out = join(dir, 'out', 'predictions.jsonl');
    writePredictions(out, result.predictions);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as RawVsiRecord & { prediction: string; prediction_confidence: number });
    expect(lines).toHaveLength(resolved.length);
    lines.forEach((l, i) => {
      const original = records.find((r) => r.id === l.id)!;
      expect(Object.keys(l)).toEqual(['id', 'dataset', 'scene_name', 'question_type', 'question', 'options', 'ground_truth', 'prediction', 'prediction_confidence']);
      expect({ ...l, prediction: undefined, prediction_confidence: undefined }).toEqual({ ...original, prediction: undefined, prediction_confidence: undefined });
      expect(l.prediction).toBe(result.predictions[i]!.prediction);
      expect(l.prediction_confidence).toBe(result.predictions[i]!.predictionConfidence);
    });
    // Round trip: the predictions file is itself a valid question file with the same questions.
    const back = readVsiQuestions(out);
    expect(back.questions.map((q) => [q.record, q.answer])).toEqual(set.questions.map((q) => [q.record, q.answer]));
    // Not replaced without overwrite; a .json path gets a JSON array.
    expect(inputError(() => writePredictions(out, result.predictions)).message).toMatch(/already exists; choose another path or pass --overwrite/);
    writePredictions(out, result.predictions.slice(0, 2), { overwrite: true });
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(2);
    const asJson = join(dir, 'out', 'predictions.json');
    writePredictions(asJson, result.predictions);
    expect((JSON.parse(readFileSync(asJson, 'utf8')) as unknown[]).length).toBe(resolved.length);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['predictions.json', 'predictions.jsonl']);
  });
});
