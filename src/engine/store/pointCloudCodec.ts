/**
 * Binary layout of a scene's point cloud blob, little-endian throughout:
 *
 *   header (16 bytes)  magic "OBPC" · u16 version · u16 flags · u32 pointCount · u32 segmentCount
 *   positions          f32 × 3·pointCount
 *   colours            u8  × 3·pointCount, then zero padding to a multiple of 4
 *   objectIds          i32 × pointCount                      (flag OBJECT_IDS)
 *   segments           segmentCount × (i32 objectId · u32 n · u32 × n point indices)   (flag SEGMENTS)
 *
 * Segments carry the objects' `pointIndices`, which would be megabytes of JSON in the metadata column. The
 * padding keeps every numeric section 4-byte aligned so a reader could map it in place.
 */
import type { PointCloud } from '../../shared/scene.js';

export const POINT_CLOUD_MAGIC = 'OBPC';
export const POINT_CLOUD_VERSION = 1;
const HEADER_BYTES = 16;
const FLAG_OBJECT_IDS = 1;
const FLAG_SEGMENTS = 2;
const KNOWN_FLAGS = FLAG_OBJECT_IDS | FLAG_SEGMENTS;

export interface ObjectSegment {
  objectId: number;
  pointIndices: Uint32Array;
}

export interface DecodedPointCloud {
  points: PointCloud;
  segments: ObjectSegment[];
}

export class PointCloudFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PointCloudFormatError';
  }
}

const pad4 = (n: number): number => (n + 3) & ~3;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bytes of a typed array in little-endian order (a view when the host is little-endian, which is every target). */
function leBytes(a: Float32Array | Int32Array | Uint32Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) {
    if (a instanceof Float32Array) view.setFloat32(i * 4, a[i]!, true);
    else if (a instanceof Int32Array) view.setInt32(i * 4, a[i]!, true);
    else view.setUint32(i * 4, a[i]!, true);
  }
  return out;
}

/**
 * Encodes as a list of chunks so a million-point cloud is hashed and written without first being copied into one
 * buffer; join them with `Buffer.concat` when one buffer is wanted.
 */
export function encodePointCloud(points: PointCloud, segments: readonly ObjectSegment[] = []): Uint8Array[] {
  const n = points.positions.length / 3;
  if (!Number.isInteger(n)) throw new PointCloudFormatError(`positions length ${points.positions.length} is not a multiple of 3`);
  if (points.colors.length !== 3 * n) throw new PointCloudFormatError(`expected ${3 * n} colour values, found ${points.colors.length}`);
  if (points.objectIds && points.objectIds.length !== n) throw new PointCloudFormatError(`expected ${n} object ids, found ${points.objectIds.length}`);

  const flags = (points.objectIds ? FLAG_OBJECT_IDS : 0) | (segments.length > 0 ? FLAG_SEGMENTS : 0);
  const header = new Uint8Array(HEADER_BYTES);
  const hv = new DataView(header.buffer);
  for (let i = 0; i < 4; i++) header[i] = POINT_CLOUD_MAGIC.charCodeAt(i);
  hv.setUint16(4, POINT_CLOUD_VERSION, true);
  hv.setUint16(6, flags, true);
  hv.setUint32(8, n, true);
  hv.setUint32(12, segments.length, true);

  const chunks: Uint8Array[] = [header, leBytes(points.positions), points.colors];
  const padding = pad4(3 * n) - 3 * n;
  if (padding > 0) chunks.push(new Uint8Array(padding));
  if (points.objectIds) chunks.push(leBytes(points.objectIds));
  for (const s of segments) {
    const head = new Uint8Array(8);
    const v = new DataView(head.buffer);
    v.setInt32(0, s.objectId, true);
    v.setUint32(4, s.pointIndices.length, true);
    chunks.push(head, leBytes(s.pointIndices));
  }
  return chunks;
}

function readArray<T extends Float32Array | Int32Array | Uint32Array>(
  bytes: Uint8Array,
  offset: number,
  count: number,
  make: (n: number) => T,
  read: (view: DataView, at: number) => number,
): T {
  const out = make(count);
  const src = bytes.subarray(offset, offset + count * 4);
  if (LITTLE_ENDIAN_HOST) {
    // Copying (rather than viewing) also fixes alignment: the source buffer may start at any byte offset.
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(src);
  } else {
    const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let i = 0; i < count; i++) out[i] = read(view, i * 4);
  }
  return out;
}

/** Decodes and checks every size against the header; `what` names the blob in error messages. */
export function decodePointCloud(bytes: Uint8Array, what = 'point cloud'): DecodedPointCloud {
  const fail = (message: string): never => {
    throw new PointCloudFormatError(`${what}: ${message}`);
  };
  if (bytes.length < HEADER_BYTES) fail(`expected at least a ${HEADER_BYTES}-byte header, found ${bytes.length} bytes`);
  const magic = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
  if (magic !== POINT_CLOUD_MAGIC) fail(`expected magic "${POINT_CLOUD_MAGIC}", found ${JSON.stringify(magic)}`);
  const hv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = hv.getUint16(4, true);
  if (version !== POINT_CLOUD_VERSION) fail(`format version ${version} is not supported (this build reads version ${POINT_CLOUD_VERSION})`);
  const flags = hv.getUint16(6, true);
  if ((flags & ~KNOWN_FLAGS) !== 0) fail(`unknown flags 0x${flags.toString(16)}`);
  const n = hv.getUint32(8, true);
  const segmentCount = hv.getUint32(12, true);
  if (segmentCount > 0 && !(flags & FLAG_SEGMENTS)) fail(`header has ${segmentCount} segments but no segment flag`);

  const positionsAt = HEADER_BYTES;
  const colorsAt = positionsAt + 12 * n;
  const idsAt = colorsAt + pad4(3 * n);
  const segmentsAt = idsAt + (flags & FLAG_OBJECT_IDS ? 4 * n : 0);
  if (bytes.length < segmentsAt) fail(`${n} points need ${segmentsAt} bytes, found ${bytes.length}`);

  const positions = readArray(bytes, positionsAt, 3 * n, (k) => new Float32Array(k), (v, at) => v.getFloat32(at, true));
  // A plain copy: `slice` on a Node Buffer would return a Buffer view into the whole file.
  const colors = new Uint8Array(bytes.subarray(colorsAt, colorsAt + 3 * n));
  const points: PointCloud = { positions, colors };
  if (flags & FLAG_OBJECT_IDS) points.objectIds = readArray(bytes, idsAt, n, (k) => new Int32Array(k), (v, at) => v.getInt32(at, true));

  const segments: ObjectSegment[] = [];
  let at = segmentsAt;
  for (let s = 0; s < segmentCount; s++) {
    if (bytes.length < at + 8) fail(`segment ${s} of ${segmentCount}: header runs past the end (${bytes.length} bytes)`);
    const objectId = hv.getInt32(at, true);
    const count = hv.getUint32(at + 4, true);
    at += 8;
    if (bytes.length < at + 4 * count) fail(`segment ${s} (object ${objectId}): ${count} indices run past the end (${bytes.length} bytes)`);
    const pointIndices = readArray(bytes, at, count, (k) => new Uint32Array(k), (v, p) => v.getUint32(p, true));
    for (let i = 0; i < count; i++) {
      if (pointIndices[i]! >= n) fail(`segment ${s} (object ${objectId}): index ${pointIndices[i]} is past the ${n} points`);
    }
    segments.push({ objectId, pointIndices });
    at += 4 * count;
  }
  if (at !== bytes.length) fail(`expected ${at} bytes, found ${bytes.length} (trailing data)`);
  return { points, segments };
}
