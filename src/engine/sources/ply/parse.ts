/**
 * PLY reader for ASCII and both binary byte orders, any element and property order.
 *
 * Fixed-size vertex layouts (the common case: only scalar properties) are read column by column with a
 * DataView at a constant stride, one tight loop per (property, type), so there is no per-point allocation and
 * no per-value dispatch. Elements with list properties (faces) are walked item by item.
 */
import { InputError } from '../../../shared/errors.js';
import { AsciiScanner } from './ascii.js';
import type { PlyElement, PlyHeader, PlyListProperty, PlyProperty, PlyScalarType } from './header.js';
import { TYPE_SIZE, fixedStride, headerName, isIntegerType, parsePlyHeader, printableName } from './header.js';

export type PlyTypedArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export interface PlyData {
  header: PlyHeader;
  vertexCount: number;
  /** xyz interleaved, length 3·vertexCount. */
  positions: Float32Array;
  /** rgb interleaved, length 3·vertexCount, when the vertices carry colours. */
  colors?: Uint8Array;
  /** Triangles (3 vertex indices each); polygons are fan-triangulated. Present when the file has faces. */
  faces?: Uint32Array;
  /** Other scalar vertex properties (normals, alpha, ScanNet's label, …) in their declared type. */
  vertexProperties: Record<string, PlyTypedArray>;
  /** Things the reader resolved on its own (skipped degenerate faces, 0–255 float colours, …). */
  warnings: string[];
}

export interface ParsePlyOptions {
  /** Keep scalar vertex properties other than position and colour (default true). */
  keepProperties?: boolean;
}

const COLOR_NAMES: [string, string, string][] = [
  ['red', 'green', 'blue'],
  ['r', 'g', 'b'],
  ['diffuse_red', 'diffuse_green', 'diffuse_blue'],
];
const FACE_LIST_NAMES = ['vertex_indices', 'vertex_index'];

function plural(el: PlyElement | string): string {
  const name = typeof el === 'string' ? el : el.name;
  if (name === 'vertex') return 'vertices';
  if (name === 'face') return 'faces';
  return `${headerName(name)} items`;
}

function singular(name: string): string {
  return name === 'vertex' || name === 'face' ? name : `${headerName(name)} item`;
}

/** Property names for a message: the first few, so a header with thousands of them still gives one line. */
function someNames(props: readonly PlyProperty[], sep: string): string {
  const shown = props.slice(0, 8).map((p) => (/^[\x21-\x7e]{1,40}$/.test(p.name) ? p.name : headerName(p.name)));
  return props.length > 8 ? `${shown.join(sep)}${sep}… (${props.length} in all)` : shown.join(sep);
}

/**
 * Colour values an ASCII file may hold for a colour property of this type. Integer colours are whole numbers
 * from 0 to the type's largest value (8-bit types up to 255: writers often declare `char` for 0–255 colours);
 * anything else used to be clamped without a word (999 → 255, −5 → 0, 3.5 → 4). Float colours only need to be
 * finite: out-of-range floats are clamped on purpose (finishColors reads 0–1 or 0–255 and says which).
 */
function colorRange(type: PlyScalarType): { min: number; max: number; whole: boolean; text: string } {
  if (!isIntegerType(type)) return { min: -Infinity, max: Infinity, whole: false, text: 'a finite number' };
  const max = TYPE_SIZE[type] === 1 ? 255 : TYPE_SIZE[type] === 2 ? 65535 : 4294967295;
  return { min: 0, max, whole: true, text: `a whole number from 0 to ${max}` };
}

function newTypedArray(type: PlyScalarType, n: number): PlyTypedArray {
  switch (type) {
    case 'int8': return new Int8Array(n);
    case 'uint8': return new Uint8Array(n);
    case 'int16': return new Int16Array(n);
    case 'uint16': return new Uint16Array(n);
    case 'int32': return new Int32Array(n);
    case 'uint32': return new Uint32Array(n);
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
  }
}

