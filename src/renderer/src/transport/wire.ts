/**
 * Browser mode's wire format, client side (the server side is src/server/wire.ts):
 *
 *   POST /api/<method>   Content-Type: application/json, body: the positional arguments as a JSON array
 *   200                  {"result": <value>}          (a method returning nothing: {"result": null})
 *   4xx / 5xx            {"error": {"name", "code"?, "message", "problems"?}}
 *   GET /api/events      WebSocket; each text message is one LoopEvent as JSON
 *
 * Typed arrays (point clouds, PNG bytes) travel inside the JSON as {"$binary": kind, "base64": bytes}, kind one of
 * float32 | uint8 | int32 | uint32, bytes little-endian (every platform the app runs on). This decoder rebuilds
 * them wherever they appear, so results keep exactly the shapes src/shared/api.ts declares.
 */

const KINDS = {
  float32: Float32Array,
  uint8: Uint8Array,
  int32: Int32Array,
  uint32: Uint32Array,
} as const;

export type BinaryKind = keyof typeof KINDS;

export interface BinaryField {
  $binary: BinaryKind;
  base64: string;
}

/** The error shape of a failed call, as the host sends it (src/engine/host/errors.ts ErrorPayload). */
export interface WireError {
  name: string;
  code?: string;
  message: string;
  problems?: { file?: string; field?: string; message: string }[];
}

/** An Error carrying the host's error name and code, so callers can tell bad input from a missing record. */
export class ApiError extends Error {
  readonly code: string | undefined;
  readonly problems: WireError['problems'];

  constructor(e: WireError) {
    super(e.message);
    this.name = e.name;
    this.code = e.code;
    this.problems = e.problems;
  }
}

function isBinaryField(v: Record<string, unknown>): v is BinaryField & Record<string, unknown> {
  return typeof v.$binary === 'string' && typeof v.base64 === 'string' && Object.hasOwn(KINDS, v.$binary) && Object.keys(v).length === 2;
}

export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function toTyped(field: BinaryField): Float32Array | Uint8Array | Int32Array | Uint32Array {
  const bytes = decodeBase64(field.base64);
  const Kind = KINDS[field.$binary];
  if (bytes.byteLength % Kind.BYTES_PER_ELEMENT !== 0) throw new Error(`malformed ${field.$binary} array from the server: ${bytes.byteLength} bytes`);
  // A fresh buffer is aligned for any element size.
  return new Kind(bytes.buffer, 0, bytes.byteLength / Kind.BYTES_PER_ELEMENT);
}

/** Rebuilds typed arrays in a parsed result (in place for objects and arrays; returns the value). */
export function reviveBinary(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveBinary(value[i]);
    return value;
  }
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (isBinaryField(o)) return toTyped(o);
    for (const k of Object.keys(o)) o[k] = reviveBinary(o[k]);
  }
  return value;
}
