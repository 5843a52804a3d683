/**
 * Hostile and careless scene files (issue 11): huge PLY counts, huge headers, files that are not what the
 * source says, out-of-range colours, absurd magnitudes and byte order marks. Every case must end in a scene or
 * in an InputError that names the file and the field, never quotes the file's bytes, and never takes long.
 */
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlyFormat } from '../../../src/engine/sources/ply/header.js';
import { parsePly } from '../../../src/engine/sources/ply/parse.js';
import { writePly } from '../../../src/engine/sources/ply/write.js';
import { importArkitScene } from '../../../src/engine/sources/arkitscenes.js';
import { MAX_COORDINATE_M, MAX_JSON_FILE_BYTES, MAX_POINT_FILE_BYTES, MAX_SCENES_PER_RUN } from '../../../src/engine/sources/limits.js';
import { loadRunScenes, resolveLoopConfig } from '../../../src/engine/loop/index.js';
import { importPlyScene } from '../../../src/engine/sources/plyScene.js';
import { importScanNetScene } from '../../../src/engine/sources/scannet.js';
import { importVsiMetaInfo } from '../../../src/engine/sources/vsibench.js';
import { inputError } from '../../helpers/errors.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { matrixText, writeArkitFixture, writeScanNetFixture } from './fileFixtures.js';

const tmp = useTmpDirs();
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const FORMATS: PlyFormat[] = ['ascii', 'binary_little_endian', 'binary_big_endian'];
const XYZ = 'property float x\nproperty float y\nproperty float z\n';

/** What a private file might hold; no error may repeat any of it. */
const SECRET = 'root:x:0:0:root:/root:/bin/bash\nAPI_KEY=sk-SECRET-7f3a9c\n';
const SECRET_BITS = ['root:x', 'SECRET', '7f3a9c', 'API_KEY', 'bin/bash'];
function expectNoSecret(text: string): void {
  for (const bit of SECRET_BITS) expect(text).not.toContain(bit);
}

describe('PLY element counts are checked against the file before anything is allocated', () => {
  const counts = ['2147483648', '1099511627776', `1${'0'.repeat(40)}`];
  for (const format of FORMATS) {
    for (const count of counts) {
      it(`${format}: ${count.length > 20 ? '10^40' : count} vertices in a file with room for 1`, () => {
        const data = format === 'ascii' ? enc('1 2 3\n') : new Uint8Array(12);
        const head = enc(`ply\nformat ${format} 1.0\nelement vertex ${count}\n${XYZ}end_header\n`);
        const e = inputError(() => parsePly(new Uint8Array([...head, ...data]), 'big.ply')).problems[0]!;
        expect(e).toMatchObject({ file: 'big.ply', field: 'vertex data' });
        if (format === 'ascii') {
          expect(e.message).toBe(`expected at most 3 vertices in the 6 bytes after the header (each takes 2 bytes or more: a value and a line break), found a count of ${Number(count)}`);
        } else {
          expect(e.message).toBe(`expected ${Number(count)} vertices × 12 bytes = ${Number(count) * 12} bytes of vertex data, file ends after 12 (room for at most 1)`);
        }
      });
    }
  }

  it('binary: a list element with a huge count after the vertices is named, with its bound', () => {
    const mesh = writePly({ positions: [0, 0, 0, 1, 0, 0, 0, 1, 0], faces: [0, 1, 2] }, 'binary_little_endian');
    const text = new TextDecoder('latin1').decode(mesh).replace('element face 1', 'element face 1099511627776');
    const e = inputError(() => parsePly(Uint8Array.from(text, (c) => c.charCodeAt(0)), 'mesh.ply')).problems[0]!;
    expect(e).toMatchObject({ file: 'mesh.ply', field: 'face data' });
    expect(e.message).toBe('expected at most 13 faces in the 49 bytes after the header, after the 36 bytes the elements before it take at least (each takes 1 byte or more: its scalars and list lengths), found a count of 1099511627776');
  });
});

