/**
 * PLY writer for ASCII and both binary byte orders. Tests and the benchmark use it to generate fixtures, so it
 * can write any element/property order and any type spelling (`writePlyElements`); `writePly` covers the usual
 * mesh or point cloud.
 */
import type { PlyFormat, PlyScalarType } from './header.js';
import { TYPE_ALIASES, TYPE_SIZE, isIntegerType } from './header.js';

/** Any spelling the header accepts: char, uchar, …, int8, uint8, …, float, double. */
export type PlyTypeName = keyof typeof TYPE_ALIASES;

export interface PlyWriteScalar {
  name: string;
  type: PlyTypeName;
  /** Item i's value is values[i·stride + offset] (defaults 1 and 0), so interleaved arrays need no copy. */
  values: ArrayLike<number>;
  stride?: number;
  offset?: number;
}

export interface PlyWriteList {
  name: string;
  list: true;
  countType: PlyTypeName;
  itemType: PlyTypeName;
  lists: ArrayLike<number>[];
}

export interface PlyWriteElement {
  name: string;
  count: number;
  properties: (PlyWriteScalar | PlyWriteList)[];
}

export interface PlyWriteOptions {
  comments?: string[];
  /**
   * ASCII only: fixed decimals for float values (like C's %.Nf, which most scanners' exporters use). Default:
   * the shortest text that reads back to the identical float32/float64, so round trips are exact.
   */
  asciiDecimals?: number;
}

function canonical(t: PlyTypeName): PlyScalarType {
  return TYPE_ALIASES[t]!;
}

function isList(p: PlyWriteScalar | PlyWriteList): p is PlyWriteList {
  return 'list' in p;
}

function headerText(format: PlyFormat, elements: PlyWriteElement[], comments: string[]): string {
  const lines = ['ply', `format ${format} 1.0`, ...comments.map((c) => `comment ${c}`)];
  for (const el of elements) {
    lines.push(`element ${el.name} ${el.count}`);
    for (const p of el.properties) {
      lines.push(isList(p) ? `property list ${p.countType} ${p.itemType} ${p.name}` : `property ${p.type} ${p.name}`);
    }
  }
  lines.push('end_header', '');
  return lines.join('\n');
}

function writeScalar(dv: DataView, off: number, type: PlyScalarType, v: number, le: boolean): void {
  switch (type) {
    case 'int8': dv.setInt8(off, v); break;
    case 'uint8': dv.setUint8(off, v); break;
    case 'int16': dv.setInt16(off, v, le); break;
    case 'uint16': dv.setUint16(off, v, le); break;
    case 'int32': dv.setInt32(off, v, le); break;
    case 'uint32': dv.setUint32(off, v, le); break;
    case 'float32': dv.setFloat32(off, v, le); break;
    case 'float64': dv.setFloat64(off, v, le); break;
  }
}

function writeColumn(dv: DataView, base: number, stride: number, p: PlyWriteScalar, n: number, le: boolean): void {
  const values = p.values;
  const vs = p.stride ?? 1;
  const type = canonical(p.type);
  let o = base;
  let v = p.offset ?? 0;
  switch (type) {
    case 'float32': for (let i = 0; i < n; i++, o += stride, v += vs) dv.setFloat32(o, values[v]!, le); break;
    case 'float64': for (let i = 0; i < n; i++, o += stride, v += vs) dv.setFloat64(o, values[v]!, le); break;
    case 'uint8': for (let i = 0; i < n; i++, o += stride, v += vs) dv.setUint8(o, values[v]!); break;
    default: for (let i = 0; i < n; i++, o += stride, v += vs) writeScalar(dv, o, type, values[v]!, le);
  }
}

function valueAt(p: PlyWriteScalar, i: number): number {
  return p.values[i * (p.stride ?? 1) + (p.offset ?? 0)]!;
}

function checkLengths(el: PlyWriteElement): void {
  for (const p of el.properties) {
    const len = isList(p) ? p.lists.length : Math.floor((p.values.length - (p.offset ?? 0) + (p.stride ?? 1) - 1) / (p.stride ?? 1));
    if (len < el.count) throw new RangeError(`element ${el.name}: property ${p.name} has ${len} values for ${el.count} items`);
  }
}

function writeBinary(elements: PlyWriteElement[], le: boolean, head: Uint8Array): Uint8Array {
  let size = head.length;
  for (const el of elements) {
    for (const p of el.properties) {
      if (!isList(p)) size += el.count * TYPE_SIZE[canonical(p.type)];
      else for (let i = 0; i < el.count; i++) size += TYPE_SIZE[canonical(p.countType)] + p.lists[i]!.length * TYPE_SIZE[canonical(p.itemType)];
    }
  }
  const out = new Uint8Array(size);
  out.set(head, 0);
  const dv = new DataView(out.buffer);
  let off = head.length;
  for (const el of elements) {
    if (el.properties.every((p) => !isList(p))) {
      const scalars = el.properties as PlyWriteScalar[];
      const stride = scalars.reduce((s, p) => s + TYPE_SIZE[canonical(p.type)], 0);
      let propOff = 0;
      for (const p of scalars) {
        writeColumn(dv, off + propOff, stride, p, el.count, le);
        propOff += TYPE_SIZE[canonical(p.type)];
      }
      off += stride * el.count;
      continue;
    }
    for (let i = 0; i < el.count; i++) {
      for (const p of el.properties) {
        if (!isList(p)) {
          const t = canonical(p.type);
          writeScalar(dv, off, t, valueAt(p, i), le);
          off += TYPE_SIZE[t];
          continue;
        }
        const list = p.lists[i]!;
        const ct = canonical(p.countType);
        const it = canonical(p.itemType);
        writeScalar(dv, off, ct, list.length, le);
        off += TYPE_SIZE[ct];
        for (let j = 0; j < list.length; j++, off += TYPE_SIZE[it]) writeScalar(dv, off, it, list[j]!, le);
      }
    }
  }
  return out;
}

