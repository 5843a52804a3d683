import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/shared/random.js';
import type { PlyFormat } from '../../../src/engine/sources/ply/header.js';
import { parsePly } from '../../../src/engine/sources/ply/parse.js';
import type { PlyWriteElement } from '../../../src/engine/sources/ply/write.js';
import { writePly, writePlyElements } from '../../../src/engine/sources/ply/write.js';
import { inputError as catchInputError } from '../../helpers/errors.js';

const FORMATS: PlyFormat[] = ['ascii', 'binary_little_endian', 'binary_big_endian'];
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function randomMesh(n: number, triangles: number, seed = 1): { positions: Float32Array; colors: Uint8Array; faces: Uint32Array } {
  const rng = createRng(seed);
  const positions = new Float32Array(3 * n);
  for (let i = 0; i < positions.length; i++) positions[i] = rng.range(-50, 50);
  const colors = new Uint8Array(3 * n);
  for (let i = 0; i < colors.length; i++) colors[i] = rng.int(256);
  const faces = new Uint32Array(3 * triangles);
  for (let i = 0; i < faces.length; i++) faces[i] = rng.int(n);
  return { positions, colors, faces };
}

/** Runs fn, expecting an InputError; returns its first problem. */
function inputError(fn: () => unknown): { file?: string; field?: string; message: string; text: string } {
  const err = catchInputError(fn);
  return { ...err.problems[0]!, text: err.message };
}

