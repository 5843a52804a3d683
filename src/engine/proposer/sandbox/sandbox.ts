/**
 * `createSandbox` → `Sandbox` → `SandboxContext`: executes untrusted programs in QuickJS (WebAssembly) on a
 * dedicated engine thread. Contracts and design: CONTEXT.md beside this file.
 */
import { EngineThread, EngineThreadLost } from './engineThread.js';
import type { EngineLimits, EngineReply, WireProgram, WireRow } from './protocol.js';
import { SandboxError, type ProgramInput, type ProgramOutcome, type Sandbox, type SandboxContext, type SandboxOptions } from './types.js';

const MIB = 1024 * 1024;

interface ResolvedOptions {
  limits: EngineLimits;
  maxProgramChars: number;
  watchdogGraceMs: number;
}

function resolveOptions(o: SandboxOptions): ResolvedOptions {
  const pick = (name: keyof SandboxOptions, fallback: number, min: number, max: number): number => {
    const v = o[name] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
      throw new RangeError(`sandbox option ${name}: expected a number from ${min} to ${max}, found ${String(v)}`);
    return v;
  };
  return {
    limits: {
      memoryLimitBytes: Math.floor(pick('memoryLimitBytes', 32 * MIB, 2 * MIB, 2048 * MIB)),
      timeLimitMs: pick('timeLimitMs', 50, 1, 600_000),
      // QuickJS-emscripten's wasm shadow stack is 5 MB: a larger limit would let QuickJS overrun it.
      stackLimitBytes: Math.floor(pick('stackLimitBytes', 256 * 1024, 32 * 1024, 4 * MIB)),
      maxResultChars: Math.floor(pick('maxResultChars', 65_536, 16, 64 * MIB)),
      openTimeLimitMs: pick('openTimeLimitMs', 2000, 1, 600_000),
    },
    maxProgramChars: Math.floor(pick('maxProgramChars', 100_000, 1, 16 * MIB)),
    watchdogGraceMs: pick('watchdogGraceMs', 1000, 50, 600_000),
  };
}

/** Starts the engine thread (QuickJS loads there, once) and resolves when it is ready. */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const resolved = resolveOptions(options);
  const thread = await EngineThread.start(resolved.limits, resolved.watchdogGraceMs);
  return new SandboxImpl(resolved, thread);
}

class SandboxImpl implements Sandbox {
  private thread: EngineThread | null;
  /** Bumped whenever the engine thread is replaced: contexts opened in an older one must be reopened. */
  private generation = 0;
  private nextId = 1;
  /** A batch was sent and its reply not yet taken (startBatch). */
  private pending = false;

  constructor(
    private readonly options: ResolvedOptions,
    thread: EngineThread,
  ) {
    this.thread = thread;
  }

  openContext(prelude: string, data: unknown): SandboxContext {
    const ctx = this.newContext('openContext', prelude, data);
    this.open(ctx);
    return ctx;
  }

  startScene(prelude: string, data: unknown, programs: readonly ProgramInput[]): () => ProgramOutcome[] {
    const ctx = this.newContext('startScene', prelude, data);
    let take: () => ProgramOutcome[];
    try {
      take = this.startBatch(ctx, programs, true);
    } catch (e) {
      ctx.dispose();
      throw e;
    }
    return () => {
      try {
        return take();
      } finally {
        ctx.dispose();
      }
    };
  }

