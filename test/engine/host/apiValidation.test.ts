import { describe, expect, it } from 'vitest';
import { API_METHODS, validateApiArgs, type ApiMethod } from '../../../src/shared/apiValidation.js';
import { InputError } from '../../../src/shared/errors.js';
import { inputError } from '../../helpers/errors.js';

const message = (method: string, args: unknown): string => inputError(() => validateApiArgs(method as ApiMethod, args)).message;

describe('API argument validation', () => {
  it('passes well-formed calls through unchanged', () => {
    const calls: [ApiMethod, unknown[]][] = [
      ['info', []],
      ['listScenes', []],
      ['listScenes', [{ dataset: 'scannet', limit: 10, offset: 0 }]],
      ['getScene', ['synthetic:0']],
      ['getScenePoints', ['synthetic:0', 200_000]],
      ['getFrameImage', ['synthetic:0', 0]],
      ['listRuns', []],
      ['getRun', ['r1']],
      ['startRun', [{}]],
      ['startRun', [{ scenes: ['synthetic:4'], rounds: 1, thresholds: { easy: 0.8 }, mode: 'static', model: 'tiny', dataSeed: 3 }]],
      ['stopRun', ['r1']],
      ['resumeRun', ['r1']],
      ['resumeRun', ['r1', 'qwen-ouro-r1']],
      ['updateRun', ['r1', { name: 'renamed' }]],
      ['updateRun', ['r1', { tags: [], notes: '' }]],
      ['updateRun', ['r1', { name: 'x', tags: ['ablation', 'seed 7'], notes: 'a'.repeat(20_000) }]],
      ['deleteRun', ['r1']],
      ['getRunConfig', ['r1']],
      ['queryQa', [{ runId: 'r1', round: 0, family: 'object_counting', sceneId: 's', bucket: 'hard', verdict: 'accepted', answered: true, bin: 2, search: '', sort: 'confidence', descending: true, limit: 50, offset: 100 }]],
      ['getQa', [7]],
      ['sceneObjectConfidence', ['synthetic:0']],
      ['sceneObjectConfidence', ['synthetic:0', 'r1']],
      ['sceneConfidenceByRound', ['synthetic:0', 'r1']],
      ['rerunProgram', [7]],
      ['heatmap', [{ runId: 'r1', kind: 'bin-round', metric: 'accuracy', family: 'object_counting' }]],
      ['curves', [['a', 'b']]],
      ['curves', [[]]],
      ['trainingSeries', [{ runIds: ['a', 'b'] }]],
      ['trainingSeries', [{ runIds: [], maxPoints: 500 }]],
      ['compareRuns', []],
      ['compareRuns', [{ runIds: ['a'], a: 'k1', b: 'k2' }]],
      ['experiments', []],
    ];
    for (const [m, args] of calls) expect(validateApiArgs(m, args), m).toEqual(args);
    // An optional argument sent as undefined counts as left out.
    expect(validateApiArgs('listScenes', [undefined])).toEqual([]);
    expect(new Set(calls.map(([m]) => m))).toEqual(new Set(API_METHODS));
  });

  it('names the method, the argument and the expectation', () => {
    expect(message('getScenePoints', ['s', 0])).toBe('getScenePoints(maxPoints): expected a whole number from 1 to 5000000, found 0');
    expect(message('getScenePoints', ['s', 1.5])).toBe('getScenePoints(maxPoints): expected a whole number from 1 to 5000000, found 1.5');
    expect(message('getScene', [''])).toBe('getScene(sceneId): expected a non-empty string of at most 1000 characters, found ""');
    expect(message('getScene', [42])).toBe('getScene(sceneId): expected a non-empty string of at most 1000 characters, found 42');
    expect(message('getFrameImage', ['s', -1])).toBe('getFrameImage(frame): expected a whole number from 0 to 1000000, found -1');
    expect(message('getQa', ['7'])).toBe('getQa(qaId): expected a whole number from 1 to 9007199254740991, found "7"');
    expect(message('rerunProgram', [0])).toMatch(/^rerunProgram\(qaId\): expected a whole number from 1/);
    expect(message('sceneConfidenceByRound', ['synthetic:0'])).toMatch(/^sceneConfidenceByRound/);
    expect(message('sceneConfidenceByRound', ['synthetic:0', 7])).toMatch(/^sceneConfidenceByRound\(runId\): expected/);
    expect(message('sceneObjectConfidence', [''])).toBe('sceneObjectConfidence(sceneId): expected a non-empty string of at most 1000 characters, found ""');
    expect(message('sceneObjectConfidence', ['s', 3])).toBe('sceneObjectConfidence(runId): expected a non-empty string of at most 1000 characters, found 3');
    expect(message('sceneObjectConfidence', [])).toBe('sceneObjectConfidence(sceneId, runId): expected 1 to 2 arguments, found 0');
    expect(message('getRun', [null])).toBe('getRun(runId): expected a non-empty string of at most 1000 characters, found null');
    expect(message('stopRun', [])).toBe('stopRun(runId): expected 1 argument, found 0');
    expect(message('resumeRun', [{}])).toMatch(/^resumeRun\(runId\): expected a non-empty string/);
    expect(message('resumeRun', ['r1', ''])).toBe('resumeRun(model): expected a non-empty string of at most 500 characters, found ""');
    expect(message('info', [1])).toBe('info(): expected 0 arguments, found 1');
    expect(message('listScenes', [{ limit: 0 }])).toBe('listScenes(query).limit: expected a whole number from 1 to 10000, found 0');
    expect(message('listScenes', [{ limt: 5 }])).toBe('listScenes(query).limt: unknown field; expected one of dataset, limit, offset');
    expect(message('listScenes', ['all'])).toBe('listScenes(query): expected an object, found "all"');
    expect(message('curves', ['a'])).toBe('curves(runIds): expected a list of at most 100 run ids, found "a"');
    expect(message('curves', [['a', 3]])).toBe('curves(runIds)[1]: expected a non-empty string of at most 1000 characters, found 3');
    expect(message('curves', [Array.from({ length: 101 }, (_, i) => `r${i}`)])).toMatch(/^curves\(runIds\): expected a list of at most 100 run ids/);
    expect(message('trainingSeries', [['a']])).toBe('trainingSeries(query): expected an object, found ["a"]');
    expect(message('trainingSeries', [{ runIds: 'a' }])).toBe('trainingSeries(query).runIds: expected a list of at most 100 run ids, found "a"');
    expect(message('trainingSeries', [{ runIds: ['a'], maxPoints: 5 }])).toBe('trainingSeries(query).maxPoints: expected a whole number from 10 to 100000, found 5');
    expect(message('trainingSeries', [{ runIds: ['a'], max: 50 }])).toBe('trainingSeries(query).max: unknown field; expected one of runIds, maxPoints');
    expect(message('compareRuns', [{ a: '' }])).toBe('compareRuns(query).a: expected a non-empty string of at most 1000 characters, found ""');
    expect(message('compareRuns', [{ runIds: [1] }])).toBe('compareRuns(query).runIds[0]: expected a non-empty string of at most 1000 characters, found 1');
    expect(message('compareRuns', [{ baseline: 'k' }])).toBe('compareRuns(query).baseline: unknown field; expected one of runIds, a, b');
    expect(message('experiments', ['quick'])).toBe('experiments(): expected 0 arguments, found 1');
    expect(message('heatmap', [{ runId: 'r', kind: 'rows', metric: 'count' }])).toBe('heatmap(query).kind: expected one of family-round, scene-family, bin-round, found "rows"');
    expect(message('heatmap', [{ runId: 'r', kind: 'scene-family', metric: 'mean' }])).toBe('heatmap(query).metric: expected one of confidence, accuracy, easy, frontier, hard, count, found "mean"');
    expect(message('getScenePoints', { 0: 's', 1: 2 })).toBe('getScenePoints(sceneId, maxPoints): expected the arguments as a list, found {"0":"s","1":2}');
    expect(message('dropTables', [])).toMatch(/^dropTables: unknown API method; expected one of info, listScenes/);
  });

  it('checks run changes field by field (issue 14)', () => {
    expect(message('updateRun', ['r1'])).toBe('updateRun(runId, patch): expected 2 arguments, found 1');
    expect(message('updateRun', ['r1', {}])).toBe('updateRun(patch): expected at least one of name, tags, notes');
    expect(message('updateRun', ['r1', { title: 'x' }])).toBe('updateRun(patch).title: unknown field; expected one of name, tags, notes\nupdateRun(patch): expected at least one of name, tags, notes');
    expect(message('updateRun', ['r1', { name: '   ' }])).toBe('updateRun(patch).name: expected a name of 1 to 200 characters, not only spaces, found "   "');
    expect(message('updateRun', ['r1', { name: 'x'.repeat(201) }])).toMatch(/^updateRun\(patch\)\.name: expected a name of 1 to 200 characters/);
    expect(message('updateRun', ['r1', { tags: 'ablation' }])).toBe('updateRun(patch).tags: expected a list of at most 50 tags, found "ablation"');
    expect(message('updateRun', ['r1', { tags: ['ok', '', 7] }])).toBe(
      'updateRun(patch).tags[1]: expected a tag of 1 to 50 characters, not only spaces, found ""\nupdateRun(patch).tags[2]: expected a tag of 1 to 50 characters, not only spaces, found 7',
    );
    expect(message('updateRun', ['r1', { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }])).toMatch(/^updateRun\(patch\)\.tags: expected a list of at most 50 tags/);
    expect(message('updateRun', ['r1', { notes: null }])).toBe('updateRun(patch).notes: expected text of at most 20000 characters, found null');
    expect(message('updateRun', ['', { notes: '' }])).toBe('updateRun(runId): expected a non-empty string of at most 1000 characters, found ""');
    expect(message('deleteRun', [])).toBe('deleteRun(runId): expected 1 argument, found 0');
    expect(message('deleteRun', [5])).toBe('deleteRun(runId): expected a non-empty string of at most 1000 characters, found 5');
    expect(message('getRunConfig', [['r1']])).toBe('getRunConfig(runId): expected a non-empty string of at most 1000 characters, found ["r1"]');
  });

  it('lists every problem of a query at once', () => {
    const e = inputError(() => validateApiArgs('queryQa', [{ runId: '', bucket: 'medium', answered: 'yes', sort: 'random', descending: 'yes', limit: 10_001, search: 'x'.repeat(501) }]));
    expect(e.problems.map((p) => p.field)).toEqual([
      'queryQa(query).runId',
      'queryQa(query).bucket',
      'queryQa(query).answered',
      'queryQa(query).search',
      'queryQa(query).sort',
      'queryQa(query).descending',
      'queryQa(query).limit',
    ]);
    expect(e.problems[1]!.message).toBe('expected one of easy, frontier, hard, found "medium"');
  });

  it('checks loop settings for type and shape, leaving ranges and unknown settings to the loop', () => {
    expect(message('startRun', [[]])).toBe('startRun(config): expected an object, found []');
    expect(message('startRun', [{ rounds: 'four' }])).toBe('startRun(config).rounds: expected a whole number from 0 to 9007199254740991, found "four"');
    expect(message('startRun', [{ scenes: 'synthetic:4' }])).toMatch(/^startRun\(config\)\.scenes: expected a list of 1 to 1000 scene sources/);
    expect(message('startRun', [{ scenes: ['synthetic:4', 7] }])).toMatch(/^startRun\(config\)\.scenes\[1\]: expected a non-empty string/);
    expect(message('startRun', [{ mode: 'fixed-mix' }])).toBe('startRun(config).mode: expected one of closed-loop, no-feedback, static, found "fixed-mix"');
    expect(message('startRun', [{ thresholds: { easy: '0.9' } }])).toBe('startRun(config).thresholds.easy: expected a finite number, found "0.9"');
    expect(message('startRun', [{ lr: Number.NaN }])).toBe('startRun(config).lr: expected a finite number, found NaN');
    expect(message('startRun', [{ future: new Uint8Array(2) }])).toMatch(/^startRun\(config\)\.future: expected plain JSON/);
    expect(validateApiArgs('startRun', [{ future: { nested: [1, 'a'] } }])).toEqual([{ future: { nested: [1, 'a'] } }]);
  });

  it('bounds the lists startRun accepts before the loop sees them (issue 11, item 1)', () => {
    const sources = (n: number): string[] => Array.from({ length: n }, (_, i) => `synthetic:${i + 1}`);
    const ok = { scenes: sources(1000), heldoutScenes: sources(1000), extraLabels: Array.from({ length: 10_000 }, (_, i) => `label${i}`) };
    expect(validateApiArgs('startRun', [ok])).toEqual([ok]);
    expect(validateApiArgs('startRun', [{ heldoutScenes: [] }])).toEqual([{ heldoutScenes: [] }]);
    expect(message('startRun', [{ scenes: sources(1001) }])).toMatch(/^startRun\(config\)\.scenes: expected a list of 1 to 1000 scene sources/);
    expect(message('startRun', [{ heldoutScenes: sources(1001) }])).toMatch(/^startRun\(config\)\.heldoutScenes: expected a list of at most 1000 scene sources/);
    expect(message('startRun', [{ heldoutScenes: ['x'.repeat(4097)] }])).toMatch(/^startRun\(config\)\.heldoutScenes\[0\]: expected a non-empty string of at most 4096 characters/);
    expect(message('startRun', [{ heldoutScenes: 'synthetic:4' }])).toMatch(/^startRun\(config\)\.heldoutScenes: expected a list/);
    expect(message('startRun', [{ extraLabels: [...ok.extraLabels, 'one more'] }])).toMatch(/^startRun\(config\)\.extraLabels: expected a list of at most 10000 label words/);
    expect(message('startRun', [{ extraLabels: ['chair', 'x'.repeat(101)] }])).toMatch(/^startRun\(config\)\.extraLabels\[1\]: expected a non-empty string of at most 100 characters/);
    expect(message('startRun', [{ families: 'route_planning' }])).toMatch(/^startRun\(config\)\.families: expected a list of at most 13 question families/);
    expect(message('startRun', [{ families: ['object_counting', 'walking'] }])).toMatch(/^startRun\(config\)\.families\[1\]: expected one of object_counting, .*route_planning/);
  });

  it('throws InputError, the error every transport reports as bad input', () => {
    expect(() => validateApiArgs('getQa', [0])).toThrow(InputError);
  });
});