describe('PLY round trip', () => {
  for (const format of FORMATS) {
    it(`${format}: positions, colours and faces read back exactly`, () => {
      const mesh = randomMesh(500, 700);
      const data = parsePly(writePly(mesh, format), 'mesh.ply');
      expect(data.header.format).toBe(format);
      expect(data.vertexCount).toBe(500);
      expect(data.positions).toEqual(mesh.positions);
      expect(data.colors).toEqual(mesh.colors);
      expect(data.faces).toEqual(mesh.faces);
      expect(data.warnings).toEqual([]);
    });

    it(`${format}: a point cloud without colours or faces`, () => {
      const { positions } = randomMesh(64, 0, 7);
      const data = parsePly(writePly({ positions }, format), 'cloud.ply');
      expect(data.positions).toEqual(positions);
      expect(data.colors).toBeUndefined();
      expect(data.faces).toBeUndefined();
    });

    it(`${format}: double positions and float colours in [0, 1] are converted`, () => {
      const positions = [0.1, -2.25, 1e-3, 123456.789, 0, -7.5];
      const colors = [255, 0, 128, 1, 254, 77];
      const bytes = writePly({ positions, colors, faces: [] }, format, { positionType: 'double', colorType: 'float' });
      const data = parsePly(bytes, 'double.ply');
      expect(Array.from(data.positions)).toEqual(positions.map(Math.fround));
      expect(Array.from(data.colors!)).toEqual(colors);
      expect(data.header.elements[0]!.properties.map((p) => p.kind === 'scalar' && p.type)).toEqual(['float64', 'float64', 'float64', 'float32', 'float32', 'float32']);
    });

    it(`${format}: any element and property order, type aliases, extra properties kept`, () => {
      const n = 5;
      const xs = [0, 1, 2, 3, 4];
      const elements: PlyWriteElement[] = [
        { name: 'material', count: 2, properties: [{ name: 'ambient', type: 'uint8', values: [1, 2] }] },
        { name: 'face', count: 2, properties: [
          { name: 'flags', type: 'int16', values: [-1, 7] },
          { name: 'vertex_index', list: true, countType: 'int8', itemType: 'uint16', lists: [[0, 1, 2], [4, 3, 2, 1]] },
          { name: 'texcoord', list: true, countType: 'uint8', itemType: 'float32', lists: [[0.5, 0.25], []] },
        ] },
        { name: 'vertex', count: n, properties: [
          { name: 'blue', type: 'uint8', values: [5, 6, 7, 8, 9] },
          { name: 'label', type: 'ushort', values: [0, 3, 3, 65535, 12] },
          { name: 'z', type: 'float32', values: xs.map((x) => x * 10) },
          { name: 'green', type: 'uchar', values: [1, 2, 3, 4, 5] },
          { name: 'y', type: 'double', values: xs.map((x) => 0 - x) },
          { name: 'red', type: 'uint8', values: [9, 8, 7, 6, 5] },
          { name: 'x', type: 'float', values: xs },
          { name: 'nx', type: 'float64', values: [0.5, 0.5, 0.5, 0.5, 0.5] },
          { name: 'quality', type: 'char', values: [-128, 0, 1, 2, 127] },
          { name: 'id', type: 'uint', values: [4294967295, 0, 1, 2, 3] },
          { name: 'tag', type: 'int32', values: [-2147483648, 0, 1, 2, 3] },
        ] },
        { name: 'edge', count: 1, properties: [{ name: 'vertex_indices', list: true, countType: 'uint', itemType: 'int', lists: [[0, 4]] }] },
      ];
      const data = parsePly(writePlyElements(elements, format), 'order.ply');
      expect(Array.from(data.positions)).toEqual([0, 0, 0, 1, -1, 10, 2, -2, 20, 3, -3, 30, 4, -4, 40]);
      expect(Array.from(data.colors!)).toEqual([9, 1, 5, 8, 2, 6, 7, 3, 7, 6, 4, 8, 5, 5, 9]);
      // The quad is fan-triangulated around its first vertex.
      expect(Array.from(data.faces!)).toEqual([0, 1, 2, 4, 3, 2, 4, 2, 1]);
      expect(data.vertexProperties.label).toBeInstanceOf(Uint16Array);
      expect(Array.from(data.vertexProperties.label!)).toEqual([0, 3, 3, 65535, 12]);
      expect(Array.from(data.vertexProperties.quality!)).toEqual([-128, 0, 1, 2, 127]);
      expect(Array.from(data.vertexProperties.id!)).toEqual([4294967295, 0, 1, 2, 3]);
      expect(Array.from(data.vertexProperties.tag!)).toEqual([-2147483648, 0, 1, 2, 3]);
      expect(Object.keys(data.vertexProperties).sort()).toEqual(['id', 'label', 'nx', 'quality', 'tag']);
      expect(data.header.elements.map((e) => e.name)).toEqual(['material', 'face', 'vertex', 'edge']);
    });

    it(`${format}: a vertex element with a list property is walked item by item`, () => {
      const elements: PlyWriteElement[] = [{ name: 'vertex', count: 3, properties: [
        { name: 'x', type: 'float', values: [1, 2, 3] },
        { name: 'uv', list: true, countType: 'uchar', itemType: 'float', lists: [[0.5], [], [0.25, 0.75]] },
        { name: 'y', type: 'float', values: [4, 5, 6] },
        { name: 'z', type: 'double', values: [7, 8, 9] },
        { name: 'red', type: 'uchar', values: [10, 20, 30] },
        { name: 'green', type: 'uchar', values: [11, 21, 31] },
        { name: 'blue', type: 'uchar', values: [12, 22, 32] },
        { name: 'label', type: 'int16', values: [-1, 0, 1] },
      ] }];
      const data = parsePly(writePlyElements(elements, format), 'uv.ply');
      expect(Array.from(data.positions)).toEqual([1, 4, 7, 2, 5, 8, 3, 6, 9]);
      expect(Array.from(data.colors!)).toEqual([10, 11, 12, 20, 21, 22, 30, 31, 32]);
      expect(Array.from(data.vertexProperties.label!)).toEqual([-1, 0, 1]);
    });

    it(`${format}: polygons are fan-triangulated, degenerate faces skipped with a warning`, () => {
      const positions = Array.from({ length: 8 * 3 }, (_, i) => i);
      const data = parsePly(writePly({ positions, polygons: [[0, 1, 2, 3], [3, 4, 5, 6, 7], [1, 2], [7, 6, 5]] }, format), 'poly.ply');
      expect(Array.from(data.faces!)).toEqual([0, 1, 2, 0, 2, 3, 3, 4, 5, 3, 5, 6, 3, 6, 7, 7, 6, 5]);
      expect(data.warnings).toEqual(['1 faces with fewer than 3 vertices skipped']);
    });
  }

  it('keepProperties: false drops the extra vertex properties', () => {
    const bytes = writePly({ positions: [1, 2, 3], vertexProperties: [{ name: 'label', type: 'ushort', values: [4] }] }, 'binary_little_endian');
    expect(parsePly(bytes, 'a.ply', { keepProperties: false }).vertexProperties).toEqual({});
    expect(Array.from(parsePly(bytes, 'a.ply').vertexProperties.label!)).toEqual([4]);
  });

  it('reads r/g/b and diffuse_* colour names, and 16-bit colours', () => {
    for (const names of [['r', 'g', 'b'], ['diffuse_red', 'diffuse_green', 'diffuse_blue']]) {
      const text = `ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\n${names.map((n) => `property uchar ${n}\n`).join('')}end_header\n1 2 3 10 20 30\n`;
      expect(Array.from(parsePly(enc(text), 'c.ply').colors!)).toEqual([10, 20, 30]);
    }
    const text16 = 'ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\nproperty ushort red\nproperty ushort green\nproperty ushort blue\nend_header\n0 0 0 65535 0 32896\n';
    expect(Array.from(parsePly(enc(text16), 'c16.ply').colors!)).toEqual([255, 0, 128]);
  });

  it('float colours above 1 are read as 0–255 with a warning', () => {
    const text = 'ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nproperty float red\nproperty float green\nproperty float blue\nend_header\n0 0 0 255 128 0\n1 1 1 10.4 300 -5\n';
    const data = parsePly(enc(text), 'f.ply');
    expect(Array.from(data.colors!)).toEqual([255, 128, 0, 10, 255, 0]);
    expect(data.warnings[0]).toMatch(/float colours exceed 1/);
  });

  it('ASCII: CRLF line ends, tabs, blank lines, exponents and signs', () => {
    const text = 'ply\r\nformat ascii 1.0\r\ncomment made by hand\r\nobj_info nothing\r\nelement vertex 3\r\nproperty float x\r\nproperty float y\r\nproperty float z\r\nend_header\r\n' +
      '1.5e2\t-2.5E-1 +3\r\n\r\n.5 -0.125 7.\r\n  1234567890123456789 1e-30 -0\r\n';
    const data = parsePly(enc(text), 'crlf.ply');
    expect(Array.from(data.positions)).toEqual([150, -0.25, 3, 0.5, -0.125, 7, 1234567890123456789, 1e-30, -0].map(Math.fround));
    expect(data.header.comments).toEqual(['made by hand']);
    expect(data.header.objInfo).toEqual(['nothing']);
  });

  it('ASCII: many-digit numbers read exactly like Number()', () => {
    const values = [0.1, 1 / 3, -123.456789012345678, 9007199254740993, 2.5e-300, 1.7976931348623157e308, 4.9406564584124654e-324];
    const text = `ply\nformat ascii 1.0\nelement vertex 1\n${values.map((_, i) => `property double v${i}\n`).join('')}property float x\nproperty float y\nproperty float z\nend_header\n${values.map(String).join(' ')} 0 0 0\n`;
    const data = parsePly(enc(text), 'digits.ply');
    values.forEach((v, i) => expect(data.vertexProperties[`v${i}`]![0]).toBe(v));
  });
});