describe('PLY headers with tens of thousands of names parse in linear time', () => {
  const withProperties = (k: number): Uint8Array =>
    enc(`ply\nformat ascii 1.0\nelement vertex 1\n${XYZ}${Array.from({ length: k }, (_, i) => `property char p${i.toString(36)}\n`).join('')}end_header\n0 0 0${' 1'.repeat(k)}\n`);
  const withElements = (k: number): Uint8Array =>
    enc(`ply\nformat ascii 1.0\nelement vertex 1\n${XYZ}${Array.from({ length: k }, (_, i) => `element e${i.toString(36)} 0\n`).join('')}end_header\n0 0 0\n`);
  /** Best of three, in ms: the least disturbed by other work on the machine. */
  const time = (bytes: Uint8Array): number => {
    let best = Infinity;
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      parsePly(bytes, 'wide.ply');
      best = Math.min(best, performance.now() - t);
    }
    return best;
  };

  for (const [what, build] of [['properties', withProperties], ['elements', withElements]] as const) {
    it(`40,000 ${what}: about 10× the time of 4,000, not 100× (the duplicate check was quadratic)`, () => {
      const small = build(4000);
      const large = build(40_000);
      const data = parsePly(large, 'wide.ply');
      if (what === 'properties') expect(Object.keys(data.vertexProperties)).toHaveLength(40_000);
      else expect(data.header.elements).toHaveLength(40_001);
      const t = time(large);
      // Linear: ~3–10× (≈100 ms here); the quadratic check took 40–80× (5–10 s for the large header). The
      // floor keeps a few-ms small case from turning timer noise into a large ratio.
      expect(t / Math.max(time(small), 25)).toBeLessThan(20);
      // A guard against the quadratic check (41 s before), loose enough for a loaded CI machine.
      expect(t).toBeLessThan(10_000);
    });
  }

  it('a duplicate among 40,000 properties is still found, and named', () => {
    const names = Array.from({ length: 40_000 }, (_, i) => `property char p${i}\n`);
    names.push('property char p31337\n');
    const e = inputError(() => parsePly(enc(`ply\nformat ascii 1.0\nelement vertex 0\n${XYZ}${names.join('')}end_header\n`), 'dup.ply')).problems[0]!;
    expect(e).toMatchObject({ file: 'dup.ply', field: 'header line 40007' });
    expect(e.message).toBe("property 'p31337' is declared twice in element 'vertex'");
  });
});