/** Shortest decimal text that reads back to exactly the same float32. */
function float32Text(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const f = Math.fround(v);
  for (let p = 1; p < 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(Number(f.toPrecision(9)));
}

function formatter(type: PlyScalarType, decimals: number | undefined): (v: number) => string {
  if (isIntegerType(type)) return (v) => String(v);
  if (decimals !== undefined) return (v) => v.toFixed(decimals);
  return type === 'float32' ? float32Text : (v) => String(v);
}

function writeAscii(elements: PlyWriteElement[], head: Uint8Array, decimals: number | undefined): Uint8Array {
  const chunks: Buffer[] = [Buffer.from(head)];
  // Lines are encoded in batches: one string for a 5M-point file would hit V8's string length limit.
  const BATCH = 20_000;
  for (const el of elements) {
    const fmt = el.properties.map((p) =>
      isList(p) ? { count: formatter(canonical(p.countType), undefined), item: formatter(canonical(p.itemType), decimals) } : formatter(canonical(p.type), decimals),
    );
    let lines: string[] = [];
    for (let i = 0; i < el.count; i++) {
      const parts: string[] = [];
      el.properties.forEach((p, k) => {
        const f = fmt[k]!;
        if (!isList(p)) {
          parts.push((f as (v: number) => string)(valueAt(p, i)));
          return;
        }
        const lf = f as { count: (v: number) => string; item: (v: number) => string };
        const list = p.lists[i]!;
        parts.push(lf.count(list.length));
        for (let j = 0; j < list.length; j++) parts.push(lf.item(list[j]!));
      });
      lines.push(parts.join(' '));
      if (lines.length === BATCH) {
        chunks.push(Buffer.from(`${lines.join('\n')}\n`, 'latin1'));
        lines = [];
      }
    }
    if (lines.length) chunks.push(Buffer.from(`${lines.join('\n')}\n`, 'latin1'));
  }
  return Buffer.concat(chunks);
}

/** Writes arbitrary elements in the given order. */
export function writePlyElements(elements: PlyWriteElement[], format: PlyFormat, options: PlyWriteOptions = {}): Uint8Array {
  elements.forEach(checkLengths);
  const head = Buffer.from(headerText(format, elements, options.comments ?? []), 'latin1');
  if (format === 'ascii') return writeAscii(elements, head, options.asciiDecimals);
  return writeBinary(elements, format === 'binary_little_endian', head);
}

export interface PlyMesh {
  /** xyz interleaved. */
  positions: ArrayLike<number>;
  /** rgb interleaved, 0–255. */
  colors?: ArrayLike<number>;
  /** Triangles (3 indices each). For other polygon sizes use `polygons`. */
  faces?: ArrayLike<number>;
  /** Faces of any size; written after `faces` if both are given. */
  polygons?: ArrayLike<number>[];
  /** Extra scalar vertex properties, written after the colours. */
  vertexProperties?: { name: string; type: PlyTypeName; values: ArrayLike<number> }[];
}

export interface WritePlyOptions extends PlyWriteOptions {
  positionType?: 'float' | 'double';
  /** 'float' writes colours scaled to [0, 1]. */
  colorType?: 'uchar' | 'float';
  faceCountType?: PlyTypeName;
  faceIndexType?: PlyTypeName;
  faceListName?: 'vertex_indices' | 'vertex_index';
}

function scaledColumn(values: ArrayLike<number>, n: number, offset: number, scale: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i * 3 + offset]! * scale;
  return out;
}

/** A mesh or point cloud: vertex x, y, z [, red, green, blue] [, extras], then faces if any. */
export function writePly(mesh: PlyMesh, format: PlyFormat, options: WritePlyOptions = {}): Uint8Array {
  const n = Math.floor(mesh.positions.length / 3);
  const pt = options.positionType ?? 'float';
  const props: PlyWriteScalar[] = ['x', 'y', 'z'].map((name, c) => ({ name, type: pt, values: mesh.positions, stride: 3, offset: c }));
  if (mesh.colors) {
    const floatColors = options.colorType === 'float';
    ['red', 'green', 'blue'].forEach((name, c) =>
      props.push(
        floatColors
          ? { name, type: 'float', values: scaledColumn(mesh.colors!, n, c, 1 / 255) }
          : { name, type: 'uchar', values: mesh.colors!, stride: 3, offset: c },
      ),
    );
  }
  for (const extra of mesh.vertexProperties ?? []) props.push({ ...extra });
  const elements: PlyWriteElement[] = [{ name: 'vertex', count: n, properties: props }];
  const lists: ArrayLike<number>[] = [];
  if (mesh.faces) for (let f = 0; f + 2 < mesh.faces.length; f += 3) lists.push([mesh.faces[f]!, mesh.faces[f + 1]!, mesh.faces[f + 2]!]);
  if (mesh.polygons) lists.push(...mesh.polygons);
  if (mesh.faces || mesh.polygons) {
    elements.push({
      name: 'face',
      count: lists.length,
      properties: [{ name: options.faceListName ?? 'vertex_indices', list: true, countType: options.faceCountType ?? 'uchar', itemType: options.faceIndexType ?? 'int', lists }],
    });
  }
  return writePlyElements(elements, format, options);
}