function readScalar(dv: DataView, off: number, type: PlyScalarType, le: boolean): number {
  switch (type) {
    case 'int8': return dv.getInt8(off);
    case 'uint8': return dv.getUint8(off);
    case 'int16': return dv.getInt16(off, le);
    case 'uint16': return dv.getUint16(off, le);
    case 'int32': return dv.getInt32(off, le);
    case 'uint32': return dv.getUint32(off, le);
    case 'float32': return dv.getFloat32(off, le);
    case 'float64': return dv.getFloat64(off, le);
  }
}

/** out[outOffset + k·outStride] = value of item k, for n items starting at byte `base`, `stride` bytes apart. */
function readColumn(
  dv: DataView, base: number, stride: number, n: number, type: PlyScalarType, le: boolean,
  out: PlyTypedArray | Uint8ClampedArray, outStride: number, outOffset: number,
): void {
  let s = base;
  let d = outOffset;
  // One loop per type keeps each loop monomorphic; the switch is outside the hot path.
  switch (type) {
    case 'float32': for (let i = 0; i < n; i++, s += stride, d += outStride) out[d] = dv.getFloat32(s, le); break;
    case 'float64': for (let i = 0; i < n; i++, s += stride, d += outStride) out[d] = dv.getFloat64(s, le); break;
    case 'uint8': for (let i = 0; i < n; i++, s += stride, d += outStride) out[d] = dv.getUint8(s); break;
    case 'int8': for (let i = 0; i < n; i++, s += stride, d += outStride) out[d] = dv.getInt8(s); break;
    case 'int16': for (let i = 0; i < n; i++, s += stride, d += outStride) out[d] = dv.getInt16(s, le); break;
    case 'uint16': for (let i = 0; i < n; i++, s += stride, d += outStride) out[d] = dv.getUint16(s, le); break;
    case 'int32': for (let i = 0; i < n; i++, s += stride, d += outStride) out[d] = dv.getInt32(s, le); break;
    case 'uint32': for (let i = 0; i < n; i++, s += stride, d += outStride) out[d] = dv.getUint32(s, le); break;
  }
}

/** Where each vertex property's values go. */
const enum Route {
  Skip = 0,
  Position = 1,
  Color = 2,
  Extra = 3,
}

interface VertexPlan {
  element: PlyElement;
  routes: Route[];
  /** Component (0..2) for positions and colours. */
  component: number[];
  extraArrays: (PlyTypedArray | undefined)[];
  positions: Float32Array;
  /**
   * Colours: straight into a clamped byte array when all three are uint8 (the usual case); otherwise gathered
   * as numbers and converted once, since their type and range vary by file.
   */
  colorRaw?: Uint8ClampedArray | Float32Array;
  colorType?: PlyScalarType;
  /** Per property index: the range its colour values must lie in (ASCII only), when it is a colour. */
  colorRanges: (ReturnType<typeof colorRange> | undefined)[];
  extras: Record<string, PlyTypedArray>;
}