describe('errors name the file and the field, never the file\'s bytes', () => {
  it('ply: a text file is "not a PLY file", and none of it is repeated', () => {
    const file = join(tmp(), 'passwd');
    writeFileSync(file, SECRET);
    const e = inputError(() => importPlyScene(file));
    expect(e.problems[0]).toMatchObject({ file, field: 'header' });
    expect(e.message).toBe(`${file}: header: not a PLY file: expected the file to start with the line 'ply', found something else`);
    expectNoSecret(e.message);
  });

  it('ply: unknown words, bad counts and bad values in a PLY file are described by position', () => {
    const cases: [string, string, RegExp][] = [
      [`ply\nformat SECRET-7f3a9c 1.0\nend_header\n`, 'header line 2', /^unknown format: expected ascii, .* \(word 2, not one of them\)$/],
      [`ply\nformat ascii 1.0\nAPI_KEY=sk-SECRET-7f3a9c\nend_header\n`, 'header line 3', /^unknown header keyword: expected comment, .* \(word 1, not one of them\)$/],
      [`ply\nformat ascii 1.0\nelement vertex 1\nproperty SECRET x\nend_header\n`, 'header line 4', /^unknown property type: expected one of .* \(word 2, not one of them\)$/],
      [`ply\nformat ascii 1.0\nelement vertex SECRET\nend_header\n`, 'header line 3', /^expected a non-negative integer element count, found a word that is not a number$/],
      [`ply\nformat ascii 1.0\nelement vertex 1\n${XYZ}end_header\n1 root:x:0:0 3\n`, 'line 8', /^vertex 0 \(x y z\): expected a number at column 3, found 10 characters that are not one$/],
    ];
    for (const [text, field, message] of cases) {
      const e = inputError(() => parsePly(enc(text), 'p.ply'));
      expect(e.problems[0]).toMatchObject({ file: 'p.ply', field });
      expect(e.problems[0]!.message).toMatch(message);
      expectNoSecret(e.message);
    }
  });

  it('ply: names from the header are shown without control characters', () => {
    const e = inputError(() => parsePly(enc(`ply\nformat binary_little_endian 1.0\nelement vertex 0\n${XYZ}element \x1b[31mevil 9\nproperty char a\nend_header\n`), 'p.ply'));
    expect(e.message).toMatch(/'\?\[31mevil' items/);
    expect(e.message).not.toContain('\x1b');
  });

  it('vsibench: a text file is not JSON, said by position', () => {
    const file = join(tmp(), 'passwd.json');
    writeFileSync(file, SECRET);
    const e = inputError(() => importVsiMetaInfo(file));
    expect(e.message).toBe(`${file}: not valid JSON at line 1, column 1: expected a JSON value (an object, array, string, number, true, false or null); this is not a JSON file`);
    expectNoSecret(e.message);
  });

  it('vsibench: broken JSON and string values are described, not quoted', () => {
    const dir = tmp();
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{\n  "scene": {\n    "token": SECRET-7f3a9c\n  }\n}\n');
    const e = inputError(() => importVsiMetaInfo(broken));
    expect(e.message).toBe(`${broken}: not valid JSON at line 3, column 14: expected a JSON value (an object, array, string, number, true, false or null)`);
    const cred = join(dir, 'credentials.json');
    writeFileSync(cred, JSON.stringify({ API_KEY: 'sk-SECRET-7f3a9c' }));
    const c = inputError(() => importVsiMetaInfo(cred));
    expect(c.problems[0]).toMatchObject({ file: cred, field: 'API_KEY', message: 'expected an object, found a string of 16 characters' });
    expect(c.problems[0]!.message).not.toContain('SECRET');
  });

  it('arkitscenes: a text annotation, a bad .traj line and a bad .pincam are described by position', () => {
    const ann = writeArkitFixture(tmp());
    writeFileSync(ann.files.annotation, SECRET);
    const a = inputError(() => importArkitScene(ann.dir, { samplePoints: 100 }));
    expect(a.problems[0]).toMatchObject({ file: ann.files.annotation });
    expect(a.message).toMatch(/not valid JSON at line 1, column 1: .*this is not a JSON file$/);
    expectNoSecret(a.message);

    const traj = writeArkitFixture(tmp());
    writeFileSync(traj.files.traj!, '6845.8 0 0 0 1 2 SECRET-7f3a9c\n');
    const t = inputError(() => importArkitScene(traj.dir, { samplePoints: 100 }));
    expect(t.problems[0]).toMatchObject({ file: traj.files.traj, field: 'line 1', message: 'expected 7 finite numbers "timestamp rx ry rz tx ty tz", found value 7 (tz), which is not a finite number' });

    const pin = writeArkitFixture(tmp(), { pincam: true });
    const pincam = join(pin.dir, `${pin.videoId}_frames`, 'lowres_wide_intrinsics', `${pin.videoId}_6845.806.pincam`);
    writeFileSync(pincam, SECRET);
    const p = inputError(() => importArkitScene(pin.dir, { samplePoints: 100 }));
    expect(p.problems[0]).toMatchObject({ file: pincam, message: 'expected "width height fx fy cx cy" with positive sizes and focal lengths, found 2 values' });
    expectNoSecret(p.message);
  });

  it('scannet: a text segs file, a bad pose file and a bad axisAlignment are described by position', () => {
    const segs = writeScanNetFixture(tmp());
    writeFileSync(segs.files.segs, SECRET);
    const s = inputError(() => importScanNetScene(segs.dir));
    expect(s.problems[0]).toMatchObject({ file: segs.files.segs });
    expect(s.message).toMatch(/this is not a JSON file$/);
    expectNoSecret(s.message);

    const pose = writeScanNetFixture(tmp(), { poses: true });
    writeFileSync(join(pose.dir, 'pose', '10.txt'), `${matrixText([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]).trim()} ${SECRET}`);
    const p = inputError(() => importScanNetScene(pose.dir));
    expect(p.problems[0]).toMatchObject({ file: join(pose.dir, 'pose', '10.txt'), field: 'matrix', message: 'expected 16 numbers, found 18 words' });
    expectNoSecret(p.message);

    const align = writeScanNetFixture(tmp());
    writeFileSync(align.files.txt, `axisAlignment = 1 0 0 0 0 1 0 0 0 0 1 0 0 0 0 SECRET\n`);
    const a = inputError(() => importScanNetScene(align.dir));
    expect(a.problems[0]).toMatchObject({ file: align.files.txt, field: 'axisAlignment', message: 'expected 16 numbers, found word 16, which is not a number' });
    expectNoSecret(a.message);
  });
});

