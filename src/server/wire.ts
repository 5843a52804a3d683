/**
 * Browser mode's wire format, server side. The full format is documented once, with the decoder, in
 * src/renderer/src/transport/wire.ts: JSON bodies, with typed arrays carried as {"$binary": kind, "base64": …}
 * (little-endian bytes) so the client rebuilds exactly the arrays the host returned.
 */
import { endianness } from 'node:os';

const KIND_OF = new Map<unknown, string>([
  [Float32Array, 'float32'],
  [Uint8Array, 'uint8'],
  [Int32Array, 'int32'],
  [Uint32Array, 'uint32'],
]);

// Typed arrays are sent as their memory; the format promises little-endian, true on every supported platform.
if (endianness() !== 'LE') throw new Error('browser mode needs a little-endian machine (its binary payloads are sent as raw memory)');

/** JSON.stringify replacer: typed arrays become binary fields; anything else JSON cannot carry is an error. */
function replacer(this: unknown, key: string, value: unknown): unknown {
  // The holder's own value, before toJSON: a Buffer would otherwise arrive here already as {type, data: […]}.
  const raw = (this as Record<string, unknown>)[key];
  if (ArrayBuffer.isView(raw)) {
    const kind = KIND_OF.get(raw.constructor) ?? (Buffer.isBuffer(raw) ? 'uint8' : undefined);
    if (!kind) throw new TypeError(`cannot send a ${raw.constructor.name} over HTTP`);
    return { $binary: kind, base64: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
  }
  return value;
}

export function encodeResult(result: unknown): string {
  return JSON.stringify({ result: result === undefined ? null : result }, replacer);
}

export function encodeJson(value: unknown): string {
  return JSON.stringify(value, replacer);
}
