import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resourceFile } from '../../../src/engine/resources.js';
import { buildEvalSceneList, datasetSceneId, evalSceneList, evalScenesAmong, isEvalScene, readEvalSceneList } from '../../../src/engine/sources/evalScenes.js';
import { evalTrainingWarning, sceneListText } from '../../../src/shared/evalScenes.js';
import { inputError } from '../../helpers/errors.js';
import { arkitMetaFile, scannetMetaFile } from '../../helpers/shared.js';
import { existsSync } from 'node:fs';

const shippedMeta = ['scannet_meta_info_val.json', 'arkitscenes_meta_info_val.json'].map((f) => resourceFile('vsibench', f));

describe('VSI-Bench evaluation scenes', () => {
  it('ships every val scene of the three sets, rebuilt identically from the shipped meta_info files', () => {
    const list = evalSceneList();
    expect(Object.fromEntries(Object.entries(list.datasets).map(([d, ids]) => [d, ids.length]))).toEqual({ arkitscenes: 150, scannet: 88, scannetpp: 50 });
    const rebuilt = buildEvalSceneList(shippedMeta);
    expect(rebuilt.datasets.scannet).toEqual(list.datasets.scannet);
    expect(rebuilt.datasets.arkitscenes).toEqual(list.datasets.arkitscenes);
    // The shipped file records the hashes of what it was built from: these two are the files in resources/.
    expect(list.sources.slice(0, 2)).toEqual(rebuilt.sources);
    expect(list.datasets.scannetpp!.every((id) => /^[0-9a-f]{10}$/.test(id))).toBe(true);
  });

  it.skipIf(!existsSync(scannetMetaFile))('agrees with the meta_info in ../shared', () => {
    const fromShared = buildEvalSceneList([scannetMetaFile, arkitMetaFile]);
    expect(fromShared.datasets.scannet).toEqual(evalSceneList().datasets.scannet);
    expect(fromShared.datasets.arkitscenes).toEqual(evalSceneList().datasets.arkitscenes);
  });

  it('recognises a scene whichever importer read it, by dataset and the id after the kind', () => {
    expect(datasetSceneId('vsibench:scene0251_00')).toBe('scene0251_00');
    expect(isEvalScene({ id: 'vsibench:scene0251_00', dataset: 'scannet' })).toBe(true);
    expect(isEvalScene({ id: 'scannet:scene0251_00', dataset: 'scannet' })).toBe(true);
    expect(isEvalScene({ id: 'arkitscenes:41069025', dataset: 'arkitscenes' })).toBe(true);
    expect(isEvalScene({ id: 'scannetpp:09c1414f1b', dataset: 'scannetpp' })).toBe(true);
    // A training scene of ScanNet (not in VSI-Bench's val set), a right id under the wrong dataset, synthetic rooms.
    expect(isEvalScene({ id: 'scannet:scene0000_00', dataset: 'scannet' })).toBe(false);
    expect(isEvalScene({ id: 'vsibench:scene0251_00', dataset: 'arkitscenes' })).toBe(false);
    expect(isEvalScene({ id: 'synthetic:0', dataset: 'synthetic' })).toBe(false);
    expect(
      evalScenesAmong([
        { id: 'synthetic:0', dataset: 'synthetic' },
        { id: 'vsibench:scene0277_02', dataset: 'scannet' },
        { id: 'vsibench:scene0251_00', dataset: 'scannet' },
        { id: 'vsibench:scene0251_00', dataset: 'scannet' },
      ]),
    ).toEqual(['vsibench:scene0251_00', 'vsibench:scene0277_02']);
  });

  it('words the warning with the scenes, shortening a long list', () => {
    expect(evalTrainingWarning(['vsibench:scene0251_00'])).toBe(
      'this run trains on 1 VSI-Bench evaluation scene (vsibench:scene0251_00): a model trained on its data and then scored on VSI-Bench has seen the test rooms',
    );
    const many = Array.from({ length: 25 }, (_, i) => `s${i}`);
    expect(sceneListText(many)).toBe(`${many.slice(0, 20).join(', ')} and 5 more`);
  });

  it('names the file and field of a bad meta_info or list file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'evalscenes-'));
    const bad = join(dir, 'meta.json');
    writeFileSync(bad, JSON.stringify({ scene0001_00: { room_size: 3 } }));
    expect(inputError(() => buildEvalSceneList([bad])).message).toBe(`${bad}: scene0001_00.dataset: expected a string, found nothing (field missing)`);
    writeFileSync(bad, '[]');
    expect(inputError(() => buildEvalSceneList([bad])).message).toMatch(/\(top level\): expected an object, found an array of 0/);
    const list = join(dir, 'list.json');
    writeFileSync(list, JSON.stringify({ benchmark: 'x', datasets: { scannet: ['a', 7] }, sources: [] }));
    expect(inputError(() => readEvalSceneList(list)).message).toBe(`${list}: datasets.scannet[1]: expected a string, found 7`);
    expect(readFileSync(resourceFile('vsibench', 'eval_scenes.json'), 'utf8')).toContain('"scannetpp"');
  });
});