describe('ASCII PLY colours out of their range are refused, with file, line and property', () => {
  const colored = (type: string, line: string): Uint8Array =>
    enc(`ply\nformat ascii 1.0\nelement vertex 2\n${XYZ}property ${type} red\nproperty ${type} green\nproperty ${type} blue\nend_header\n0 0 0 1 2 3\n${line}\n`);

  for (const [line, prop, value] of [['1 1 1 999 0 0', 'red', '999'], ['1 1 1 0 -5 0', 'green', '-5'], ['1 1 1 0 0 3.5', 'blue', '3.5']] as const) {
    it(`uchar ${prop} = ${value}`, () => {
      const e = inputError(() => parsePly(colored('uchar', line), 'c.ply')).problems[0]!;
      expect(e).toEqual({ file: 'c.ply', field: 'line 12', message: `vertex 1: expected colour property '${prop}' (uint8) to be a whole number from 0 to 255, found ${value}` });
    });
  }

  it('the same through the item-by-item path (a vertex element with a list property)', () => {
    const text = `ply\nformat ascii 1.0\nelement vertex 1\n${XYZ}property list uchar float uv\nproperty uchar red\nproperty uchar green\nproperty uchar blue\nend_header\n0 0 0 1 0.5 256 0 0\n`;
    expect(inputError(() => parsePly(enc(text), 'uv.ply')).problems[0]).toEqual({
      file: 'uv.ply',
      field: 'line 12',
      message: "vertex 0: expected colour property 'red' (uint8) to be a whole number from 0 to 255, found 256",
    });
  });

  it('ushort colours may reach 65535; char colours written as 0–255 are still read; float colours must be finite', () => {
    expect(inputError(() => parsePly(colored('ushort', '1 1 1 65536 0 0'), 'c.ply')).message).toMatch(/'red' \(uint16\) to be a whole number from 0 to 65535, found 65536/);
    expect(Array.from(parsePly(colored('char', '1 1 1 200 0 255'), 'c.ply').colors!)).toEqual([1, 2, 3, 200, 0, 255]);
    expect(inputError(() => parsePly(colored('float', '1 1 1 0.5 nan 0'), 'c.ply')).problems[0]).toEqual({
      file: 'c.ply',
      field: 'line 12',
      message: "vertex 1: expected colour property 'green' (float32) to be a finite number, found NaN",
    });
  });
});

