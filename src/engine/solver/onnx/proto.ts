/**
 * A minimal protobuf encoder for the subset of onnx.proto this package emits. There is no protobuf library in
 * the dependency tree and we only ever write models (onnxruntime parses them), so an encoder is all we need.
 * Field numbers follow onnx/onnx.proto (proto2). Repeated scalars are written packed: proto2 parsers must
 * accept packed encoding for repeated numeric fields, and onnxruntime's does.
 */

/** onnx.TensorProto.DataType values for the element types we support. */
export const ONNX_DTYPE = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float64: 11 } as const;
export type ProtoDType = keyof typeof ONNX_DTYPE;

export interface TensorProtoData {
  name: string;
  dtype: ProtoDType;
  dims: readonly number[];
  /** Little-endian element bytes, as TensorProto.raw_data stores them. */
  raw: Uint8Array;
}

export interface ValueInfoData {
  name: string;
  dtype: ProtoDType;
  /** Static dims; a string names a symbolic dim (dim_param). */
  shape: readonly (number | string)[];
}

export type AttributeData =
  | { name: string; type: 'float'; value: number }
  | { name: string; type: 'int'; value: number }
  | { name: string; type: 'string'; value: string }
  | { name: string; type: 'tensor'; value: TensorProtoData }
  | { name: string; type: 'graph'; value: GraphProtoData }
  | { name: string; type: 'floats'; value: readonly number[] }
  | { name: string; type: 'ints'; value: readonly number[] };

export interface NodeProtoData {
  name: string;
  opType: string;
  domain?: string;
  /** '' marks an omitted optional input. */
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: readonly AttributeData[];
}

export interface GraphProtoData {
  name: string;
  nodes: readonly NodeProtoData[];
  initializers: readonly TensorProtoData[];
  inputs: readonly ValueInfoData[];
  outputs: readonly ValueInfoData[];
  valueInfo?: readonly ValueInfoData[];
  docString?: string;
}

export interface ModelProtoData {
  irVersion: number;
  opsets: readonly { domain: string; version: number }[];
  producerName: string;
  producerVersion?: string;
  graph: GraphProtoData;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
}

// onnx.AttributeProto.AttributeType
const ATTR_TYPE = { float: 1, int: 2, string: 3, tensor: 4, graph: 5, floats: 6, ints: 7 } as const;

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

/** An append-only byte buffer with protobuf primitives. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  get length(): number {
    return this.len;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /**
   * A varint of a signed 64-bit integer. Negative values take ten bytes (two's complement), which is how
   * protobuf encodes int64 — ONNX uses them for axes (-1) and Slice ends.
   */
  varint(value: number | bigint): void {
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) throw new RangeError(`varint of a non-integer: ${value}`);
      if (value >= 0 && value <= 0x7fffffff) {
        this.reserve(5);
        let v = value;
        while (v > 0x7f) {
          this.buf[this.len++] = (v & 0x7f) | 0x80;
          v >>>= 7;
        }
        this.buf[this.len++] = v;
        return;
      }
      if (!Number.isSafeInteger(value)) throw new RangeError(`varint outside the safe integer range: ${value}`);
    }
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v > 0x7fn) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  fixed32Float(value: number): void {
    this.reserve(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, value, true);
    this.len += 4;
  }

  // Field writers -------------------------------------------------------------------------------------------

  int(field: number, value: number | bigint): void {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
  }

  float(field: number, value: number): void {
    this.tag(field, WIRE_FIXED32);
    this.fixed32Float(value);
  }

  lengthDelimited(field: number, data: Uint8Array): void {
    this.tag(field, WIRE_LEN);
    this.varint(data.length);
    this.bytes(data);
  }

  string(field: number, value: string): void {
    this.lengthDelimited(field, utf8.encode(value));
  }

  /** A nested message, encoded into its own buffer first because its length prefix comes before it. */
  message(field: number, write: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    write(inner);
    this.lengthDelimited(field, inner.finish());
  }

  packedInts(field: number, values: readonly (number | bigint)[]): void {
    if (values.length === 0) return;
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    this.lengthDelimited(field, inner.finish());
  }

  packedFloats(field: number, values: readonly number[]): void {
    if (values.length === 0) return;
    const inner = new ProtoWriter();
    for (const v of values) inner.fixed32Float(v);
    this.lengthDelimited(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

// onnx.proto messages -------------------------------------------------------------------------------------

function writeTensor(w: ProtoWriter, t: TensorProtoData): void {
  w.packedInts(1, t.dims); // dims
  w.int(2, ONNX_DTYPE[t.dtype]); // data_type
  w.string(8, t.name); // name
  w.lengthDelimited(9, t.raw); // raw_data
}

function writeValueInfo(w: ProtoWriter, v: ValueInfoData): void {
  w.string(1, v.name);
  w.message(2, (type) => {
    // TypeProto.tensor_type
    type.message(1, (tensor) => {
      tensor.int(1, ONNX_DTYPE[v.dtype]); // elem_type
      tensor.message(2, (shape) => {
        for (const d of v.shape) {
          shape.message(1, (dim) => {
            if (typeof d === 'number') dim.int(1, d);
            else dim.string(2, d);
          });
        }
      });
    });
  });
}

function writeAttribute(w: ProtoWriter, a: AttributeData): void {
  w.string(1, a.name);
  w.int(20, ATTR_TYPE[a.type]);
  switch (a.type) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'tensor':
      w.message(5, (t) => writeTensor(t, a.value));
      break;
    case 'graph':
      w.message(6, (g) => writeGraph(g, a.value));
      break;
    case 'floats':
      w.packedFloats(7, a.value);
      break;
    case 'ints':
      w.packedInts(8, a.value);
      break;
  }
}

function writeNode(w: ProtoWriter, n: NodeProtoData): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attributes) w.message(5, (aw) => writeAttribute(aw, a));
  if (n.domain) w.string(7, n.domain);
}

function writeGraph(w: ProtoWriter, g: GraphProtoData): void {
  for (const n of g.nodes) w.message(1, (nw) => writeNode(nw, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (tw) => writeTensor(tw, t));
  if (g.docString) w.string(10, g.docString);
  for (const v of g.inputs) w.message(11, (vw) => writeValueInfo(vw, v));
  for (const v of g.outputs) w.message(12, (vw) => writeValueInfo(vw, v));
  for (const v of g.valueInfo ?? []) w.message(13, (vw) => writeValueInfo(vw, v));
}

export function encodeGraph(graph: GraphProtoData): Uint8Array {
  const w = new ProtoWriter();
  writeGraph(w, graph);
  return w.finish();
}

export function encodeModel(model: ModelProtoData): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, model.irVersion);
  w.string(2, model.producerName);
  if (model.producerVersion) w.string(3, model.producerVersion);
  if (model.docString) w.string(6, model.docString);
  w.message(7, (g) => writeGraph(g, model.graph));
  for (const o of model.opsets) {
    w.message(8, (ow) => {
      if (o.domain) ow.string(1, o.domain);
      ow.int(2, o.version);
    });
  }
  for (const [key, value] of Object.entries(model.metadata ?? {})) {
    // metadata_props: StringStringEntryProto { key = 1; value = 2 }
    w.message(14, (m) => {
      m.string(1, key);
      m.string(2, value);
    });
  }
  return w.finish();
}

/** Little-endian raw bytes for a typed array, as TensorProto.raw_data wants them (JS engines are LE here). */
export function rawBytes(data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}
