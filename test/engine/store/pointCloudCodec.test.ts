import { describe, expect, it } from 'vitest';
import { decodePointCloud, encodePointCloud, PointCloudFormatError } from '../../../src/engine/store/index.js';
import type { PointCloud } from '../../../src/shared/scene.js';

const join = (chunks: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(chunks));

function cloud(n: number, withIds: boolean): PointCloud {
  const positions = Float32Array.from({ length: 3 * n }, (_, i) => i * 0.5 - 3.25);
  const colors = Uint8Array.from({ length: 3 * n }, (_, i) => (i * 37) % 256);
  return withIds ? { positions, colors, objectIds: Int32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : i % 3)) } : { positions, colors };
}

describe('point cloud codec', () => {
  it('round-trips positions, colours, object ids and segments bit for bit', () => {
    const points = cloud(5, true);
    const segments = [
      { objectId: 1, pointIndices: Uint32Array.from([1, 4]) },
      { objectId: 2, pointIndices: Uint32Array.from([2]) },
      { objectId: 3, pointIndices: new Uint32Array(0) },
    ];
    const bytes = join(encodePointCloud(points, segments));
    // header 16 + positions 60 + colours 15 → 16 padded + ids 20 + segments (8+8) + (8+4) + 8
    expect(bytes.length).toBe(16 + 60 + 16 + 20 + 16 + 12 + 8);
    const d = decodePointCloud(bytes);
    expect(d.points.positions).toEqual(points.positions);
    expect(d.points.colors).toEqual(points.colors);
    expect(d.points.objectIds).toEqual(points.objectIds);
    expect(d.segments).toEqual(segments);
  });

  it('round-trips a cloud without object ids or segments, and an empty one', () => {
    const d = decodePointCloud(join(encodePointCloud(cloud(4, false))));
    expect(d.points.objectIds).toBeUndefined();
    expect(d.points.positions).toEqual(cloud(4, false).positions);
    expect(d.segments).toEqual([]);
    expect(decodePointCloud(join(encodePointCloud(cloud(0, false)))).points.positions.length).toBe(0);
  });

  it('decodes from an unaligned buffer', () => {
    const bytes = join(encodePointCloud(cloud(7, true)));
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    expect(decodePointCloud(shifted).points.positions).toEqual(cloud(7, true).positions);
  });

  it('is little-endian on disk', () => {
    const bytes = join(encodePointCloud({ positions: Float32Array.from([1, 2, 3]), colors: Uint8Array.from([1, 2, 3]) }));
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('OBPC');
    expect(v.getUint16(4, true)).toBe(1);
    expect(v.getUint32(8, true)).toBe(1);
    expect(v.getFloat32(16, true)).toBe(1);
  });

  it('refuses damaged input with a message naming the blob and what is wrong', () => {
    const good = join(encodePointCloud(cloud(5, true), [{ objectId: 1, pointIndices: Uint32Array.from([1]) }]));
    const fails = (bytes: Uint8Array, pattern: RegExp): void => {
      expect(() => decodePointCloud(bytes, 'blob X')).toThrow(PointCloudFormatError);
      expect(() => decodePointCloud(bytes, 'blob X')).toThrow(pattern);
    };
    fails(good.subarray(0, 10), /^blob X: expected at least a 16-byte header, found 10 bytes/);
    const badMagic = good.slice();
    badMagic[0] = 0x58;
    fails(badMagic, /expected magic "OBPC", found "XBPC"/);
    const badVersion = good.slice();
    new DataView(badVersion.buffer).setUint16(4, 9, true);
    fails(badVersion, /format version 9 is not supported/);
    const badFlags = good.slice();
    new DataView(badFlags.buffer).setUint16(6, 0x80, true);
    fails(badFlags, /unknown flags/);
    fails(good.subarray(0, 60), /5 points need 112 bytes, found 60/);
    fails(good.subarray(0, good.length - 2), /segment 0 \(object 1\): 1 indices run past the end/);
    fails(join([good, new Uint8Array(4)]), /trailing data/);
    const badIndex = good.slice();
    new DataView(badIndex.buffer).setUint32(good.length - 4, 99, true);
    fails(badIndex, /index 99 is past the 5 points/);
  });

  it('refuses to encode inconsistent arrays', () => {
    expect(() => encodePointCloud({ positions: new Float32Array(6), colors: new Uint8Array(3) })).toThrow(/expected 6 colour values, found 3/);
  });
});

describe('point cloud codec on Node buffers', () => {
  it('returns plain typed arrays that do not share the input buffer', () => {
    const bytes = Buffer.concat(encodePointCloud(cloud(3, true)));
    const d = decodePointCloud(bytes);
    expect(Object.getPrototypeOf(d.points.colors)).toBe(Uint8Array.prototype);
    bytes.fill(0);
    expect(d.points.colors).toEqual(cloud(3, true).colors);
  });
});