describe('absurd magnitudes are refused by name', () => {
  it(`ply: coordinates beyond ±${MAX_COORDINATE_M} m (a 3e38 vertex made a room of 1e77 m²)`, () => {
    const file = join(tmp(), 'huge.ply');
    writeFileSync(file, writePly({ positions: [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 3e38, 1] }, 'binary_little_endian'));
    const e = inputError(() => importPlyScene(file)).problems[0]!;
    expect(e).toEqual({ file, field: 'vertex 3', message: `expected coordinates within ±100000 m (the importers' bound on scene size), found y = ${Math.fround(3e38)}` });
    // At the bound itself a scene is still made.
    writeFileSync(file, writePly({ positions: [0, 0, 0, 1, 0, 0, 0, 1, 0, -MAX_COORDINATE_M, 0, 1] }, 'binary_little_endian'));
    expect(importPlyScene(file).room.bounds!.min[0]).toBe(-MAX_COORDINATE_M);
  });

  it('arkitscenes: a 1e300 centroid, a 1e6 m box and a 1e308 camera translation', () => {
    const fx = writeArkitFixture(tmp(), {
      editAnnotation: (ann) => {
        ann.data[0]!.segments.obb.centroid = [1e300, 0, 0];
        ann.data[1]!.segments.obb.axesLengths = [1, 1e6, 1];
      },
    });
    const e = inputError(() => importArkitScene(fx.dir, { samplePoints: 100 }));
    expect(e.problems).toEqual([
      { file: fx.files.annotation, field: 'data[0].segments.obb.centroid[0]', message: "expected a coordinate within ±100000 m (the importers' bound on scene size), found 1e+300" },
      { file: fx.files.annotation, field: 'data[1].segments.obb.axesLengths[1]', message: "expected a length up to 200000 m (the importers' bound on scene size), found 1000000" },
    ]);
    const traj = writeArkitFixture(tmp());
    writeFileSync(traj.files.traj!, '6845.8 0 0 0 1e308 0 0\n');
    expect(inputError(() => importArkitScene(traj.dir, { samplePoints: 100 })).problems[0]).toEqual({
      file: traj.files.traj,
      field: 'line 1',
      message: "expected the translation within ±100000 m (the importers' bound on scene size), found tx = 1e+308",
    });
  });

  it('scannet: an axisAlignment or a pose that moves the scan 1e6 m', () => {
    const fx = writeScanNetFixture(tmp(), { poses: true });
    writeFileSync(join(fx.dir, 'pose', '10.txt'), matrixText([1, 0, 0, 0, 0, 1, 0, 1e6, 0, 0, 1, 0, 0, 0, 0, 1]));
    expect(inputError(() => importScanNetScene(fx.dir)).problems[0]).toEqual({
      file: join(fx.dir, 'pose', '10.txt'),
      field: 'matrix',
      message: "expected a translation within ±100000 m (the importers' bound on scene size), found 1000000 (entry 8)",
    });
  });

  it('vsibench: a 1e300 centroid (was NaN in derived fields) and a 1e300 m² room', () => {
    const file = join(tmp(), 'meta.json');
    writeFileSync(file, JSON.stringify(vsiMeta((s) => {
      s.object_bbox.chair![0]!.centroid = [1e300, 1, 0.45];
      s.room_size = 1e300;
    })));
    expect(inputError(() => importVsiMetaInfo(file, { upAxis: '+z' })).problems).toEqual([
      { file, field: 'scene0001_00.room_size', message: "expected a floor area up to 40000000000 m² (the importers' bound on scene size), found 1e+300" },
      { file, field: 'scene0001_00.object_bbox.chair[0].centroid[0]', message: "expected a coordinate within ±100000 m (the importers' bound on scene size), found 1e+300" },
    ]);
  });
});

interface VsiBox { centroid: number[]; axesLengths: number[]; normalizedAxes: number[]; min: number[]; max: number[] }
interface VsiScene { dataset: string; room_size: number; room_center: number[]; object_counts: Record<string, number>; object_bbox: Record<string, VsiBox[]> }

