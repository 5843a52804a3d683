/**
 * The PLY header: format line, elements and their properties, in file order. The data section is read
 * element by element in exactly this order, so nothing here assumes "vertex then face".
 */
import { InputError } from '../../../shared/errors.js';

export type PlyFormat = 'ascii' | 'binary_little_endian' | 'binary_big_endian';

/** Canonical scalar type names; the older spellings (char, uchar, …) are mapped onto these. */
export type PlyScalarType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

export interface PlyScalarProperty {
  kind: 'scalar';
  name: string;
  type: PlyScalarType;
}

export interface PlyListProperty {
  kind: 'list';
  name: string;
  countType: PlyScalarType;
  itemType: PlyScalarType;
}

export type PlyProperty = PlyScalarProperty | PlyListProperty;

export interface PlyElement {
  name: string;
  count: number;
  properties: PlyProperty[];
}

export interface PlyHeader {
  format: PlyFormat;
  version: string;
  elements: PlyElement[];
  comments: string[];
  objInfo: string[];
  /** Byte offset where the data section starts (just after `end_header` and its line break). */
  dataOffset: number;
}

export const TYPE_ALIASES: Readonly<Record<string, PlyScalarType>> = {
  char: 'int8',
  int8: 'int8',
  uchar: 'uint8',
  uint8: 'uint8',
  short: 'int16',
  int16: 'int16',
  ushort: 'uint16',
  uint16: 'uint16',
  int: 'int32',
  int32: 'int32',
  uint: 'uint32',
  uint32: 'uint32',
  float: 'float32',
  float32: 'float32',
  double: 'float64',
  float64: 'float64',
};

export const TYPE_SIZE: Readonly<Record<PlyScalarType, number>> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  float64: 8,
};

export function isIntegerType(t: PlyScalarType): boolean {
  return t !== 'float32' && t !== 'float64';
}

/** Bytes per item when every property is a scalar; undefined when the element has a list property. */
export function fixedStride(element: PlyElement): number | undefined {
  let size = 0;
  for (const p of element.properties) {
    if (p.kind === 'list') return undefined;
    size += TYPE_SIZE[p.type];
  }
  return size;
}

const END_HEADER = 'end_header';
/** A header is text; no real one is near this long, so a missing `end_header` is reported instead of scanning gigabytes. */
const MAX_HEADER_BYTES = 1 << 20;

function decodeLatin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

function findHeaderEnd(bytes: Uint8Array, file: string): { textEnd: number; dataOffset: number } {
  const limit = Math.min(bytes.length, MAX_HEADER_BYTES);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, limit);
  let from = 0;
  for (;;) {
    const at = buf.indexOf(END_HEADER, from, 'latin1');
    if (at < 0) {
      throw new InputError({
        file,
        field: 'header',
        message: `expected an 'end_header' line, found none in the first ${limit} bytes`,
      });
    }
    const lineStart = at === 0 || bytes[at - 1] === 10;
    let p = at + END_HEADER.length;
    // Trailing blanks on the end_header line are tolerated: some writers emit them.
    while (p < bytes.length && (bytes[p] === 32 || bytes[p] === 9)) p++;
    if (lineStart && (p === bytes.length || bytes[p] === 10 || bytes[p] === 13)) {
      if (bytes[p] === 13) p++;
      if (bytes[p] === 10) p++;
      return { textEnd: at, dataOffset: p };
    }
    from = at + 1;
  }
}

/**
 * A name from the header (element, property) as messages show it: names are what errors point at, but they are
 * still the file's bytes, so anything unprintable becomes '?' and long names are cut.
 */
export function headerName(name: string): string {
  return `'${printableName(name)}'`;
}

