/**
 * A static-shape ONNX graph builder. Ops are methods returning typed handles whose shapes are inferred as the
 * graph is written; names are scoped (`block0/attn/q_proj/MatMul`) so onnxruntime's errors and a model viewer
 * both read like the code that built the graph. Nodes are kept in creation order, which is topological, so
 * export needs no sort and reverse-mode autodiff can walk the list backwards.
 */
import {
  type AttributeData,
  type GraphProtoData,
  type NodeProtoData,
  type TensorProtoData,
  type ValueInfoData,
  rawBytes,
} from './proto.js';
import {
  type Shape,
  broadcastShapes,
  formatShape,
  normAxes,
  normAxis,
  numel,
  resolveReshape,
  sameShape,
} from './shape.js';

export type { Shape } from './shape.js';

export type DType = 'float32' | 'int64' | 'int32' | 'bool';

/** How a value enters the graph: fed by the caller, a trainable parameter, a baked-in constant, computed, or
 * named from an enclosing graph (Loop bodies read their outer graph's values by name). */
export type ValueKind = 'input' | 'param' | 'constant' | 'node' | 'outer';

export type ParamInit =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'constant'; value: number }
  | { kind: 'normal'; std: number; mean?: number }
  | { kind: 'uniform'; low: number; high: number };

export const init = {
  zeros: (): ParamInit => ({ kind: 'zeros' }),
  ones: (): ParamInit => ({ kind: 'ones' }),
  constant: (value: number): ParamInit => ({ kind: 'constant', value }),
  normal: (std: number, mean = 0): ParamInit => ({ kind: 'normal', std, mean }),
  uniform: (low: number, high: number): ParamInit => ({ kind: 'uniform', low, high }),
  /** Glorot/Xavier uniform for a [fanIn, fanOut] matrix. */
  xavier: (fanIn: number, fanOut: number): ParamInit => {
    const a = Math.sqrt(6 / (fanIn + fanOut));
    return { kind: 'uniform', low: -a, high: a };
  },
};

export class Tensor {
  constructor(
    readonly graph: Graph,
    readonly id: number,
    readonly name: string,
    readonly dtype: DType,
    readonly shape: Shape,
    readonly kind: ValueKind,
    /** The node computing this value, for kind 'node'. */
    readonly producer: Node | undefined,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return numel(this.shape);
  }

  toString(): string {
    return `${this.name}: ${this.dtype}${formatShape(this.shape)}`;
  }
}

export type AttrValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'floats'; value: readonly number[] }
  | { type: 'ints'; value: readonly number[] }
  | { type: 'tensor'; value: TensorProtoData }
  | { type: 'graph'; value: GraphProtoData };

export const attr = {
  float: (value: number): AttrValue => ({ type: 'float', value }),
  int: (value: number): AttrValue => ({ type: 'int', value }),
  string: (value: string): AttrValue => ({ type: 'string', value }),
  ints: (value: readonly number[]): AttrValue => ({ type: 'ints', value }),
  floats: (value: readonly number[]): AttrValue => ({ type: 'floats', value }),
  tensor: (value: TensorProtoData): AttrValue => ({ type: 'tensor', value }),
  graph: (value: GraphProtoData): AttrValue => ({ type: 'graph', value }),
};

/** Build-time facts a gradient rule needs that are awkward to read back from constant inputs. */
export interface NodeMeta {
  axes?: readonly number[];
  keepdims?: boolean;
  starts?: readonly number[];
  ends?: readonly number[];
}