function planVertices(element: PlyElement, file: string, keep: boolean): VertexPlan {
  const n = element.count;
  const scalar = (name: string): PlyProperty | undefined => element.properties.find((p) => p.name === name);
  for (const axis of ['x', 'y', 'z']) {
    const p = scalar(axis);
    if (!p) throw new InputError({ file, field: 'header', message: `expected the vertex element to have properties x, y and z, found no '${axis}' (has ${someNames(element.properties, ', ') || 'none'})` });
    if (p.kind === 'list') throw new InputError({ file, field: 'header', message: `expected vertex property '${axis}' to be a scalar, found a list` });
  }
  const colorNames = COLOR_NAMES.find((names) => names.every((nm) => scalar(nm)?.kind === 'scalar'));
  const routes: Route[] = [];
  const component: number[] = [];
  const extraArrays: (PlyTypedArray | undefined)[] = [];
  const colorRanges: (ReturnType<typeof colorRange> | undefined)[] = [];
  const extras: Record<string, PlyTypedArray> = {};
  let colorType: PlyScalarType | undefined;
  let allUint8 = true;
  for (const p of element.properties) {
    const pos = ['x', 'y', 'z'].indexOf(p.name);
    const col = colorNames ? colorNames.indexOf(p.name) : -1;
    colorRanges.push(pos < 0 && col >= 0 && p.kind === 'scalar' ? colorRange(p.type) : undefined);
    if (pos >= 0) {
      routes.push(Route.Position);
      component.push(pos);
      extraArrays.push(undefined);
    } else if (col >= 0 && p.kind === 'scalar') {
      routes.push(Route.Color);
      component.push(col);
      extraArrays.push(undefined);
      // Mixed colour types are legal; the widest decides how values are scaled.
      allUint8 &&= p.type === 'uint8';
      colorType = colorType === undefined || TYPE_SIZE[p.type] > TYPE_SIZE[colorType] || !isIntegerType(p.type) ? p.type : colorType;
    } else if (keep && p.kind === 'scalar') {
      const arr = newTypedArray(p.type, n);
      // Defined, not assigned: a property named `__proto__` (the file's choice) must become a key, not the prototype.
      Object.defineProperty(extras, p.name, { value: arr, enumerable: true, writable: true, configurable: true });
      routes.push(Route.Extra);
      component.push(0);
      extraArrays.push(arr);
    } else {
      routes.push(Route.Skip);
      component.push(0);
      extraArrays.push(undefined);
    }
  }
  return {
    element,
    routes,
    component,
    extraArrays,
    positions: new Float32Array(3 * n),
    colorRaw: colorNames ? (colorType === 'uint8' && allUint8 ? new Uint8ClampedArray(3 * n) : new Float32Array(3 * n)) : undefined,
    colorType,
    colorRanges,
    extras,
  };
}

/**
 * Three consecutive same-type properties (x y z, red green blue) in one pass: one read of each item's bytes
 * instead of three strided passes.
 */
function readTriple(dv: DataView, base: number, stride: number, n: number, type: PlyScalarType, le: boolean, out: Float32Array | Uint8ClampedArray): boolean {
  let s = base;
  let d = 0;
  switch (type) {
    case 'float32':
      for (let i = 0; i < n; i++, s += stride, d += 3) {
        out[d] = dv.getFloat32(s, le);
        out[d + 1] = dv.getFloat32(s + 4, le);
        out[d + 2] = dv.getFloat32(s + 8, le);
      }
      return true;
    case 'uint8':
      for (let i = 0; i < n; i++, s += stride, d += 3) {
        out[d] = dv.getUint8(s);
        out[d + 1] = dv.getUint8(s + 1);
        out[d + 2] = dv.getUint8(s + 2);
      }
      return true;
    default:
      return false;
  }
}

/** Offset of a run of three same-type properties with components 0, 1, 2 of `route`, if the layout has one. */
function tripleOffset(el: PlyElement, plan: VertexPlan, route: Route): { offset: number; type: PlyScalarType } | undefined {
  let off = 0;
  const props = el.properties;
  for (let k = 0; k + 2 < props.length; k++) {
    const a = props[k] as { type: PlyScalarType };
    const b = props[k + 1] as { type: PlyScalarType };
    const c = props[k + 2] as { type: PlyScalarType };
    const isRun = [k, k + 1, k + 2].every((j, m) => plan.routes[j] === route && plan.component[j] === m);
    if (isRun && a.type === b.type && b.type === c.type) return { offset: off, type: a.type };
    off += TYPE_SIZE[a.type];
  }
  return undefined;
}

