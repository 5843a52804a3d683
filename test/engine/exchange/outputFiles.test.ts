import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareOutputDir, prepareOutputFile, writeFileAtomic } from '../../../src/engine/exchange/outputFiles.js';
import { fsSafeSceneId, vsiSceneName } from '../../../src/engine/exchange/sceneNames.js';
import { inputError } from '../../helpers/errors.js';
import { useTmpDirs } from '../../helpers/tmp.js';

describe('atomic output files', () => {
  const tmp = useTmpDirs();

  it('writes whole files through a temp file and leaves nothing else behind, also when the write fails', () => {
    const dir = tmp();
    writeFileAtomic(join(dir, 'a.txt'), 'first');
    writeFileAtomic(join(dir, 'a.txt'), 'second');
    writeFileAtomic(join(dir, 'b.bin'), Uint8Array.of(1, 2, 3));
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('second');
    expect([...readFileSync(join(dir, 'b.bin'))]).toEqual([1, 2, 3]);
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.bin']);
    // Renaming onto a folder fails: the temp file is removed and the folder is untouched.
    mkdirSync(join(dir, 'c'));
    expect(() => writeFileAtomic(join(dir, 'c'), 'x')).toThrow();
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.bin', 'c']);
  });

  it('creates a missing folder, accepts an empty one, and refuses one with content unless told to overwrite', () => {
    const dir = tmp();
    prepareOutputDir(join(dir, 'new', 'deep'), false);
    prepareOutputDir(join(dir, 'new', 'deep'), false);
    writeFileSync(join(dir, 'new', 'deep', 'x'), '');
    expect(inputError(() => prepareOutputDir(join(dir, 'new', 'deep'), false)).problems[0]).toMatchObject({ field: 'out', message: expect.stringMatching(/is not empty \(x\)/) });
    prepareOutputDir(join(dir, 'new', 'deep'), true);
    expect(inputError(() => prepareOutputDir(join(dir, 'new', 'deep', 'x'), true)).message).toMatch(/exists and is not a folder/);
    expect(inputError(() => prepareOutputFile(join(dir, 'new', 'deep', 'x'), false)).message).toMatch(/already exists; choose another path or pass --overwrite/);
    prepareOutputFile(join(dir, 'new', 'deep', 'x'), true);
    expect(inputError(() => prepareOutputFile(join(dir, 'new'), true)).message).toMatch(/is a folder; expected a file path/);
  });
});

describe('scene names', () => {
  it('gives VSI-Bench scene names and one-to-one, portable folder names', () => {
    expect(vsiSceneName('vsibench:scene0251_00')).toBe('scene0251_00');
    expect(vsiSceneName('arkitscenes:41069025')).toBe('41069025');
    expect(vsiSceneName('plain')).toBe('plain');
    expect(fsSafeSceneId('vsibench:scene0251_00')).toBe('vsibench_scene0251_00');
    expect(fsSafeSceneId('synthetic:a_b')).toBe('synthetic_a_b');
    const odd = ['synthetic:a/b', 'synthetic:a\\b', 'synthetic:a:b', 'ply:..', 'ply:.hidden', 'no colon', 'Weird:x'];
    const names = odd.map(fsSafeSceneId);
    for (const n of names) expect(n).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*-[0-9a-f]{8}$/);
    expect(new Set([...names, 'synthetic_a_b']).size).toBe(names.length + 1);
  });
});
