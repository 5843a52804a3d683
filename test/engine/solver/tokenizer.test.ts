import { describe, expect, it } from 'vitest';
import { FAMILY_SPECS } from '../../../src/engine/proposer/families/index.js';
import { prepareScene } from '../../../src/engine/proposer/prepare.js';
import {
  CLS_ID,
  NUM_ID,
  QUESTION_TEMPLATES,
  SPECIAL_TOKENS,
  UNK_ID,
  UNKNOWN_LABEL_ID,
  Vocabulary,
  defaultLabels,
  defaultVocabulary,
  splitWords,
} from '../../../src/engine/solver/tokenizer.js';
import { generateSyntheticScenes } from '../../../src/engine/sources/synthetic.js';
import type { Family } from '../../../src/shared/proposer.js';
import { createRng } from '../../../src/shared/random.js';

describe('solver tokenizer', () => {
  it('lower-cases, splits punctuation off and turns numbers into [NUM] with their value', () => {
    expect(splitWords('How many Chair(s)? front-left, 135 degrees; 1.5 m')).toEqual([
      { text: 'how' },
      { text: 'many' },
      { text: 'chair' },
      { text: '(' },
      { text: 's' },
      { text: ')' },
      { text: '?' },
      { text: 'front' },
      { text: '-' },
      { text: 'left' },
      { text: ',' },
      { text: '[NUM]', value: 135 },
      { text: 'degrees' },
      { text: ';' },
      { text: '[NUM]', value: 1.5 },
      { text: 'm' },
    ]);
  });

  it('is built deterministically: the same texts in any order give the same vocabulary', () => {
    const a = Vocabulary.build(['the sofa is left', 'How many?'], ['sofa', 'tv stand']);
    const b = Vocabulary.build(['How many?', 'the sofa is left', 'the sofa is left'], ['tv stand', 'sofa']);
    expect(a.toJSON()).toEqual(b.toJSON());
    expect(a.toJSON().words).toEqual([...a.toJSON().words].sort());
    expect(a.size).toBe(SPECIAL_TOKENS.length + a.toJSON().words.length);
  });

  it('encodes known words, [UNK] for unknown ones, and decodes back', () => {
    const v = Vocabulary.build(['how many chairs are there'], ['chair']);
    const e = v.encode('How many zebras are there in 3 rooms');
    expect(e.ids.filter((id) => id === UNK_ID)).toHaveLength(3); // zebras, in, rooms
    expect(e.ids[6]).toBe(NUM_ID);
    expect(e.values[6]).toBe(3);
    expect(Number.isNaN(e.values[0]!)).toBe(true);
    expect(v.decode(e.ids)).toEqual(['how', 'many', '[UNK]', 'are', 'there', '[UNK]', '[NUM]', '[UNK]']);
    expect(v.decode([CLS_ID])).toEqual(['[CLS]']);
  });

  it('round-trips through JSON and refuses malformed data', () => {
    const v = defaultVocabulary(['espresso machine']);
    const back = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
    expect(back.toJSON()).toEqual(v.toJSON());
    expect(back.encode(QUESTION_TEMPLATES[6]!).ids).toEqual(v.encode(QUESTION_TEMPLATES[6]!).ids);
    expect(back.labelId('Espresso  Machine')).toBe(v.labelId('espresso machine'));
    expect(() => Vocabulary.fromJSON({ words: ['a', 'a'], labels: [] })).toThrow(/duplicate/);
    expect(() => Vocabulary.fromJSON({ words: 'a' })).toThrow(/words/);
  });

  it('gives every default label an id and unknown labels id 0', () => {
    const v = defaultVocabulary();
    for (const l of defaultLabels()) expect(v.labelId(l)).toBeGreaterThan(UNKNOWN_LABEL_ID);
    expect(v.labelId('coffee table')).not.toBe(v.labelId('table'));
    expect(v.labelId('hovercraft')).toBe(UNKNOWN_LABEL_ID);
    expect(v.labelRows).toBe(defaultLabels().length + 1);
  });

  it('knows every word the proposer writes, in every family', () => {
    const v = defaultVocabulary();
    const scenes = generateSyntheticScenes(12, 5, { points: false }).map((s) => prepareScene(s));
    const seen = new Set<Family>();
    const unknown = new Set<string>();
    for (const spec of Object.values(FAMILY_SPECS)) {
      for (const p of scenes) {
        for (let bin = 0; bin < spec.bins; bin++) {
          const d = spec.draft({ sceneId: p.scene.id, api: p.api, rng: createRng(31 * bin + 7), bin });
          if ('skip' in d) continue;
          seen.add(d.family);
          const e = v.encode([d.question, ...(d.options ?? [])].join(' '));
          e.ids.forEach((id, i) => id === UNK_ID && unknown.add(e.words[i]!));
        }
      }
    }
    expect([...unknown]).toEqual([]);
    expect(seen.size).toBe(Object.keys(FAMILY_SPECS).length);
  });
});