  /** A context for the scene data, not yet opened in the engine thread. */
  private newContext(caller: string, prelude: string, data: unknown): ContextImpl {
    if (typeof prelude !== 'string') throw new TypeError(`${caller}: the prelude must be JavaScript source text`);
    let dataJson: string | undefined;
    try {
      dataJson = JSON.stringify(data);
    } catch (e) {
      throw new TypeError(`${caller}: the scene data is not JSON-serialisable: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (dataJson === undefined) throw new TypeError(`${caller}: the scene data is not JSON-serialisable`);
    return new ContextImpl(this, this.nextId++, prelude, dataJson);
  }

  dispose(): void {
    this.thread?.terminate();
    this.thread = null;
  }

  /** One request at a time: a batch sent by startBatch holds the engine thread's reply flag until it is taken. */
  private assertIdle(): void {
    if (this.pending) throw new SandboxError('a batch is still running in this sandbox: take its outcomes before sending another request');
  }

  /** Makes sure `ctx` exists in the current engine thread, replacing a lost thread first. */
  open(ctx: ContextImpl): void {
    if (ctx.generation === this.generation && ctx.generation >= 0) return;
    this.assertIdle();
    const reply = this.request(() => this.live().call({ op: 'open', id: ctx.id, prelude: ctx.prelude, dataJson: ctx.dataJson, reply: true }));
    if (!reply.ok) throw new SandboxError(reply.error);
    ctx.generation = this.generation;
  }

  close(ctx: ContextImpl): void {
    if (this.thread !== null && ctx.generation === this.generation) this.thread.post({ op: 'close', id: ctx.id, reply: false });
  }

  /**
   * Sends the batch and returns at once; the returned function blocks until every outcome is in (recovering from
   * a lost engine thread as a blocking batch would). Until it is called the sandbox takes no other request.
   * `openWith`: a context not open in the engine thread is opened by a request sent just before the batch,
   * without waiting for it (a prelude that fails makes the batch fail with its message, as opening would).
   */
  startBatch(ctx: ContextImpl, programs: readonly ProgramInput[], openWith = false): () => ProgramOutcome[] {
    this.assertIdle();
    const out: (ProgramOutcome | undefined)[] = new Array<ProgramOutcome | undefined>(programs.length);
    const wire: WireProgram[] = new Array<WireProgram>(programs.length);
    let todo: number[] = [];
    programs.forEach((p, i) => {
      const w = this.toWire(p);
      if (typeof w === 'object' && 'problem' in w) out[i] = { ok: false, kind: 'syntax', message: w.problem, ms: 0 };
      else {
        wire[i] = w;
        todo.push(i);
      }
    });
    const send = (): void => {
      if (openWith && ctx.generation !== this.generation) {
        this.live().post({ op: 'open', id: ctx.id, prelude: ctx.prelude, dataJson: ctx.dataJson, reply: false });
        ctx.generation = this.generation;
      } else this.open(ctx);
      this.live().send({ op: 'batch', id: ctx.id, programs: todo.map((i) => wire[i]!), reply: true });
      this.pending = true;
    };
    if (todo.length > 0) send();
    // Nothing to send: a prelude that fails must still say so.
    else if (openWith) this.open(ctx);
    let taken = false;
    return () => {
      if (taken) throw new SandboxError("this batch's outcomes were already taken");
      taken = true;
      let lostOutsidePrograms = 0;
      while (todo.length > 0) {
        let reply: EngineReply;
        try {
          if (!this.pending) send();
          reply = this.live().receive();
        } catch (e) {
          this.pending = false;
          if (!(e instanceof EngineThreadLost)) throw e;
          this.replaceThread();
          const culprit = todo[e.culprit];
          if (culprit !== undefined) {
            const limit = this.options.limits.timeLimitMs;
            out[culprit] = {
              ok: false,
              kind: 'timeout',
              message: `program exceeded its ${limit} ms time limit (stuck in a built-in that cannot be interrupted; the engine thread was replaced)`,
              ms: e.elapsedMs,
            };
          } else if (++lostOutsidePrograms >= 2) {
            throw new SandboxError(`${e.message} twice outside any program`);
          }
          // Everything else in the request reruns: programs are deterministic, and this is rare.
          todo = todo.filter((i) => out[i] === undefined);
          continue;
        }
        this.pending = false;
        if (!reply.ok) throw new SandboxError(reply.error);
        const rows = JSON.parse(reply.rows ?? '[]') as WireRow[];
        const times = reply.times ?? new Float64Array(0);
        if (rows.length !== todo.length || times.length !== todo.length) throw new SandboxError(`the engine thread answered ${rows.length} outcomes for ${todo.length} programs`);
        todo.forEach((i, j) => {
          out[i] = toOutcome(rows[j]!, times[j]!);
        });
        todo = [];
      }
      return out as ProgramOutcome[];
    };
  }

  /** Checked here, where a refusal is cheap; the engine thread trusts the shape. */
  private toWire(p: ProgramInput): WireProgram | { problem: string } {
    const source: unknown = typeof p === 'object' && p !== null ? (p as { source?: unknown }).source : p;
    if (typeof source !== 'string') return { problem: `program must be source text or { source, args }, found ${describeType(p)}` };
    if (source.length > this.options.maxProgramChars) return { problem: `program is ${source.length} characters long; the limit is ${this.options.maxProgramChars}` };
    if (typeof p === 'string') return p;
    const args = (p as { args?: unknown }).args;
    let json: string | undefined;
    try {
      json = JSON.stringify(args);
    } catch {
      json = undefined;
    }
    if (json === undefined) return { problem: `program args must be JSON, found ${describeType(args)}` };
    return { s: source, a: json };
  }

  /** Runs a request, replacing the thread once if it is lost outside any program (a crash while opening). */
  private request(send: () => EngineReply): EngineReply {
    try {
      return send();
    } catch (e) {
      if (!(e instanceof EngineThreadLost)) throw e;
      this.replaceThread();
      return send();
    }
  }

  private live(): EngineThread {
    if (this.thread === null) throw new SandboxError('the sandbox is disposed');
    return this.thread;
  }

  private replaceThread(): void {
    this.live().terminate();
    this.thread = EngineThread.startSync(this.options.limits, this.options.watchdogGraceMs);
    this.generation++;
  }
}

function describeType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

function toOutcome(row: WireRow, ms: number): ProgramOutcome {
  if (row[0] === 1) return { ok: true, value: row[1], ms };
  const out: ProgramOutcome = { ok: false, kind: row[1], message: row[2], ms };
  if (row[3] !== null) out.line = row[3];
  return out;
}

class ContextImpl implements SandboxContext {
  /** Engine-thread generation this context is open in; −1 once disposed. */
  generation = -1;
  private disposed = false;

  constructor(
    private readonly owner: SandboxImpl,
    readonly id: number,
    readonly prelude: string,
    readonly dataJson: string,
  ) {}

  run(program: ProgramInput): ProgramOutcome {
    return this.runBatch([program])[0]!;
  }

  runBatch(programs: readonly ProgramInput[]): ProgramOutcome[] {
    return this.startBatch(programs)();
  }

  startBatch(programs: readonly ProgramInput[]): () => ProgramOutcome[] {
    if (this.disposed) throw new SandboxError('this sandbox context is disposed');
    if (programs.length === 0) return () => [];
    return this.owner.startBatch(this, programs);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.owner.close(this);
    this.generation = -1;
  }
}
