/**
 * Fuzz suite over the scene importers (issue 11, "Also"): any input gives a result or an InputError that
 * names the file, never another error type, never a hang. Fixed seeds, so a failure reproduces exactly.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/shared/errors.js';
import type { PlyFormat } from '../../../src/engine/sources/ply/header.js';
import { parsePly } from '../../../src/engine/sources/ply/parse.js';
import { writePly } from '../../../src/engine/sources/ply/write.js';
import { importArkitScene } from '../../../src/engine/sources/arkitscenes.js';
import { importPlyScene } from '../../../src/engine/sources/plyScene.js';
import { importScanNetScene } from '../../../src/engine/sources/scannet.js';
import { importVsiMetaInfo } from '../../../src/engine/sources/vsibench.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { boxMesh, writeArkitFixture, writeScanNetFixture } from '../sources/fileFixtures.js';
import { applyEdits, byteEdit, expectResultOrInputError } from './fuzzHelpers.js';

const tmp = useTmpDirs();
const FORMATS: PlyFormat[] = ['ascii', 'binary_little_endian', 'binary_big_endian'];
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const fromLatin1 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));

/** A valid 8-vertex, 12-triangle box with colours, in each format. */
const VALID_PLY: Record<PlyFormat, Uint8Array> = Object.fromEntries(
  FORMATS.map((f) => [f, writePly(boxMesh([1, 2, 0.5], [1, 0.5, 1], 0.3), f)]),
) as Record<PlyFormat, Uint8Array>;

/** Header lines a careless or hostile writer might put anywhere in the header. */
const HEADER_LINE = fc.oneof(
  fc.constantFrom(
    'ply',
    'end_header',
    'format ascii 1.0',
    'format binary_little_endian 1.0',
    'format binary_big_endian 1.0',
    'format binary_little_endian 2.0',
    'element vertex 0',
    'element vertex 4294967295',
    'element vertex -1',
    'element face 1e9',
    'element face 3',
    'element extra 2',
    'property float x',
    'property double x',
    'property uchar red',
    'property float red',
    'property list uchar int vertex_indices',
    'property list int uint vertex_index',
    'property list float int vertex_indices',
    'property list uchar',
    'property',
    'comment fuzz',
    'obj_info x',
    '',
  ),
  fc.string({ maxLength: 40 }),
);

/** Edits of the header's lines: replace, insert or delete one. */
const headerEdit = fc.record({ op: fc.constantFrom('replace', 'insert', 'delete'), line: fc.nat(), text: HEADER_LINE });
type HeaderEdit = { op: 'replace' | 'insert' | 'delete'; line: number; text: string };

function editHeader(bytes: Uint8Array, edits: readonly HeaderEdit[]): Uint8Array {
  const text = latin1(bytes);
  const end = text.indexOf('end_header\n') + 'end_header\n'.length;
  const lines = text.slice(0, end - 1).split('\n');
  for (const e of edits) {
    const i = e.line % (lines.length + (e.op === 'insert' ? 1 : 0) || 1);
    if (e.op === 'replace') lines[i] = e.text;
    else if (e.op === 'insert') lines.splice(i, 0, e.text);
    else lines.splice(i, 1);
  }
  return fromLatin1(`${lines.join('\n')}\n${text.slice(end)}`);
}

const plyInput = fc.oneof(
  // Arbitrary bytes, with and without a plausible start.
  fc.uint8Array({ maxLength: 512 }),
  fc.tuple(fc.constantFrom(...FORMATS), fc.uint8Array({ maxLength: 256 })).map(([f, tail]) =>
    Uint8Array.from([...fromLatin1(`ply\nformat ${f} 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nend_header\n`), ...tail]),
  ),
  // Mutations of a valid file: header edits, then byte edits.
  fc
    .tuple(fc.constantFrom(...FORMATS), fc.array(headerEdit, { maxLength: 3 }), fc.array(byteEdit, { maxLength: 4 }))
    .map(([f, h, b]) => applyEdits(editHeader(VALID_PLY[f], h), b)),
);