/** A small, valid VSI-Bench meta_info file with one scene of three axis-aligned boxes. */
function vsiMeta(edit?: (scene: VsiScene) => void): Record<string, VsiScene> {
  const box = (c: number[], l: number[]): VsiBox => ({
    centroid: c,
    axesLengths: l,
    normalizedAxes: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    min: c.map((v, k) => v - l[k]! / 2),
    max: c.map((v, k) => v + l[k]! / 2),
  });
  const scene: VsiScene = {
    dataset: 'arkitscenes',
    room_size: 20,
    room_center: [2.5, 2, 1.3],
    object_counts: { chair: 2, table: 1 },
    object_bbox: {
      chair: [box([1, 1, 0.45], [0.5, 0.5, 0.9]), box([3, 1, 0.45], [0.5, 0.5, 0.9])],
      table: [box([2, 3, 0.4], [1.2, 0.8, 0.8])],
    },
  };
  edit?.(scene);
  return { scene0001_00: scene };
}

describe('a UTF-8 byte order mark is accepted by every JSON source reader', () => {
  const bom = (file: string): void => writeFileSync(file, `\uFEFF${readFileSync(file, 'utf8')}`);

  it('vsibench meta_info: the same scene as without it', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    const plain = join(dir, 'a', 'meta.json');
    const marked = join(dir, 'b', 'meta.json');
    writeFileSync(plain, JSON.stringify(vsiMeta()));
    writeFileSync(marked, `\uFEFF${JSON.stringify(vsiMeta())}`);
    const options = { upAxis: '+z', synthesizePoints: false, synthesizeTrajectory: false } as const;
    const a = importVsiMetaInfo(plain, options).scenes[0]!;
    const b = importVsiMetaInfo(marked, options).scenes[0]!;
    expect(b.objects).toEqual(a.objects);
    expect(b.room).toEqual(a.room);
  });

  it('arkitscenes annotation and scannet segs / aggregation: the same scene as without it', () => {
    const arkitPlain = writeArkitFixture(tmp());
    const arkitMarked = writeArkitFixture(tmp());
    bom(arkitMarked.files.annotation);
    expect(importArkitScene(arkitMarked.dir, { samplePoints: 200 }).objects).toEqual(importArkitScene(arkitPlain.dir, { samplePoints: 200 }).objects);
    const scanPlain = writeScanNetFixture(tmp());
    const scanMarked = writeScanNetFixture(tmp());
    bom(scanMarked.files.segs);
    bom(scanMarked.files.agg);
    expect(importScanNetScene(scanMarked.dir).objects).toEqual(importScanNetScene(scanPlain.dir).objects);
  });
});

describe('sizes: files read whole and scenes per run are capped, refused by name before the work', () => {
  it('a JSON meta file over 256 MB and a PLY over 2 GB are refused before reading, naming file, size and limit', () => {
    const dir = tmp();
    const meta = join(dir, 'meta.json');
    writeFileSync(meta, '{}');
    truncateSync(meta, MAX_JSON_FILE_BYTES + 1); // sparse: no disk used
    const e = inputError(() => importVsiMetaInfo(meta));
    expect(e.problems[0]).toMatchObject({ file: meta });
    expect(e.message).toMatch(/a JSON file of 256 MB: files up to 256 MB are read \(it is parsed whole; split it into several files\)/);
    const ply = join(dir, 'huge.ply');
    writeFileSync(ply, 'ply\n');
    truncateSync(ply, MAX_POINT_FILE_BYTES + 1024 * 1024);
    const p = inputError(() => importPlyScene(ply));
    expect(p.message).toMatch(/a point-cloud file of 2049 MB: files up to 2048 MB are read \(it is read whole; decimate it first\)/);
    expect(p.problems[0]).toMatchObject({ file: ply });
  });

  it('a run over 10,000 scenes is refused naming the source, before any scene is generated', () => {
    // Generating the first source's 6,000 scenes alone would take about a minute, past the test's timeout.
    const e = inputError(() => loadRunScenes(resolveLoopConfig({ scenes: ['synthetic:6000'], heldoutScenes: ['synthetic:6000'] })));
    expect(e.problems).toEqual([
      { field: 'config.heldoutScenes', message: `a run holds at most ${MAX_SCENES_PER_RUN} scenes (all are in memory while it runs); synthetic:6000 brings the total to 12000: use fewer or smaller sources` },
    ]);
  });
});