export interface Node {
  readonly id: number;
  readonly name: string;
  readonly op: string;
  readonly domain: string;
  /** `undefined` marks an omitted optional input. */
  readonly inputs: readonly (Tensor | undefined)[];
  readonly outputs: readonly Tensor[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
  readonly meta: NodeMeta;
}

export interface ParamInfo {
  /** The logical name: the same in every graph built from one model definition. */
  readonly name: string;
  readonly tensor: Tensor;
  readonly init: ParamInit;
}

export interface OutputSpec {
  name: string;
  tensor: Tensor;
}

type ConstantData = Float32Array | BigInt64Array | Int32Array | Uint8Array;

const PROTO_DTYPE = { float32: 'float32', int64: 'int64', int32: 'int32', bool: 'bool' } as const;

export interface GraphOptions {
  /** Prefixed to every value and node name, so a Loop body's names cannot collide with its outer graph's. */
  namePrefix?: string;
}

export class Graph {
  readonly nodes: Node[] = [];
  readonly values: Tensor[] = [];
  readonly params: ParamInfo[] = [];
  readonly inputs: Tensor[] = [];
  private readonly constants = new Map<number, ConstantData>();
  private readonly constantCache = new Map<string, Tensor>();
  private readonly valueNames = new Set<string>();
  private readonly nodeNames = new Set<string>();
  private readonly scopes: string[] = [];
  private readonly prefix: string;

  constructor(options: GraphOptions = {}) {
    this.prefix = options.namePrefix ?? '';
  }

  // Naming ---------------------------------------------------------------------------------------------------