describe('PLY fuzz', () => {
  it('the valid base files parse', () => {
    for (const f of FORMATS) expect(parsePly(VALID_PLY[f], 'base.ply').vertexCount).toBe(8);
  });

  it('parsePly: any bytes give well-formed data or an InputError naming the file', () => {
    fc.assert(
      fc.property(plyInput, (bytes) => {
        const out = expectResultOrInputError(() => parsePly(bytes, 'fuzz.ply'), (f) => f === 'fuzz.ply');
        if (out instanceof InputError) return;
        expect(out.positions.length).toBe(3 * out.vertexCount);
        for (const v of out.positions) expect(Number.isFinite(v)).toBe(true);
        if (out.colors) expect(out.colors.length).toBe(3 * out.vertexCount);
        if (out.faces) {
          expect(out.faces.length % 3).toBe(0);
          for (const i of out.faces) expect(i).toBeLessThan(out.vertexCount);
        }
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('importPlyScene: any file gives a scene or an InputError naming the file', () => {
    const file = join(tmp(), 'fuzz.ply');
    fc.assert(
      fc.property(plyInput, (bytes) => {
        writeFileSync(file, bytes);
        const out = expectResultOrInputError(() => importPlyScene(file, { samplePoints: 200 }), (f) => f === file);
        if (!(out instanceof InputError)) expect(out.id).toBe('ply:fuzz');
      }),
      { seed: 43, numRuns: 200 },
    );
  });
});

// ─── VSI-Bench meta_info ────────────────────────────────────────────────────────────────────────────────────

function validMeta(): Record<string, unknown> {
  const box = (c: number[], l: number[]): Record<string, number[]> => ({
    centroid: c,
    axesLengths: l,
    normalizedAxes: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    min: c.map((v, k) => v - l[k]! / 2),
    max: c.map((v, k) => v + l[k]! / 2),
  });
  return {
    scene0001_00: {
      dataset: 'scannet',
      room_size: 20,
      room_center: [2, 2, 1.2],
      object_counts: { chair: 2, table: 1 },
      object_bbox: {
        chair: [box([1, 1, 0.45], [0.5, 0.5, 0.9]), box([3, 1, 0.45], [0.5, 0.5, 0.9])],
        table: [box([2, 3, 0.375], [1.2, 0.8, 0.75])],
      },
    },
  };
}

/** Sets the value at a path chosen by `picks` (each pick indexes the keys or items found there). */
function setAt(root: unknown, picks: readonly number[], value: unknown): unknown {
  if (picks.length === 0 || root === null || typeof root !== 'object') return value;
  const keys = Object.keys(root);
  if (keys.length === 0) return root;
  const key = keys[picks[0]! % keys.length]!;
  (root as Record<string, unknown>)[key] = setAt((root as Record<string, unknown>)[key], picks.slice(1), value);
  return root;
}

function deleteAt(root: unknown, picks: readonly number[]): void {
  if (root === null || typeof root !== 'object') return;
  const keys = Object.keys(root);
  if (keys.length === 0) return;
  const key = keys[picks[0]! % keys.length]!;
  if (picks.length === 1) {
    if (Array.isArray(root)) root.splice(Number(key), 1);
    else delete (root as Record<string, unknown>)[key];
  } else deleteAt((root as Record<string, unknown>)[key], picks.slice(1));
}

const oddNumber = fc.constantFrom(0, -1, 1e308, -1e308, 5e-324, 1e6, 1e12, Number.MAX_SAFE_INTEGER + 2, 0.5);
const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 3 }), oddNumber, fc.array(oddNumber, { maxLength: 10 }));
const picks = fc.array(fc.nat(), { minLength: 1, maxLength: 6 });

const metaText = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc.array(fc.oneof(fc.record({ op: fc.constant('set' as const), at: picks, value: jsonish }), fc.record({ op: fc.constant('delete' as const), at: picks })), { minLength: 1, maxLength: 3 }).map((edits) => {
    let meta: unknown = validMeta();
    for (const e of edits) {
      if (e.op === 'set') meta = setAt(meta, e.at, e.value);
      else deleteAt(meta, e.at);
    }
    return JSON.stringify(meta);
  }),
  // Python's json writes these bare tokens; and text cut anywhere.
  fc.tuple(fc.nat(), fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '"', '{', ']', ',')).map(([at, tok]) => {
    const s = JSON.stringify(validMeta());
    const numbers = [...s.matchAll(/-?\d+(\.\d+)?/g)];
    const m = numbers[at % numbers.length]!;
    return s.slice(0, m.index) + tok + s.slice(m.index + m[0].length);
  }),
  fc.nat().map((at) => {
    const s = JSON.stringify(validMeta());
    return s.slice(0, at % s.length);
  }),
);