/** headerName without the quotes, for fields such as `vertex data`. */
export function printableName(name: string): string {
  const clean = name.replace(/[^\x21-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

/**
 * Where an unexpected header word is, for messages: errors never quote a file's bytes (a mistyped path may
 * point at anything), so a word that is not one the format defines is described by its position only.
 */
function wordAt(index: number, word: string | undefined): string {
  return `word ${index + 1}, ${word === undefined || word === '' ? 'missing' : 'not one of them'}`;
}

function parseCount(word: string | undefined, line: number, file: string): number {
  const n = word === undefined ? NaN : Number(word);
  if (!Number.isInteger(n) || n < 0 || !/^\d+$/.test(word ?? '')) {
    const found = word !== undefined && /^[+-]?\d{1,20}(\.\d{0,20})?$/.test(word) ? word : word === undefined ? 'nothing' : 'a word that is not a number';
    throw new InputError({ file, field: `header line ${line}`, message: `expected a non-negative integer element count, found ${found}` });
  }
  return n;
}

function parseType(words: string[], index: number, line: number, file: string): PlyScalarType {
  const word = words[index];
  const t = word === undefined || !Object.hasOwn(TYPE_ALIASES, word) ? undefined : TYPE_ALIASES[word];
  if (t === undefined) {
    throw new InputError({
      file,
      field: `header line ${line}`,
      message: `unknown property type: expected one of ${Object.keys(TYPE_ALIASES).join(', ')} (${wordAt(index, word)})`,
    });
  }
  return t;
}

export function parsePlyHeader(bytes: Uint8Array, file: string): PlyHeader {
  const isPly = bytes[0] === 112 && bytes[1] === 108 && bytes[2] === 121 && (bytes[3] === 10 || (bytes[3] === 13 && bytes[4] === 10));
  if (!isPly) {
    // Never quote the bytes: this may be any file at all (a mistyped path, a private file).
    throw new InputError({
      file,
      field: 'header',
      message: `not a PLY file: expected the file to start with the line 'ply', found ${bytes.length === 0 ? 'an empty file' : 'something else'}`,
    });
  }
  const { textEnd, dataOffset } = findHeaderEnd(bytes, file);
  const lines = decodeLatin1(bytes, 0, textEnd).split(/\r?\n/);
  let format: PlyFormat | undefined;
  let version = '';
  const elements: PlyElement[] = [];
  // Names seen so far, for the duplicate checks: linear in the header, which may declare tens of thousands.
  const elementNames = new Set<string>();
  let propertyNames = new Set<string>();
  const comments: string[] = [];
  const objInfo: string[] = [];
  // lines[0] is 'ply'; the last entry is the empty text before end_header.
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    const words = raw.trim().split(/\s+/);
    const key = words[0];
    if (key === undefined || key === '') continue;
    if (key === 'comment') {
      comments.push(raw.replace(/^\s*comment\s?/, ''));
    } else if (key === 'obj_info') {
      objInfo.push(raw.replace(/^\s*obj_info\s?/, ''));
    } else if (key === 'format') {
      if (format !== undefined) throw new InputError({ file, field: `header line ${lineNo}`, message: 'expected one format line, found a second' });
      const f = words[1];
      if (f !== 'ascii' && f !== 'binary_little_endian' && f !== 'binary_big_endian') {
        throw new InputError({
          file,
          field: `header line ${lineNo}`,
          message: `unknown format: expected ascii, binary_little_endian or binary_big_endian (${wordAt(1, f)})`,
        });
      }
      format = f;
      version = words[2] ?? '';
    } else if (key === 'element') {
      const name = words[1];
      if (name === undefined) throw new InputError({ file, field: `header line ${lineNo}`, message: 'expected "element <name> <count>"' });
      if (elementNames.has(name)) {
        throw new InputError({ file, field: `header line ${lineNo}`, message: `element ${headerName(name)} is declared twice` });
      }
      elementNames.add(name);
      propertyNames = new Set<string>();
      elements.push({ name, count: parseCount(words[2], lineNo, file), properties: [] });
    } else if (key === 'property') {
      const el = elements[elements.length - 1];
      if (!el) throw new InputError({ file, field: `header line ${lineNo}`, message: 'property declared before any element' });
      let prop: PlyProperty;
      if (words[1] === 'list') {
        const name = words[4];
        if (name === undefined) throw new InputError({ file, field: `header line ${lineNo}`, message: 'expected "property list <count type> <item type> <name>"' });
        const countType = parseType(words, 2, lineNo, file);
        if (!isIntegerType(countType)) {
          throw new InputError({ file, field: `header line ${lineNo}`, message: `list count type must be an integer type, found ${words[2]}` });
        }
        prop = { kind: 'list', name, countType, itemType: parseType(words, 3, lineNo, file) };
      } else {
        const name = words[2];
        if (name === undefined) throw new InputError({ file, field: `header line ${lineNo}`, message: 'expected "property <type> <name>"' });
        prop = { kind: 'scalar', name, type: parseType(words, 1, lineNo, file) };
      }
      if (propertyNames.has(prop.name)) {
        throw new InputError({ file, field: `header line ${lineNo}`, message: `property ${headerName(prop.name)} is declared twice in element ${headerName(el.name)}` });
      }
      propertyNames.add(prop.name);
      el.properties.push(prop);
    } else {
      throw new InputError({
        file,
        field: `header line ${lineNo}`,
        message: `unknown header keyword: expected comment, obj_info, format, element or property (${wordAt(0, key)})`,
      });
    }
  }
  if (format === undefined) throw new InputError({ file, field: 'header', message: "expected a 'format' line (ascii, binary_little_endian or binary_big_endian), found none" });
  return { format, version, elements, comments, objInfo, dataOffset };
}