  /** Runs `fn` with `name` appended to the scope, so everything it builds is named `…/name/…`. */
  scope<T>(name: string, fn: () => T): T {
    this.scopes.push(name);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  /** The prefix given at construction, already part of every name in this graph. */
  get namePrefix(): string {
    return this.prefix;
  }

  get currentScope(): string {
    return this.scopes.join('/');
  }

  private scoped(label: string): string {
    return this.prefix + [...this.scopes, label].join('/');
  }

  private unique(base: string, taken: Set<string>): string {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  }

  private newValue(name: string, dtype: DType, shape: Shape, kind: ValueKind, producer?: Node): Tensor {
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new RangeError(`bad shape ${formatShape(shape)} for ${name}`);
    const t = new Tensor(this, this.values.length, name, dtype, [...shape], kind, producer);
    this.values.push(t);
    return t;
  }

  private claimExact(name: string): string {
    if (this.valueNames.has(name)) throw new Error(`value name "${name}" is already used in this graph`);
    this.valueNames.add(name);
    return name;
  }

  isValueName(name: string): boolean {
    return this.valueNames.has(name);
  }

  // Leaves -----------------------------------------------------------------------------------------------------

  /** A value the caller feeds each run. The name is scoped but not uniquified: feeds are looked up by it. */
  input(name: string, dtype: DType, shape: Shape): Tensor {
    const t = this.newValue(this.claimExact(this.scoped(name)), dtype, shape, 'input');
    this.inputs.push(t);
    return t;
  }

  /** A trainable float32 parameter, fed as a graph input so one model file serves every training step. */
  param(name: string, shape: Shape, initializer: ParamInit): Tensor {
    const logical = [...this.scopes, name].join('/');
    if (this.params.some((p) => p.name === logical)) throw new Error(`parameter "${logical}" is declared twice`);
    const t = this.newValue(this.claimExact(this.prefix + logical), 'float32', shape, 'param');
    this.params.push({ name: logical, tensor: t, init: initializer });
    return t;
  }

  /** A value of an enclosing graph, referenced by name from a subgraph body. */
  outer(tensor: Tensor): Tensor {
    return this.newValue(this.claimExact(tensor.name), tensor.dtype, tensor.shape, 'outer');
  }

  /**
   * A baked-in constant (a graph initializer). Small constants are shared: the same scalar or shape vector
   * used by a hundred nodes is stored once.
   */
  constant(values: ArrayLike<number> | ConstantData, shape: Shape, dtype: DType = 'float32', label = 'const'): Tensor {
    const n = numel(shape);
    if (values.length !== n) throw new RangeError(`constant of shape ${formatShape(shape)} needs ${n} values, got ${values.length}`);
    const data = toConstantData(values, dtype);
    const key = n <= 64 ? `${dtype}${formatShape(shape)}:${Array.from(data as ArrayLike<number | bigint>).join(',')}` : undefined;
    const cached = key === undefined ? undefined : this.constantCache.get(key);
    if (cached) return cached;
    const shown = key !== undefined && n <= 4 ? `${this.prefix}const/${dtype}${formatShape(shape)}=${Array.from(data as ArrayLike<number | bigint>).join(',')}` : undefined;
    const t = this.newValue(this.unique(shown ?? this.scoped(label), this.valueNames), dtype, shape, 'constant');
    this.constants.set(t.id, data);
    if (key !== undefined) this.constantCache.set(key, t);
    return t;
  }

  scalar(value: number, dtype: DType = 'float32'): Tensor {
    return this.constant([value], [], dtype);
  }

  /** An int64 vector constant: shapes, axes, starts/ends. */
  ints(values: readonly number[]): Tensor {
    return this.constant(values, [values.length], 'int64');
  }

  constantValue(t: Tensor): ConstantData | undefined {
    return this.constants.get(t.id);
  }

  // Node emission -------------------------------------------------------------------------------------------

  /**
   * Emits one node. `outputs` gives each output's dtype and shape (inferred by the caller); the returned
   * handles are in the same order. Exposed so gradient rules and extensions can emit ops this class lacks.
   */
  node(
    op: string,
    inputs: readonly (Tensor | undefined)[],
    outputs: readonly { dtype: DType; shape: Shape }[],
    options: { attrs?: Record<string, AttrValue>; meta?: NodeMeta; label?: string; domain?: string } = {},
  ): Tensor[] {
    for (const i of inputs) {
      if (i && i.graph !== this) throw new Error(`${op}: input ${i.name} belongs to another graph`);
    }
    const name = this.unique(this.scoped(options.label ?? op), this.nodeNames);
    const outs: Tensor[] = [];
    const node: Node = {
      id: this.nodes.length,
      name,
      op,
      domain: options.domain ?? '',
      inputs: [...inputs],
      outputs: outs,
      attrs: options.attrs ?? {},
      meta: options.meta ?? {},
    };
    outputs.forEach((o, i) => {
      const valueName = this.unique(`${name}:${i}`, this.valueNames);
      outs.push(this.newValue(valueName, o.dtype, o.shape, 'node', node));
    });
    this.nodes.push(node);
    return outs;
  }

  private one(op: string, inputs: readonly (Tensor | undefined)[], dtype: DType, shape: Shape, options: Parameters<Graph['node']>[3] = {}): Tensor {
    return this.node(op, inputs, [{ dtype, shape }], options)[0]!;
  }

  private fail(op: string, message: string): never {
    throw new RangeError(`${this.scoped(op)}: ${message}`);
  }

  private requireFloat(op: string, ...ts: Tensor[]): void {
    for (const t of ts) if (t.dtype !== 'float32') this.fail(op, `expects float32, got ${t}`);
  }

  private sameDtype(op: string, a: Tensor, b: Tensor): void {
    if (a.dtype !== b.dtype) this.fail(op, `dtype mismatch: ${a} vs ${b}`);
  }

  private binary(op: string, a: Tensor, b: Tensor, label?: string): Tensor {
    this.sameDtype(op, a, b);
    return this.one(op, [a, b], a.dtype, this.broadcast(op, a.shape, b.shape), { label });
  }

  private broadcast(op: string, ...shapes: Shape[]): number[] {
    try {
      return broadcastShapes(...shapes);
    } catch (e) {
      return this.fail(op, (e as Error).message);
    }
  }

  private unary(op: string, x: Tensor, label?: string): Tensor {
    this.requireFloat(op, x);
    return this.one(op, [x], x.dtype, x.shape, { label });
  }

  // Elementwise ------------------------------------------------------------------------------------------------

  add(a: Tensor, b: Tensor, label?: string): Tensor {
    return this.binary('Add', a, b, label);
  }
  sub(a: Tensor, b: Tensor, label?: string): Tensor {
    return this.binary('Sub', a, b, label);
  }
  mul(a: Tensor, b: Tensor, label?: string): Tensor {
    return this.binary('Mul', a, b, label);
  }
  div(a: Tensor, b: Tensor, label?: string): Tensor {
    return this.binary('Div', a, b, label);
  }
  pow(a: Tensor, b: Tensor, label?: string): Tensor {
    return this.binary('Pow', a, b, label);
  }
  neg(x: Tensor, label?: string): Tensor {
    return this.unary('Neg', x, label);
  }
  exp(x: Tensor, label?: string): Tensor {
    return this.unary('Exp', x, label);
  }
  log(x: Tensor, label?: string): Tensor {
    return this.unary('Log', x, label);
  }
  sqrt(x: Tensor, label?: string): Tensor {
    return this.unary('Sqrt', x, label);
  }
  relu(x: Tensor, label?: string): Tensor {
    return this.unary('Relu', x, label);
  }
  tanh(x: Tensor, label?: string): Tensor {
    return this.unary('Tanh', x, label);
  }
  sigmoid(x: Tensor, label?: string): Tensor {
    return this.unary('Sigmoid', x, label);
  }
  erf(x: Tensor, label?: string): Tensor {
    return this.unary('Erf', x, label);
  }
  identity(x: Tensor, label?: string): Tensor {
    return this.one('Identity', [x], x.dtype, x.shape, { label });
  }

  /** Exact (erf) GELU, 0.5·x·(1 + erf(x/√2)), built from primitives so autodiff needs no rule of its own. */
  gelu(x: Tensor): Tensor {
    return this.scope('Gelu', () => {
      const e = this.erf(this.mul(x, this.scalar(Math.SQRT1_2)));
      return this.mul(this.mul(x, this.scalar(0.5)), this.add(e, this.scalar(1)));
    });
  }

  /** Elementwise sum of any number of same-dtype tensors, broadcasting. */
  sum(xs: readonly Tensor[], label?: string): Tensor {
    if (xs.length === 0) this.fail('Sum', 'needs at least one input');
    if (xs.length === 1) return xs[0]!;
    for (const x of xs) this.sameDtype('Sum', xs[0]!, x);
    return this.one('Sum', xs, xs[0]!.dtype, this.broadcast('Sum', ...xs.map((x) => x.shape)), { label });
  }
  min(xs: readonly Tensor[], label?: string): Tensor {
    for (const x of xs) this.sameDtype('Min', xs[0]!, x);
    return this.one('Min', xs, xs[0]!.dtype, this.broadcast('Min', ...xs.map((x) => x.shape)), { label });
  }
  max(xs: readonly Tensor[], label?: string): Tensor {
    for (const x of xs) this.sameDtype('Max', xs[0]!, x);
    return this.one('Max', xs, xs[0]!.dtype, this.broadcast('Max', ...xs.map((x) => x.shape)), { label });
  }

  // Comparisons and logic (never differentiated) -----------------------------------------------------------------

  equal(a: Tensor, b: Tensor, label?: string): Tensor {
    this.sameDtype('Equal', a, b);
    return this.one('Equal', [a, b], 'bool', this.broadcast('Equal', a.shape, b.shape), { label });
  }
  less(a: Tensor, b: Tensor, label?: string): Tensor {
    this.sameDtype('Less', a, b);
    return this.one('Less', [a, b], 'bool', this.broadcast('Less', a.shape, b.shape), { label });
  }
  greater(a: Tensor, b: Tensor, label?: string): Tensor {
    this.sameDtype('Greater', a, b);
    return this.one('Greater', [a, b], 'bool', this.broadcast('Greater', a.shape, b.shape), { label });
  }
  and(a: Tensor, b: Tensor, label?: string): Tensor {
    if (a.dtype !== 'bool' || b.dtype !== 'bool') this.fail('And', `expects bool, got ${a} and ${b}`);
    return this.one('And', [a, b], 'bool', this.broadcast('And', a.shape, b.shape), { label });
  }
  or(a: Tensor, b: Tensor, label?: string): Tensor {
    if (a.dtype !== 'bool' || b.dtype !== 'bool') this.fail('Or', `expects bool, got ${a} and ${b}`);
    return this.one('Or', [a, b], 'bool', this.broadcast('Or', a.shape, b.shape), { label });
  }
  not(x: Tensor, label?: string): Tensor {
    if (x.dtype !== 'bool') this.fail('Not', `expects bool, got ${x}`);
    return this.one('Not', [x], 'bool', x.shape, { label });
  }

  where(cond: Tensor, a: Tensor, b: Tensor, label?: string): Tensor {
    if (cond.dtype !== 'bool') this.fail('Where', `condition must be bool, got ${cond}`);
    this.sameDtype('Where', a, b);
    return this.one('Where', [cond, a, b], a.dtype, this.broadcast('Where', cond.shape, a.shape, b.shape), { label });
  }

  cast(x: Tensor, to: DType, label?: string): Tensor {
    return this.one('Cast', [x], to, x.shape, { attrs: { to: attr.int(onnxDtypeCode(to)) }, label });
  }

  // Linear algebra -----------------------------------------------------------------------------------------------

  /** numpy matmul for rank ≥ 2 operands; leading (batch) axes broadcast. */
  matMul(a: Tensor, b: Tensor, label?: string): Tensor {
    this.requireFloat('MatMul', a, b);
    if (a.rank < 2 || b.rank < 2) this.fail('MatMul', `operands must have rank ≥ 2, got ${a} and ${b}`);
    const [m, k] = a.shape.slice(-2) as [number, number];
    const [k2, n] = b.shape.slice(-2) as [number, number];
    if (k !== k2) this.fail('MatMul', `inner dimensions differ: ${a} × ${b}`);
    const batch = this.broadcast('MatMul', a.shape.slice(0, -2), b.shape.slice(0, -2));
    return this.one('MatMul', [a, b], 'float32', [...batch, m, n], { label });
  }

  // Shape manipulation ----------------------------------------------------------------------------------------------

  reshape(x: Tensor, shape: readonly number[], label?: string): Tensor {
    let out: number[];
    try {
      out = resolveReshape(x.shape, shape);
    } catch (e) {
      return this.fail('Reshape', (e as Error).message);
    }
    if (sameShape(out, x.shape)) return x;
    return this.one('Reshape', [x, this.ints(out)], x.dtype, out, { label });
  }

  transpose(x: Tensor, perm: readonly number[], label?: string): Tensor {
    if (perm.length !== x.rank || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) {
      this.fail('Transpose', `perm [${perm.join(', ')}] does not permute ${x}`);
    }
    if (perm.every((p, i) => p === i)) return x;
    return this.one('Transpose', [x], x.dtype, perm.map((p) => x.shape[p]!), { attrs: { perm: attr.ints(perm) }, label });
  }

  concat(xs: readonly Tensor[], axis: number, label?: string): Tensor {
    if (xs.length === 0) this.fail('Concat', 'needs at least one input');
    const first = xs[0]!;
    const ax = normAxis(axis, first.rank);
    let total = 0;
    for (const x of xs) {
      this.sameDtype('Concat', first, x);
      if (x.rank !== first.rank || x.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
        this.fail('Concat', `shapes differ off axis ${axis}: ${first} vs ${x}`);
      }
      total += x.shape[ax]!;
    }
    if (xs.length === 1) return first;
    const shape = [...first.shape];
    shape[ax] = total;
    return this.one('Concat', xs, first.dtype, shape, { attrs: { axis: attr.int(ax) }, label });
  }

  /** Step-1 slice; starts/ends follow Python semantics (negative from the end, clamped to the extent). */
  slice(x: Tensor, starts: readonly number[], ends: readonly number[], axes?: readonly number[], label?: string): Tensor {
    const ax = (axes ?? starts.map((_, i) => i)).map((a) => normAxis(a, x.rank));
    if (starts.length !== ax.length || ends.length !== ax.length) this.fail('Slice', 'starts, ends and axes differ in length');
    const shape = [...x.shape];
    const s: number[] = [];
    const e: number[] = [];
    ax.forEach((a, i) => {
      const dim = x.shape[a]!;
      const clamp = (v: number): number => Math.min(dim, Math.max(0, v < 0 ? v + dim : v));
      const lo = clamp(starts[i]!);
      const hi = Math.max(lo, clamp(ends[i]!));
      s.push(lo);
      e.push(hi);
      shape[a] = hi - lo;
    });
    return this.one('Slice', [x, this.ints(s), this.ints(e), this.ints(ax)], x.dtype, shape, {
      meta: { axes: ax, starts: s, ends: e },
      label,
    });
  }

  unsqueeze(x: Tensor, axes: readonly number[], label?: string): Tensor {
    const rank = x.rank + axes.length;
    const ax = normAxes(axes, rank);
    const shape: number[] = [];
    let j = 0;
    for (let i = 0; i < rank; i++) shape.push(ax.includes(i) ? 1 : x.shape[j++]!);
    return this.one('Unsqueeze', [x, this.ints(ax)], x.dtype, shape, { meta: { axes: ax }, label });
  }

  squeeze(x: Tensor, axes: readonly number[], label?: string): Tensor {
    const ax = normAxes(axes, x.rank);
    for (const a of ax) if (x.shape[a] !== 1) this.fail('Squeeze', `axis ${a} of ${x} is not 1`);
    const shape = x.shape.filter((_, i) => !ax.includes(i));
    return this.one('Squeeze', [x, this.ints(ax)], x.dtype, shape, { meta: { axes: ax }, label });
  }

  expand(x: Tensor, shape: readonly number[], label?: string): Tensor {
    const out = this.broadcast('Expand', x.shape, shape);
    if (sameShape(out, x.shape)) return x;
    return this.one('Expand', [x, this.ints(out)], x.dtype, out, { label });
  }

  /** Constant-mode padding; `pads` is [begin_0, …, begin_n, end_0, …, end_n] as in ONNX. */
  pad(x: Tensor, pads: readonly number[], label?: string): Tensor {
    if (pads.length !== 2 * x.rank || pads.some((p) => p < 0)) this.fail('Pad', `bad pads [${pads.join(', ')}] for ${x}`);
    const shape = x.shape.map((d, i) => d + pads[i]! + pads[i + x.rank]!);
    return this.one('Pad', [x, this.ints(pads)], x.dtype, shape, { attrs: { mode: attr.string('constant') }, label });
  }

  /** A tensor of `shape` filled with `value`, made at run time so large zero tensors are not stored. */
  fill(shape: Shape, value: number, dtype: DType = 'float32', label?: string): Tensor {
    const t: TensorProtoData = { name: 'value', dtype: PROTO_DTYPE[dtype], dims: [1], raw: rawBytes(toConstantData([value], dtype)) };
    return this.one('ConstantOfShape', [this.ints(shape)], dtype, shape, { attrs: { value: attr.tensor(t) }, label });
  }

  zeros(shape: Shape, dtype: DType = 'float32', label?: string): Tensor {
    return this.fill(shape, 0, dtype, label);
  }

  // Reductions --------------------------------------------------------------------------------------------------

  private reduce(op: string, x: Tensor, axes: readonly number[] | undefined, keepdims: boolean, label?: string): Tensor {
    const ax = axes === undefined ? x.shape.map((_, i) => i) : normAxes(axes, x.rank);
    if (ax.length === 0) return x;
    const shape = keepdims ? x.shape.map((d, i) => (ax.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !ax.includes(i));
    // Opset 18 takes reduce axes as an input for every Reduce* op.
    return this.one(op, [x, this.ints(ax)], x.dtype, shape, {
      attrs: { keepdims: attr.int(keepdims ? 1 : 0) },
      meta: { axes: ax, keepdims },
      label,
    });
  }

  /** Sum over `axes` (all when omitted). */
  reduceSum(x: Tensor, axes?: readonly number[], keepdims = false, label?: string): Tensor {
    return this.reduce('ReduceSum', x, axes, keepdims, label);
  }
  reduceMean(x: Tensor, axes?: readonly number[], keepdims = false, label?: string): Tensor {
    this.requireFloat('ReduceMean', x);
    return this.reduce('ReduceMean', x, axes, keepdims, label);
  }
  reduceMax(x: Tensor, axes?: readonly number[], keepdims = false, label?: string): Tensor {
    return this.reduce('ReduceMax', x, axes, keepdims, label);
  }

  // Indexing --------------------------------------------------------------------------------------------------

  /** data[indices] along axis 0 (embedding lookup): shape indices.shape ++ data.shape[1:]. */
  gather(data: Tensor, indices: Tensor, label?: string): Tensor {
    if (indices.dtype !== 'int64' && indices.dtype !== 'int32') this.fail('Gather', `indices must be integer, got ${indices}`);
    if (data.rank < 1) this.fail('Gather', `data must have rank ≥ 1, got ${data}`);
    return this.one('Gather', [data, indices], data.dtype, [...indices.shape, ...data.shape.slice(1)], {
      attrs: { axis: attr.int(0) },
      label,
    });
  }

  /** out[i][j] = data[i][indices[i][j]] along `axis`: the output has the indices' shape. */
  gatherElements(data: Tensor, indices: Tensor, axis: number, label?: string): Tensor {
    if (indices.dtype !== 'int64') this.fail('GatherElements', `indices must be int64, got ${indices}`);
    if (indices.rank !== data.rank) this.fail('GatherElements', `ranks differ: ${data} vs ${indices}`);
    const ax = normAxis(axis, data.rank);
    return this.one('GatherElements', [data, indices], data.dtype, indices.shape, { attrs: { axis: attr.int(ax) }, label });
  }

  scatterElementsAdd(data: Tensor, indices: Tensor, updates: Tensor, axis: number, label?: string): Tensor {
    return this.one('ScatterElements', [data, indices, updates], data.dtype, data.shape, {
      attrs: { axis: attr.int(normAxis(axis, data.rank)), reduction: attr.string('add') },
      label,
    });
  }

  // Normalisation and softmax ---------------------------------------------------------------------------------

  /**
   * LayerNormalization over the last axis. The node also yields Mean and InvStdDev (shape [..., 1]); the
   * gradient rule reuses them instead of recomputing the statistics.
   */
  layerNorm(x: Tensor, gamma: Tensor, beta: Tensor | undefined, epsilon = 1e-5, label?: string): Tensor {
    this.requireFloat('LayerNormalization', x, gamma);
    const d = x.shape[x.rank - 1];
    if (gamma.rank !== 1 || gamma.shape[0] !== d || (beta && !sameShape(beta.shape, gamma.shape))) {
      this.fail('LayerNormalization', `scale/bias must be [${d}], got ${gamma}${beta ? ` and ${beta}` : ''}`);
    }
    const stat = [...x.shape.slice(0, -1), 1];
    const [y] = this.node(
      'LayerNormalization',
      [x, gamma, beta],
      [
        { dtype: 'float32', shape: x.shape },
        { dtype: 'float32', shape: stat },
        { dtype: 'float32', shape: stat },
      ],
      { attrs: { axis: attr.int(-1), epsilon: attr.float(epsilon), stash_type: attr.int(1) }, label },
    );
    return y!;
  }

  softmax(x: Tensor, axis = -1, label?: string): Tensor {
    this.requireFloat('Softmax', x);
    return this.one('Softmax', [x], x.dtype, x.shape, { attrs: { axis: attr.int(normAxis(axis, x.rank)) }, label });
  }

  logSoftmax(x: Tensor, axis = -1, label?: string): Tensor {
    this.requireFloat('LogSoftmax', x);
    return this.one('LogSoftmax', [x], x.dtype, x.shape, { attrs: { axis: attr.int(normAxis(axis, x.rank)) }, label });
  }

  // Export -------------------------------------------------------------------------------------------------------

  /** The nodes and leaf values that `outputs` depend on, in creation (topological) order. */
  reachable(outputs: readonly Tensor[]): { nodes: Node[]; leaves: Tensor[] } {
    const seenValue = new Set<number>();
    const seenNode = new Set<number>();
    const stack = [...outputs];
    while (stack.length > 0) {
      const t = stack.pop()!;
      if (seenValue.has(t.id)) continue;
      seenValue.add(t.id);
      if (t.producer && !seenNode.has(t.producer.id)) {
        seenNode.add(t.producer.id);
        for (const i of t.producer.inputs) if (i) stack.push(i);
      }
    }
    return {
      nodes: this.nodes.filter((n) => seenNode.has(n.id)),
      leaves: this.values.filter((v) => v.kind !== 'node' && seenValue.has(v.id)),
    };
  }

  /**
   * The GraphProto computing `outputs` (renamed through Identity where the wanted name differs) from exactly
   * `inputs`, in that order. Nodes no output needs are left out. `subgraph` allows outer-scope references.
   */
  toGraphProto(name: string, inputs: readonly Tensor[], outputs: readonly OutputSpec[], subgraph = false): GraphProtoData {
    const { nodes, leaves } = this.reachable(outputs.map((o) => o.tensor));
    const inputIds = new Set(inputs.map((t) => t.id));
    for (const leaf of leaves) {
      if ((leaf.kind === 'input' || leaf.kind === 'param') && !inputIds.has(leaf.id)) {
        throw new Error(`graph "${name}": ${leaf} is needed but not listed as an input`);
      }
      if (leaf.kind === 'outer' && !subgraph) throw new Error(`graph "${name}": outer reference ${leaf} in a top-level graph`);
    }
    // A computed value wanted as an output is emitted under the output's name (renamed at export) rather than
    // copied through an Identity; only inputs, constants and values wanted under two names need the Identity.
    const renamed = new Map<number, string>();
    // Subgraphs (Loop bodies) read outer values by name, so a value they read must keep its name.
    const readBySubgraph = new Set(nodes.flatMap((n) => Object.values(n.attrs).flatMap((a) => (a.type === 'graph' ? namesReadIn(a.value) : []))));
    const outputNames = new Set<string>();
    const identities: NodeProtoData[] = [];
    const protoOutputs: ValueInfoData[] = [];
    for (const o of outputs) {
      if (outputNames.has(o.name)) throw new Error(`graph "${name}": output "${o.name}" listed twice`);
      outputNames.add(o.name);
      if (o.name !== o.tensor.name && this.valueNames.has(o.name)) {
        throw new Error(`graph "${name}": output name "${o.name}" is taken by another value`);
      }
      if (o.tensor.kind === 'node' && !renamed.has(o.tensor.id) && !readBySubgraph.has(o.tensor.name)) renamed.set(o.tensor.id, o.name);
      else identities.push({ name: `${o.name}/Identity`, opType: 'Identity', inputs: [nameOf(o.tensor)], outputs: [o.name], attributes: [] });
      protoOutputs.push(valueInfo(o.name, o.tensor));
    }
    function nameOf(t: Tensor | undefined): string {
      return t ? (renamed.get(t.id) ?? t.name) : '';
    }
    const protoNodes: NodeProtoData[] = nodes.map((n) => ({
      name: n.name,
      opType: n.op,
      domain: n.domain,
      inputs: trimOptional(n.inputs.map(nameOf)),
      outputs: n.outputs.map(nameOf),
      attributes: Object.entries(n.attrs).map(([k, v]) => ({ name: k, ...v }) as AttributeData),
    }));
    protoNodes.push(...identities);
    const initializers: TensorProtoData[] = [];
    for (const leaf of leaves) {
      if (leaf.kind !== 'constant') continue;
      const data = this.constants.get(leaf.id)!;
      initializers.push({ name: leaf.name, dtype: PROTO_DTYPE[leaf.dtype], dims: leaf.shape, raw: rawBytes(data) });
    }
    return {
      name,
      nodes: protoNodes,
      initializers,
      inputs: inputs.map((t) => valueInfo(t.name, t)),
      outputs: protoOutputs,
    };
  }
}

/** Every value name the nodes of a graph (and its nested subgraphs) read. */
function namesReadIn(graph: GraphProtoData): string[] {
  return graph.nodes.flatMap((n) => [
    ...n.inputs,
    ...n.attributes.flatMap((a) => (a.type === 'graph' ? namesReadIn(a.value) : [])),
  ]);
}

/** Drops trailing omitted inputs: onnxruntime crashes (SIGSEGV) on a trailing '' for LayerNormalization. */
function trimOptional(names: string[]): string[] {
  let n = names.length;
  while (n > 0 && names[n - 1] === '') n--;
  return names.slice(0, n);
}

function valueInfo(name: string, t: Tensor): ValueInfoData {
  return { name, dtype: PROTO_DTYPE[t.dtype], shape: t.shape };
}

export function onnxDtypeCode(dtype: DType): number {
  return { float32: 1, int32: 6, int64: 7, bool: 9 }[dtype];
}

function toConstantData(values: ArrayLike<number> | ConstantData, dtype: DType): ConstantData {
  switch (dtype) {
    case 'float32':
      return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>, Number);
    case 'int64':
      return values instanceof BigInt64Array ? values : BigInt64Array.from(values as ArrayLike<number>, (v) => BigInt(v));
    case 'int32':
      return values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>, Number);
    case 'bool':
      return Uint8Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0));
  }
}