describe('VSI-Bench meta_info fuzz', () => {
  const opts = { synthesizePoints: false, synthesizeTrajectory: false, upAxis: '+z' } as const;

  it('the valid base file imports', () => {
    const file = join(tmp(), 'meta.json');
    writeFileSync(file, JSON.stringify(validMeta()));
    expect(importVsiMetaInfo(file, opts).scenes[0]!.objects).toHaveLength(3);
  });

  it('any JSON, or a mutation of a valid file, gives scenes or an InputError naming the file', () => {
    const file = join(tmp(), 'meta.json');
    fc.assert(
      fc.property(metaText, fc.boolean(), (text, forceUp) => {
        writeFileSync(file, text);
        const out = expectResultOrInputError(() => importVsiMetaInfo(file, forceUp ? opts : { synthesizePoints: false, synthesizeTrajectory: false }), (f) => f === file);
        if (!(out instanceof InputError)) expect(out.scenes.length).toBeGreaterThan(0);
      }),
      { seed: 44, numRuns: 500 },
    );
  });
});

// ─── ScanNet and ARKitScenes folders ────────────────────────────────────────────────────────────────────────

describe('ScanNet and ARKitScenes fuzz (one file of the fixture folder mutated)', () => {
  it('ScanNet: a scene or an InputError naming a file of the folder', () => {
    const dir = tmp();
    const fx = writeScanNetFixture(dir);
    const names = ['ply', 'segs', 'agg', 'txt'] as const;
    const originals = Object.fromEntries(names.map((n) => [n, readFileSync(fx.files[n])])) as Record<(typeof names)[number], Buffer>;
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.array(byteEdit, { minLength: 1, maxLength: 4 }), (which, edits) => {
        for (const n of names) writeFileSync(fx.files[n], originals[n]);
        writeFileSync(fx.files[which], applyEdits(originals[which], edits));
        expectResultOrInputError(() => importScanNetScene(dir), (f) => f !== undefined && f.startsWith(dir));
      }),
      { seed: 45, numRuns: 150 },
    );
  });

  it('ARKitScenes: a scene or an InputError naming a file of the folder', () => {
    const dir = tmp();
    const fx = writeArkitFixture(dir);
    const files = [fx.files.annotation, fx.files.mesh, fx.files.traj!];
    const originals = files.map((f) => readFileSync(f));
    fc.assert(
      fc.property(fc.nat({ max: files.length - 1 }), fc.array(byteEdit, { minLength: 1, maxLength: 4 }), (which, edits) => {
        files.forEach((f, i) => writeFileSync(f, originals[i]!));
        writeFileSync(files[which]!, applyEdits(originals[which]!, edits));
        expectResultOrInputError(() => importArkitScene(dir, { samplePoints: 200 }), (f) => f !== undefined && f.startsWith(dir));
      }),
      { seed: 46, numRuns: 150 },
    );
  });
});