function readFixedVertices(dv: DataView, base: number, stride: number, le: boolean, plan: VertexPlan): void {
  const el = plan.element;
  const n = el.count;
  const pos = tripleOffset(el, plan, Route.Position);
  const fusedPos = pos !== undefined && readTriple(dv, base + pos.offset, stride, n, pos.type, le, plan.positions);
  const col = plan.colorRaw ? tripleOffset(el, plan, Route.Color) : undefined;
  const fusedCol = col !== undefined && readTriple(dv, base + col.offset, stride, n, col.type, le, plan.colorRaw!);
  let propOff = 0;
  el.properties.forEach((p, k) => {
    const type = (p as { type: PlyScalarType }).type;
    const route = plan.routes[k]!;
    const c = plan.component[k]!;
    if (route === Route.Position && !fusedPos) readColumn(dv, base + propOff, stride, n, type, le, plan.positions, 3, c);
    else if (route === Route.Color && !fusedCol) readColumn(dv, base + propOff, stride, n, type, le, plan.colorRaw!, 3, c);
    else if (route === Route.Extra) readColumn(dv, base + propOff, stride, n, type, le, plan.extraArrays[k]!, 1, 0);
    propOff += TYPE_SIZE[type];
  });
}

function finishColors(plan: VertexPlan, warnings: string[]): Uint8Array | undefined {
  const raw = plan.colorRaw;
  const type = plan.colorType;
  if (!raw || !type) return undefined;
  if (raw instanceof Uint8ClampedArray) return new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
  let max = 0;
  for (let i = 0; i < raw.length; i++) if (raw[i]! > max) max = raw[i]!;
  let scale = 1;
  if (type === 'float32' || type === 'float64') {
    // The specified range for float colours is [0, 1]; some writers store 0–255 in floats.
    if (max > 1.0001) warnings.push(`float colours exceed 1 (max ${max.toFixed(2)}): read them as 0–255 values instead of 0–1`);
    else scale = 255;
  } else if (type === 'uint16' || type === 'int16') {
    scale = 255 / 65535;
  } else if (max > 255) {
    scale = 255 / 4294967295;
    warnings.push(`${type} colours exceed 255: scaled from the full 32-bit range`);
  }
  const out = new Uint8ClampedArray(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw[i]! * scale;
  return new Uint8Array(out.buffer);
}

function checkFinitePositions(positions: Float32Array, file: string): void {
  for (let i = 0; i < positions.length; i++) {
    const v = positions[i]!;
    if (v - v !== 0) {
      const axis = 'xyz'[i % 3];
      throw new InputError({ file, field: `vertex ${Math.floor(i / 3)}`, message: `expected finite coordinates, found ${axis} = ${v}` });
    }
  }
}

/** Growable triangle list for fan triangulation. */
class TriangleBuffer {
  data: Uint32Array;
  length = 0;
  skipped = 0;

  constructor(capacity: number) {
    this.data = new Uint32Array(Math.max(3, capacity));
  }

  push(a: number, b: number, c: number): void {
    if (this.length + 3 > this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = a;
    this.data[this.length++] = b;
    this.data[this.length++] = c;
  }

  result(): Uint32Array {
    return this.data.length === this.length ? this.data : this.data.slice(0, this.length);
  }
}

interface FacePlan {
  listIndex: number;
  tris: TriangleBuffer;
  vertexCount: number;
  poly: number[];
}

function planFaces(element: PlyElement | undefined, vertexCount: number, warnings: string[]): FacePlan | undefined {
  if (!element) return undefined;
  const listIndex = element.properties.findIndex((p) => p.kind === 'list' && FACE_LIST_NAMES.includes(p.name));
  if (listIndex < 0) {
    warnings.push(`the face element has no vertex_indices list (has ${element.properties.map((p) => p.name).join(', ') || 'nothing'}): faces ignored`);
    return undefined;
  }
  return { listIndex, tris: new TriangleBuffer(element.count * 3), vertexCount, poly: [] };
}

/** Fan-triangulates the polygon in plan.poly (face number `f`) after checking its indices. */
function emitPolygon(plan: FacePlan, f: number, file: string): void {
  const poly = plan.poly;
  for (const v of poly) {
    if (!(v >= 0 && v < plan.vertexCount && Number.isInteger(v))) {
      throw new InputError({ file, field: `face ${f}`, message: `expected vertex indices in [0, ${plan.vertexCount}), found ${v}` });
    }
  }
  if (poly.length < 3) {
    plan.tris.skipped++;
    return;
  }
  const a = poly[0]!;
  for (let k = 1; k + 1 < poly.length; k++) plan.tris.push(a, poly[k]!, poly[k + 1]!);
}

function truncated(file: string, el: PlyElement, detail: string): InputError {
  return new InputError({ file, field: `${printableName(el.name)} data`, message: detail });
}

/** The error for a fixed-size element whose items do not fit in the `left` bytes the file has for them. */
function fixedTooMany(file: string, el: PlyElement, stride: number, left: number): InputError {
  const need = el.count * stride;
  const fit = Math.max(0, Math.floor(left / stride));
  return truncated(file, el, `expected ${el.count} ${plural(el)} × ${stride} bytes = ${need} bytes of ${printableName(el.name)} data, file ends after ${left} (room for at most ${fit})`);
}

/** Fewest bytes one item of `el` can take in the data section. */
function minItemBytes(el: PlyElement, format: PlyHeader['format']): number {
  // ASCII: an item is a line with one value or more. The bound is kept loose (2 bytes, not 2 per value) so a
  // count that is merely wrong is still reported by the parser, at the line where the data runs out.
  if (format === 'ascii') return el.properties.length > 0 ? 2 : 0;
  let n = 0;
  for (const p of el.properties) n += TYPE_SIZE[p.kind === 'scalar' ? p.type : p.countType];
  return n;
}

/**
 * Refuses element counts the file cannot hold, before anything is allocated from them: a count of 2^31 or
 * 10^40 would otherwise surface as V8's "Invalid typed array length", naming neither file nor element.
 */
function checkCountsFit(header: PlyHeader, fileLength: number, file: string): void {
  const available = fileLength - header.dataOffset;
  // An ASCII file's last line may lack its line break.
  const slack = header.format === 'ascii' ? 1 : 0;
  let before = 0;
  /** Whether `before` is exact: every earlier element has a fixed size (binary). */
  let exact = header.format !== 'ascii';
  for (const el of header.elements) {
    const per = minItemBytes(el, header.format);
    if (before + el.count * per > available + slack) {
      const stride = header.format === 'ascii' ? undefined : fixedStride(el);
      if (stride !== undefined && exact) throw fixedTooMany(file, el, stride, available - before);
      const fit = Math.max(0, Math.floor((available + slack - before) / per));
      const each = header.format === 'ascii' ? 'a value and a line break' : 'its scalars and list lengths';
      const after = before > 0 ? `, after the ${before} bytes the elements before it take at least` : '';
      throw truncated(
        file,
        el,
        `expected at most ${fit} ${plural(el)} in the ${available} bytes after the header${after} (each takes ${per} byte${per === 1 ? '' : 's'} or more: ${each}), found a count of ${el.count}`,
      );
    }
    before += el.count * per;
    exact &&= fixedStride(el) !== undefined;
  }
}

function describeCounts(header: PlyHeader): string {
  return header.elements.map((e) => `${e.count} ${plural(e)}`).join(', ');
}

function parseBinary(bytes: Uint8Array, header: PlyHeader, file: string, vplan: VertexPlan, fplan: FacePlan | undefined): void {
  const le = header.format === 'binary_little_endian';
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length;
  let off = header.dataOffset;
  for (const el of header.elements) {
    const stride = fixedStride(el);
    const isVertex = el === vplan.element;
    if (stride !== undefined) {
      const need = el.count * stride;
      if (off + need > end) throw fixedTooMany(file, el, stride, end - off);
      if (isVertex) readFixedVertices(dv, off, stride, le, vplan);
      off += need;
      continue;
    }
    // Variable-size items: walk them.
    const isFace = fplan !== undefined && el.name === 'face';
    for (let i = 0; i < el.count; i++) {
      const itemStart = off;
      for (let k = 0; k < el.properties.length; k++) {
        const p = el.properties[k]!;
        if (p.kind === 'scalar') {
          const size = TYPE_SIZE[p.type];
          if (off + size > end) throw truncated(file, el, `expected ${el.count} ${plural(el)}, file ends inside ${singular(el.name)} ${i} (byte ${itemStart})`);
          if (isVertex) routeValue(vplan, k, i, readScalar(dv, off, p.type, le));
          off += size;
          continue;
        }
        const csize = TYPE_SIZE[p.countType];
        if (off + csize > end) throw truncated(file, el, `expected ${el.count} ${plural(el)}, file ends inside ${singular(el.name)} ${i} (byte ${itemStart})`);
        const count = readScalar(dv, off, p.countType, le);
        off += csize;
        if (count < 0) throw new InputError({ file, field: `${singular(el.name)} ${i}`, message: `expected a non-negative list length for '${p.name}', found ${count}` });
        const isize = TYPE_SIZE[p.itemType];
        if (off + count * isize > end) {
          throw truncated(file, el, `expected ${el.count} ${plural(el)}, file ends inside ${singular(el.name)} ${i} (its '${p.name}' list of ${count} needs ${count * isize} bytes, ${end - off} left)`);
        }
        if (isFace && k === fplan.listIndex) {
          const poly = fplan.poly;
          poly.length = 0;
          for (let j = 0; j < count; j++) poly.push(readScalar(dv, off + j * isize, p.itemType, le));
          emitPolygon(fplan, i, file);
        }
        off += count * isize;
      }
    }
  }
  const extra = end - off;
  if (extra > 0) {
    let blank = extra <= 2;
    for (let p = off; blank && p < end; p++) blank = bytes[p] === 10 || bytes[p] === 13;
    if (!blank) {
      throw new InputError({
        file,
        field: 'data',
        message: `expected the data to end at byte ${off} (header declares ${describeCounts(header)}), found ${extra} more bytes: the header's counts do not match the data`,
      });
    }
  }
}

function routeValue(plan: VertexPlan, k: number, i: number, v: number): void {
  switch (plan.routes[k]!) {
    case Route.Position: plan.positions[i * 3 + plan.component[k]!] = v; break;
    case Route.Color: plan.colorRaw![i * 3 + plan.component[k]!] = v; break;
    case Route.Extra: plan.extraArrays[k]![i] = v; break;
    case Route.Skip: break;
  }
}

function checkAsciiColor(plan: VertexPlan, k: number, i: number, v: number, sc: AsciiScanner, file: string): void {
  const range = plan.colorRanges[k]!;
  if (v >= range.min && v <= range.max && (range.whole ? Number.isInteger(v) : v - v === 0)) return;
  const p = plan.element.properties[k] as { name: string; type: PlyScalarType };
  throw new InputError({
    file,
    field: `line ${sc.line}`,
    message: `vertex ${i}: expected colour property '${p.name}' (${p.type}) to be ${range.text}, found ${v}`,
  });
}

function headerLineCount(bytes: Uint8Array, dataOffset: number): number {
  let lines = 1;
  for (let p = 0; p < dataOffset; p++) if (bytes[p] === 10) lines++;
  return lines;
}

function parseAscii(bytes: Uint8Array, header: PlyHeader, file: string, vplan: VertexPlan, fplan: FacePlan | undefined): void {
  const sc = new AsciiScanner(bytes, header.dataOffset, headerLineCount(bytes, header.dataOffset), file);
  for (const el of header.elements) {
    const isVertex = el === vplan.element;
    const isFace = fplan !== undefined && el.name === 'face';
    const names = someNames(el.properties, ' ');
    let i = 0;
    const what = (): string => `${singular(el.name)} ${i} (${names})`;
    const props = el.properties;
    if (isVertex && props.every((p) => p.kind === 'scalar')) {
      // The hot loop for big point clouds: routes resolved to plain arrays, no per-value dispatch on kind.
      const routes = vplan.routes;
      const comp = vplan.component;
      const positions = vplan.positions;
      const colors = vplan.colorRaw;
      const extras = vplan.extraArrays;
      const np = props.length;
      for (; i < el.count; i++) {
        if (!sc.startItem()) {
          throw new InputError({ file, field: `${printableName(el.name)} data`, message: `expected ${el.count} ${plural(el)}, found ${i} (the file ends at line ${sc.line})` });
        }
        for (let k = 0; k < np; k++) {
          const v = sc.number(what);
          const r = routes[k];
          if (r === Route.Position) positions[i * 3 + comp[k]!] = v;
          else if (r === Route.Color) {
            checkAsciiColor(vplan, k, i, v, sc, file);
            colors![i * 3 + comp[k]!] = v;
          } else if (r === Route.Extra) extras[k]![i] = v;
        }
        sc.endItem(what);
      }
      continue;
    }
    for (; i < el.count; i++) {
      if (!sc.startItem()) {
        throw new InputError({ file, field: `${printableName(el.name)} data`, message: `expected ${el.count} ${plural(el)}, found ${i} (the file ends at line ${sc.line})` });
      }
      for (let k = 0; k < props.length; k++) {
        const p = props[k]!;
        if (p.kind === 'scalar') {
          const v = sc.number(what);
          if (isVertex) {
            if (vplan.routes[k] === Route.Color) checkAsciiColor(vplan, k, i, v, sc, file);
            routeValue(vplan, k, i, v);
          }
          continue;
        }
        const count = readListCount(sc, p, what, file);
        if (isFace && k === fplan.listIndex) {
          const poly = fplan.poly;
          poly.length = 0;
          for (let j = 0; j < count; j++) poly.push(sc.number(what));
          emitPolygon(fplan, i, file);
        } else {
          for (let j = 0; j < count; j++) sc.number(what);
        }
      }
      sc.endItem(what);
    }
  }
  if (!sc.atEnd()) {
    throw new InputError({
      file,
      field: `line ${sc.line}`,
      message: `found data after the last element (header declares ${describeCounts(header)}): the header's counts do not match the data`,
    });
  }
}

function readListCount(sc: AsciiScanner, p: PlyListProperty, what: () => string, file: string): number {
  const count = sc.number(what);
  if (!Number.isInteger(count) || count < 0) {
    throw new InputError({ file, field: `line ${sc.line}`, message: `${what()}: expected a non-negative integer length for list '${p.name}', found ${count}` });
  }
  return count;
}

/** Parses a whole PLY file held in memory. `file` is only used in error messages. */
export function parsePly(bytes: Uint8Array, file: string, options: ParsePlyOptions = {}): PlyData {
  const header = parsePlyHeader(bytes, file);
  checkCountsFit(header, bytes.length, file);
  const vertexEl = header.elements.find((e) => e.name === 'vertex');
  if (!vertexEl) {
    throw new InputError({ file, field: 'header', message: `expected a 'vertex' element, found ${header.elements.slice(0, 8).map((e) => headerName(e.name)).join(', ') || 'no elements'}${header.elements.length > 8 ? ', …' : ''}` });
  }
  const warnings: string[] = [];
  const faceEl = header.elements.find((e) => e.name === 'face');
  let vplan: VertexPlan;
  let fplan: FacePlan | undefined;
  try {
    vplan = planVertices(vertexEl, file, options.keepProperties ?? true);
    fplan = planFaces(faceEl, vertexEl.count, warnings);
  } catch (e) {
    // The header's counts fit the file (checked with the header), but a file of several GB can still declare
    // more than one array may hold.
    if (!(e instanceof RangeError)) throw e;
    throw new InputError({ file, field: 'header', message: `expected element counts this program can hold in memory, found ${describeCounts(header)} (${e.message})` });
  }
  if (header.format === 'ascii') parseAscii(bytes, header, file, vplan, fplan);
  else parseBinary(bytes, header, file, vplan, fplan);
  checkFinitePositions(vplan.positions, file);
  if (fplan && fplan.tris.skipped > 0) warnings.push(`${fplan.tris.skipped} faces with fewer than 3 vertices skipped`);
  const colors = finishColors(vplan, warnings);
  const data: PlyData = {
    header,
    vertexCount: vertexEl.count,
    positions: vplan.positions,
    vertexProperties: vplan.extras,
    warnings,
  };
  if (colors) data.colors = colors;
  if (fplan) data.faces = fplan.tris.result();
  return data;
}
