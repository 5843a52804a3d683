import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { EncodingCache, encodingSettingsKey } from '../../../src/engine/solver/encodingCache.js';
import { type SolverSample, encodeSample } from '../../../src/engine/solver/features.js';
import { Solver, type SolverConfigInput } from '../../../src/engine/solver/solver.js';
import { toyCountingSample, toyDirectionSample } from '../../../src/engine/solver/synthetic.js';
import { defaultVocabulary } from '../../../src/engine/solver/tokenizer.js';
import { createRng } from '../../../src/shared/random.js';
import { runtime, tiny } from './tinySolver.js';


function samples(n: number, seed: number): SolverSample[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => (i % 2 === 0 ? toyDirectionSample(rng) : toyCountingSample(rng)));
}

/** The same questions as new objects, as the loop builds them from stored rows in each stage. */
const copies = (list: readonly SolverSample[]): SolverSample[] => list.map((s) => ({ qa: JSON.parse(JSON.stringify(s.qa)) as SolverSample['qa'], observation: s.observation }));

const open: Solver[] = [];
async function make(config: SolverConfigInput = tiny, seed = 0): Promise<Solver> {
  const s = await Solver.create(config, seed, runtime);
  open.push(s);
  return s;
}
afterAll(async () => {
  for (const s of open) await s.dispose();
});
beforeEach(() => {
  Solver.encodings.clear();
  Solver.encodings.hits = 0;
  Solver.encodings.misses = 0;
});

describe('EncodingCache', () => {
  const vocab = defaultVocabulary();
  const config = { ...tiny.model!, dModel: 16, heads: 2, layers: 1, mlpHidden: 32, maxQuestionTokens: 32, maxDetections: 16 };
  const [a, b] = samples(2, 3);

  it('keys by content: an equal question over the same observation hits, a changed question or another observation misses', () => {
    const cache = new EncodingCache();
    const k = cache.key('s', 'with-answer', a!.qa, a!.observation);
    expect(cache.key('s', 'with-answer', copies([a!])[0]!.qa, a!.observation)).toBe(k);
    expect(cache.key('s', 'with-answer', { ...a!.qa, question: `${a!.qa.question} ` }, a!.observation)).not.toBe(k);
    expect(cache.key('s', 'with-answer', a!.qa, b!.observation)).not.toBe(k);
    // An observation with the same content but another object is another key: the loop never edits one in place.
    expect(cache.key('s', 'with-answer', a!.qa, structuredClone(a!.observation))).not.toBe(k);
    expect(cache.key('s', 'without-answer', a!.qa, a!.observation)).not.toBe(k);
    expect(cache.key('t', 'with-answer', a!.qa, a!.observation)).not.toBe(k);
  });

  it('settings keys differ when the vocabulary, the model or the target spread differ', () => {
    const base = encodingSettingsKey([vocab.toJSON(), config, 1]);
    expect(encodingSettingsKey([vocab.toJSON(), config, 1])).toBe(base);
    expect(encodingSettingsKey([defaultVocabulary(['zebra lamp']).toJSON(), config, 1])).not.toBe(base);
    expect(encodingSettingsKey([vocab.toJSON(), { ...config, maxDetections: 17 }, 1])).not.toBe(base);
    expect(encodingSettingsKey([vocab.toJSON(), config, 2])).not.toBe(base);
  });

  it('stays within its byte budget, dropping the least recently used first', () => {
    const e = encodeSample(a!, vocab, config, 0, { answers: 'require' });
    const one = new EncodingCache(Number.MAX_SAFE_INTEGER);
    one.set('x', e);
    const size = one.bytes;
    const cache = new EncodingCache(3 * size);
    cache.set('1', e);
    cache.set('2', e);
    cache.set('3', e);
    expect(cache.get('1')).toBe(e); // 1 is now the most recently used
    cache.set('4', e);
    expect(cache.size).toBe(3);
    expect(cache.bytes).toBe(3 * size);
    expect(cache.get('2')).toBeUndefined();
    expect(cache.get('1')).toBe(e);
    expect(cache.get('4')).toBe(e);
    const none = new EncodingCache(size - 1);
    none.set('x', e);
    expect(none.size).toBe(0);
    expect(() => new EncodingCache(-1)).toThrow(/maxBytes/);
  });
});

describe('Solver encodings', () => {
  it('the train stage reuses what the solve stage encoded (new objects, same content), with identical results', async () => {
    const data = samples(16, 5);
    const solver = await make();
    const answers = await solver.answer(data);
    expect(Solver.encodings.misses).toBe(16);
    const again = await solver.answer(copies(data));
    expect(Solver.encodings.hits).toBe(16);
    expect(again).toEqual(answers);
    // Training on fresh copies hits too ('optional' and 'require' encode an answered question alike).
    await solver.train(copies(data), { steps: 1, batch: 4, lr: 1e-3 });
    expect(Solver.encodings.hits).toBe(32);
    expect(Solver.encodings.misses).toBe(16);

    // Same results as without any cache: a second solver from the same seed, trained once, cache emptied before each call.
    const fresh = await make();
    Solver.encodings.clear();
    await fresh.answer(data);
    Solver.encodings.clear();
    await fresh.train(data, { steps: 1, batch: 4, lr: 1e-3 });
    Solver.encodings.clear();
    const cold = await fresh.answer(copies(data));
    Solver.encodings.clear();
    const warm = await solver.answer(copies(data));
    expect(warm).toEqual(cold);
    expect(fresh.checkpoint()).toEqual(solver.checkpoint());
  });

  it('a prediction (no ground truth) is encoded apart from an answer with it, and a solver with other settings never sees either', async () => {
    const data = samples(4, 6);
    const solver = await make();
    await solver.answer(data);
    await solver.predict(copies(data));
    expect(Solver.encodings.hits).toBe(0);
    expect(Solver.encodings.misses).toBe(8);
    const other = await make({ ...tiny, extraLabels: ['zebra lamp'] });
    await other.answer(copies(data));
    expect(Solver.encodings.hits).toBe(0);
    const wider = await make({ ...tiny, sigmaBins: 2 });
    await wider.answer(copies(data));
    expect(Solver.encodings.hits).toBe(0);
  });

  it('a missing answer that training requires is refused every time, never served from the cache', async () => {
    const data = samples(2, 7).map((s) => ({ ...s, qa: { ...s.qa, id: undefined } }));
    const solver = await make();
    const unanswered = { ...data[0]!, qa: { ...data[0]!.qa, answer: undefined } };
    await solver.predict([unanswered]);
    for (let i = 0; i < 2; i++) await expect(solver.train([unanswered], { steps: 1, batch: 1, lr: 1e-3 })).rejects.toThrow(/sample 0\.answer.*expected a ground-truth answer/);
  });
});