describe('PLY errors name the file and the problem', () => {
  const cloud = (n: number, format: PlyFormat): Uint8Array => writePly({ positions: new Float32Array(3 * n).map((_, i) => i), colors: new Uint8Array(3 * n) }, format);

  it('truncated binary vertex data', () => {
    const bytes = cloud(1000, 'binary_little_endian');
    const dataStart = bytes.length - 15000;
    const e = inputError(() => parsePly(bytes.subarray(0, dataStart + 7500), 'scan.ply'));
    expect(e.file).toBe('scan.ply');
    expect(e.message).toBe('expected 1000 vertices × 15 bytes = 15000 bytes of vertex data, file ends after 7500 (room for at most 500)');
  });

  it('truncated binary face data', () => {
    const bytes = writePly({ positions: [0, 0, 0, 1, 0, 0, 0, 1, 0], faces: [0, 1, 2, 2, 1, 0] }, 'binary_big_endian');
    const e = inputError(() => parsePly(bytes.subarray(0, bytes.length - 5), 'mesh.ply'));
    expect(e.file).toBe('mesh.ply');
    expect(e.message).toMatch(/^expected 2 faces, file ends inside face 1/);
  });

  it('binary: a header count smaller than the data', () => {
    const bytes = cloud(10, 'binary_little_endian');
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, bytes.length - 150)).replace('element vertex 10', 'element vertex 8');
    const edited = new Uint8Array([...enc(head), ...bytes.subarray(bytes.length - 150)]);
    const e = inputError(() => parsePly(edited, 'x.ply'));
    expect(e.file).toBe('x.ply');
    expect(e.message).toMatch(/found 30 more bytes: the header's counts do not match the data/);
    expect(e.message).toMatch(/8 vertices/);
  });

  it('binary: a header count larger than the data', () => {
    const bytes = cloud(10, 'binary_little_endian');
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, bytes.length - 150)).replace('element vertex 10', 'element vertex 12');
    const edited = new Uint8Array([...enc(head), ...bytes.subarray(bytes.length - 150)]);
    const e = inputError(() => parsePly(edited, 'x.ply'));
    expect(e.message).toBe('expected 12 vertices × 15 bytes = 180 bytes of vertex data, file ends after 150 (room for at most 10)');
  });

  it('ASCII: fewer vertex lines than the header says', () => {
    const text = new TextDecoder().decode(cloud(10, 'ascii')).replace('element vertex 10', 'element vertex 12');
    const e = inputError(() => parsePly(enc(text), 'few.ply'));
    expect(e.file).toBe('few.ply');
    expect(e.message).toMatch(/^expected 12 vertices, found 10 \(the file ends at line \d+\)/);
  });

  it('ASCII: more vertex lines than the header says', () => {
    const text = new TextDecoder().decode(cloud(10, 'ascii')).replace('element vertex 10', 'element vertex 9');
    const e = inputError(() => parsePly(enc(text), 'many.ply'));
    expect(e.file).toBe('many.ply');
    expect(e.field).toBe('line 20'); // 10 header lines, 9 vertex lines
    expect(e.message).toMatch(/found data after the last element \(header declares 9 vertices\)/);
  });

  it('ASCII: wrong vertex count that runs into the faces', () => {
    const bytes = writePly({ positions: [0, 0, 0, 1, 0, 0, 0, 1, 0], colors: [1, 2, 3, 4, 5, 6, 7, 8, 9], faces: [0, 1, 2] }, 'ascii');
    const text = new TextDecoder().decode(bytes).replace('element vertex 3', 'element vertex 4');
    const e = inputError(() => parsePly(enc(text), 'mesh.ply'));
    expect(e.field).toMatch(/^line \d+$/);
    expect(e.message).toMatch(/vertex 3 \(x y z red green blue\): found fewer values on the line than the header declares/);
  });

  it('ASCII: a line with too many values, and a token that is not a number', () => {
    const head = 'ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nend_header\n';
    expect(inputError(() => parsePly(enc(`${head}1 2 3 4\n5 6 7\n`), 'a.ply')).message).toMatch(/vertex 0 \(x y z\): found more values/);
    const e = inputError(() => parsePly(enc(`${head}1 2 3\n5 six 7\n`), 'a.ply'));
    expect(e.field).toBe('line 9');
    expect(e.message).toBe('vertex 1 (x y z): expected a number at column 3, found 3 characters that are not one');
  });

  it('bad headers', () => {
    expect(inputError(() => parsePly(enc('PLY\nformat ascii 1.0\nend_header\n'), 'h.ply')).message).toBe(`not a PLY file: expected the file to start with the line 'ply', found something else`);
    expect(inputError(() => parsePly(new Uint8Array(0), 'h.ply')).message).toMatch(/found an empty file/);
    expect(inputError(() => parsePly(enc('ply\nelement vertex 1\nproperty float x\nend_header\n'), 'h.ply')).message).toMatch(/expected a 'format' line/);
    expect(inputError(() => parsePly(enc('ply\nformat binary_middle_endian 1.0\nend_header\n'), 'h.ply')).message).toBe('unknown format: expected ascii, binary_little_endian or binary_big_endian (word 2, not one of them)');
    const unknown = inputError(() => parsePly(enc('ply\nformat ascii 1.0\nelement vertex 1\nproperty float16 x\nend_header\n'), 'h.ply'));
    expect(unknown).toMatchObject({ file: 'h.ply', field: 'header line 4' });
    expect(unknown.message).toMatch(/^unknown property type: expected one of char, int8, uchar.*\(word 2, not one of them\)$/);
    expect(inputError(() => parsePly(enc('ply\nformat ascii 1.0\nelement vertex 1\nproperty list float int vertex_indices\nend_header\n'), 'h.ply')).message).toMatch(/list count type must be an integer type/);
    expect(inputError(() => parsePly(enc('ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\n'), 'h.ply')).message).toMatch(/expected an 'end_header' line/);
    expect(inputError(() => parsePly(enc('ply\nformat ascii 1.0\nelement vertex -1\nend_header\n'), 'h.ply')).message).toMatch(/non-negative integer element count/);
    expect(inputError(() => parsePly(enc('ply\nformat ascii 1.0\nproperty float x\nend_header\n'), 'h.ply')).message).toMatch(/property declared before any element/);
    expect(inputError(() => parsePly(enc('ply\nformat ascii 1.0\nelement face 0\nend_header\n'), 'h.ply')).message).toMatch(/expected a 'vertex' element, found 'face'/);
    expect(inputError(() => parsePly(enc('ply\nformat ascii 1.0\nelement vertex 0\nproperty float x\nproperty float z\nend_header\n'), 'h.ply')).message).toMatch(/found no 'y'/);
  });

  it('non-finite coordinates, binary and ASCII', () => {
    const positions = new Float32Array([0, 1, 2, 3, NaN, 5]);
    const e = inputError(() => parsePly(writePly({ positions }, 'binary_little_endian'), 'nan.ply'));
    expect(e).toMatchObject({ file: 'nan.ply', field: 'vertex 1', message: 'expected finite coordinates, found y = NaN' });
    const text = 'ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nend_header\n0 0 0\n1 2 -inf\n';
    expect(inputError(() => parsePly(enc(text), 'inf.ply'))).toMatchObject({ file: 'inf.ply', field: 'vertex 1', message: 'expected finite coordinates, found z = -Infinity' });
  });

  it('face indices out of range', () => {
    const bytes = writePly({ positions: [0, 0, 0, 1, 0, 0, 0, 1, 0], faces: [0, 1, 2, 0, 1, 3] }, 'binary_little_endian');
    expect(inputError(() => parsePly(bytes, 'f.ply'))).toMatchObject({ file: 'f.ply', field: 'face 1', message: 'expected vertex indices in [0, 3), found 3' });
  });
});
