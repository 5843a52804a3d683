/**
 * The solver's checkpoint file: everything needed to resume training exactly — configuration, vocabulary,
 * parameters, AdamW moments and the update count — in one self-checking blob.
 *
 *   magic "OUROSLVR" (8 bytes) · version u32 · header length u32 · header (UTF-8 JSON) ·
 *   tensors (float32 little-endian: every parameter, then every m, then every v, in header order) ·
 *   CRC-32 u32 of all preceding bytes
 *
 * All integers little-endian. The checksum catches truncation and bit rot before a single value is trusted;
 * the header lists each tensor's name and shape so a reader checks sizes without knowing the architecture.
 */

import { crc32 as zlibCrc32 } from 'node:zlib';

export const CHECKPOINT_MAGIC = 'OUROSLVR';
export const CHECKPOINT_VERSION = 1;

export class CheckpointError extends Error {
  constructor(message: string) {
    super(`solver checkpoint: ${message}`);
    this.name = 'CheckpointError';
  }
}

export interface CheckpointTensor {
  name: string;
  shape: number[];
}

export interface CheckpointContents<H> {
  /** Free-form JSON the solver needs back (config, vocabulary, seed, step). */
  header: H;
  tensors: CheckpointTensor[];
  params: Record<string, Float32Array>;
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
}

/** CRC-32 (IEEE 802.3, as zlib computes it), natively by Node's zlib. */
export function crc32(bytes: Uint8Array): number {
  return zlibCrc32(bytes);
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

function writeFloats(out: Uint8Array, offset: number, values: Float32Array): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset);
  for (let i = 0; i < values.length; i++) view.setFloat32(offset + 4 * i, values[i]!, true);
}

function readFloats(bytes: Uint8Array, offset: number, count: number): Float32Array {
  const out = new Float32Array(count);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + 4 * count));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, true);
  return out;
}

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function writeCheckpoint<H>(c: CheckpointContents<H>): Uint8Array {
  const headerBytes = new TextEncoder().encode(JSON.stringify({ header: c.header, tensors: c.tensors }));
  const groups = [c.params, c.m, c.v];
  const floats = 3 * c.tensors.reduce((n, t) => n + numel(t.shape), 0);
  const total = 8 + 4 + 4 + headerBytes.length + 4 * floats + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(CHECKPOINT_MAGIC), 0);
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, headerBytes.length, true);
  out.set(headerBytes, 16);
  let offset = 16 + headerBytes.length;
  for (const group of groups) {
    for (const t of c.tensors) {
      const values = group[t.name];
      if (!values || values.length !== numel(t.shape)) throw new CheckpointError(`tensor "${t.name}" is missing or has the wrong size`);
      writeFloats(out, offset, values);
      offset += 4 * values.length;
    }
  }
  view.setUint32(offset, crc32(out.subarray(0, offset)), true);
  return out;
}

export function readCheckpoint<H>(bytes: Uint8Array): CheckpointContents<H> {
  if (!(bytes instanceof Uint8Array)) throw new CheckpointError('expected bytes (a Uint8Array)');
  if (bytes.length < 20) throw new CheckpointError(`file is too short to be a checkpoint (${bytes.length} bytes)`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== CHECKPOINT_MAGIC) throw new CheckpointError(`not a solver checkpoint (magic ${JSON.stringify(magic)}, expected "${CHECKPOINT_MAGIC}")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION) throw new CheckpointError(`unsupported version ${version} (this build reads version ${CHECKPOINT_VERSION})`);
  const stored = view.getUint32(bytes.length - 4, true);
  const actual = crc32(bytes.subarray(0, bytes.length - 4));
  if (stored !== actual) {
    throw new CheckpointError(`checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)}): the file is corrupt or truncated`);
  }
  const headerLength = view.getUint32(12, true);
  if (16 + headerLength > bytes.length - 4) throw new CheckpointError('header runs past the end of the file');
  let parsed: { header: H; tensors: CheckpointTensor[] };
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + headerLength))) as typeof parsed;
  } catch (e) {
    throw new CheckpointError(`header is not valid JSON (${(e as Error).message})`);
  }
  const tensors = parsed.tensors;
  if (!Array.isArray(tensors) || tensors.some((t) => typeof t?.name !== 'string' || !Array.isArray(t.shape) || t.shape.some((d) => !Number.isInteger(d) || d < 0))) {
    throw new CheckpointError('header has a malformed tensor list');
  }
  const floats = 3 * tensors.reduce((n, t) => n + numel(t.shape), 0);
  const expected = 16 + headerLength + 4 * floats + 4;
  if (expected !== bytes.length) throw new CheckpointError(`size mismatch: the header describes ${expected} bytes, the file has ${bytes.length}`);
  let offset = 16 + headerLength;
  const read = (): Record<string, Float32Array> => {
    const out: Record<string, Float32Array> = {};
    for (const t of tensors) {
      const n = numel(t.shape);
      out[t.name] = readFloats(bytes, offset, n);
      offset += 4 * n;
    }
    return out;
  };
  const params = read();
  const m = read();
  const v = read();
  return { header: parsed.header, tensors, params, m, v };
}
