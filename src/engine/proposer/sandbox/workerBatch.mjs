// @ts-check
/**
 * Running a request's programs on a context's engine, surviving whatever they do: programs go to the driver in
 * chunks (one VM call each), and a chunk that ends early — a program timed out, ran out of memory or crashed
 * the wasm module — marks its culprit, gets the context a fresh engine and resubmits the rest.
 */
import { CHUNK_PROGRAMS, HOUSEKEEPING_MS, beginUnit, startChunk, tickTime, ticksStarted } from './workerDeadlines.mjs';
import { ensureEngine, markPoisoned, recycle, reloadModule } from './workerEngines.mjs';
import { limits, messageOf } from './workerProtocol.mjs';

/**
 * @typedef {import('./protocol.js').WireProgram} WireProgram
 * @typedef {import('./workerEngines.mjs').ContextRecord} ContextRecord
 */

// One VM call runs at most CHUNK_PROGRAMS programs / this many characters of source, so strings crossing into
// QuickJS stay small next to its memory limit.
const CHUNK_CHARS = 256 * 1024;

const MEMORY_MESSAGE = `program exceeded its ${Math.round((limits.memoryLimitBytes / 1048576) * 10) / 10} MiB memory limit`;

/** A row as the driver writes it (vmDriver.mjs › batch), for failures decided here. */
const failureRow = (/** @type {string} */ kind, /** @type {string} */ message) => JSON.stringify([0, kind, message, null]);

/**
 * The chunk as the driver reads it (vmDriver.mjs › batch): distinct sources back to back, and a small JSON
 * with their lengths and, per program, its source's index and its args (JSON text, spliced in as is).
 * @param {readonly WireProgram[]} programs @param {readonly number[]} positions
 */
export const chunkPayload = (programs, positions) => {
  /** @type {Map<string, number>} */
  const index = new Map();
  /** @type {string[]} */
  const sources = [];
  let entries = '';
  for (let j = 0; j < positions.length; j++) {
    const p = /** @type {WireProgram} */ (programs[/** @type {number} */ (positions[j])]);
    const source = typeof p === 'string' ? p : p.s;
    let k = index.get(source);
    if (k === undefined) {
      k = sources.length;
      index.set(source, k);
      sources.push(source);
    }
    entries += `${j > 0 ? ',' : ''}[${k}${typeof p === 'string' ? '' : `,${p.a}`}]`;
  }
  return { blob: sources.join(''), meta: `[[${sources.map((s) => s.length).join(',')}],[${entries}]]` };
};

/**
 * Rows and times come back unparsed: the host parses the joined rows once, with V8's JSON.parse.
 * @param {ContextRecord} rec @param {readonly WireProgram[]} programs
 * @returns {Promise<{ text: string, ms: Float64Array }>}
 */
export const runBatch = async (rec, programs) => {
  /** @type {(string | null)[]} */
  const rows = programs.map(() => null);
  const ms = new Float64Array(programs.length);
  let todo = programs.map((_, i) => i);
  while (todo.length > 0) {
    const engine = ensureEngine(rec);
    /** @type {number[]} */
    const positions = [];
    let chars = 0;
    for (const p of todo) {
      const program = /** @type {WireProgram} */ (programs[p]);
      const size = typeof program === 'string' ? program.length : program.s.length + program.a.length;
      if (positions.length === CHUNK_PROGRAMS || (positions.length > 0 && chars + size > CHUNK_CHARS)) break;
      positions.push(p);
      chars += size;
    }
    startChunk(positions);
    beginUnit(HOUSEKEEPING_MS, -1);
    /** @type {{ text: string } | { aborted: { interrupted: boolean, message: string } }} */
    let result;
    try {
      result = engine.runChunk(chunkPayload(programs, positions));
    } catch (e) {
      // Not a JS exception inside QuickJS but one that unwound through the wasm (host stack exhausted, trap).
      const at = ticksStarted() - 1;
      if (at < 0) {
        markPoisoned();
        throw new Error(`the QuickJS engine failed outside any program: ${messageOf(e)}`);
      }
      const culprit = /** @type {number} */ (positions[at]);
      rows[culprit] = failureRow('memory', "program exhausted the engine's native stack (recursion or nesting too deep); the engine was restarted");
      ms[culprit] = performance.now() - tickTime(at);
      await reloadModule();
      todo = todo.filter((p) => rows[p] === null);
      continue;
    }
    const end = performance.now();
    const ticks = ticksStarted();
    if ('text' in result) {
      const got = result.text.split('\n');
      if (result.text === '' || got.length > positions.length) throw new Error('the sandbox driver answered a malformed batch');
      for (let j = 0; j < got.length; j++) {
        const p = /** @type {number} */ (positions[j]);
        rows[p] = /** @type {string} */ (got[j]);
        ms[p] = (j + 1 < ticks ? tickTime(j + 1) : end) - tickTime(j);
      }
      // Out of memory or stack: the context may be left half-updated; the driver stopped here for a fresh one.
      if (/** @type {string} */ (got[got.length - 1]).startsWith('[0,"memory"')) recycle(rec);
    } else {
      const at = ticks - 1;
      if (at < 0) {
        recycle(rec);
        throw new Error(`the sandbox driver failed before running a program: ${result.aborted.message}`);
      }
      const culprit = /** @type {number} */ (positions[at]);
      const { interrupted: late, message } = result.aborted;
      rows[culprit] = late
        ? failureRow('timeout', `program exceeded its ${limits.timeLimitMs} ms time limit`)
        : message.includes('out of memory')
          ? failureRow('memory', MEMORY_MESSAGE)
          : failureRow('runtime', `the sandbox stopped the program: ${message}`);
      ms[culprit] = end - tickTime(at);
      // An interrupted prelude call may have left the scene API's private state half-updated.
      recycle(rec);
    }
    todo = todo.filter((p) => rows[p] === null);
  }
  return { text: `[${rows.join(',')}]`, ms };
};
