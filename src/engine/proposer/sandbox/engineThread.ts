/**
 * The host side of the engine thread (engineWorker.mjs): synchronous requests over a MessagePort, blocking in
 * Atomics.wait, with a watchdog that terminates the thread when the program running in it is stuck past its
 * deadline. Synchronous because the sandbox API is: a batch is one round trip (~30 µs), not one per program.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  DEADLINE,
  epochNow,
  FLOAT64_OFFSET,
  FLOAT64_SLOTS,
  HOUSEKEEPING_MS,
  INT32_SLOTS,
  PROGRESS,
  REPLY,
  SHARED_BYTES,
  STARTED,
  type EngineBoot,
  type EngineLimits,
  type EngineReply,
  type EngineRequest,
} from './protocol.js';
import { SandboxError } from './types.js';

/** How often a blocked host looks at the watchdog; replies themselves wake it at once. */
const WATCH_SLICE_MS = 50;
const BOOT_TIMEOUT_MS = 30_000;
/**
 * The engine thread's native stack, per byte of QuickJS stack limit. QuickJS's check only sees the wasm shadow
 * stack; the deepest native/shadow ratio measured (nested literals in the parser) is ≈ 32, so this is 2× that.
 */
const NATIVE_STACK_PER_LIMIT_BYTE = 64;

/** The engine thread died or was terminated while serving a request. */
export class EngineThreadLost extends Error {
  constructor(
    /** Position of the program that was running, in the request's list; −1 when none was. */
    readonly culprit: number,
    /** How long that program had been running. */
    readonly elapsedMs: number,
    reason: string,
  ) {
    super(`the sandbox engine thread ${reason}`);
    this.name = 'EngineThreadLost';
  }
}

export class EngineThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flags: Int32Array;
  private readonly times: Float64Array;
  private exitReason: string | null = null;

  private constructor(
    limits: EngineLimits,
    private readonly graceMs: number,
  ) {
    const shared = new SharedArrayBuffer(SHARED_BYTES);
    this.flags = new Int32Array(shared, 0, INT32_SLOTS);
    this.times = new Float64Array(shared, FLOAT64_OFFSET, FLOAT64_SLOTS);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL('./engineWorker.mjs', import.meta.url), {
      workerData: { port: port2, shared, limits },
      transferList: [port2],
      // The host's loaders (tsx, test transformers) have no business in the engine thread.
      execArgv: [],
      resourceLimits: { stackSizeMb: Math.ceil((limits.stackLimitBytes * NATIVE_STACK_PER_LIMIT_BYTE) / 1048576) + 8 },
    });
    // Without a listener an 'error' event would be rethrown in the host; the watchdog handles the consequences.
    this.worker.on('error', (e: unknown) => {
      this.exitReason = `failed: ${e instanceof Error ? e.message : String(e)}`;
    });
    this.worker.on('exit', (code: number) => {
      this.exitReason ??= `exited with code ${code}`;
    });
    // An idle sandbox must not keep the process alive.
    this.worker.unref();
    this.port.unref();
  }

  /** Starts a thread without blocking the host while QuickJS loads. */
  static async start(limits: EngineLimits, graceMs: number): Promise<EngineThread> {
    const thread = new EngineThread(limits, graceMs);
    const t0 = performance.now();
    while (Atomics.load(thread.flags, REPLY) === 0) {
      if (thread.exitReason !== null || performance.now() - t0 > BOOT_TIMEOUT_MS) {
        thread.terminate();
        throw new SandboxError(`the sandbox engine thread did not start: ${thread.exitReason ?? 'timed out'}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    thread.takeBoot();
    // The thread stays busy for a while after loading (V8 finishing its wasm compilation); waiting for a
    // round trip here keeps that out of the first real request.
    Atomics.store(thread.flags, REPLY, 0);
    thread.port.postMessage({ op: 'ping', reply: true } satisfies EngineRequest);
    while (Atomics.load(thread.flags, REPLY) === 0) {
      if (thread.exitReason !== null || performance.now() - t0 > BOOT_TIMEOUT_MS) {
        thread.terminate();
        throw new SandboxError(`the sandbox engine thread did not answer: ${thread.exitReason ?? 'timed out'}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    receiveMessageOnPort(thread.port);
    return thread;
  }

  /** Starts a thread and blocks until it is ready: replacing a stuck thread in the middle of a batch. */
  static startSync(limits: EngineLimits, graceMs: number): EngineThread {
    const thread = new EngineThread(limits, graceMs);
    if (Atomics.wait(thread.flags, REPLY, 0, BOOT_TIMEOUT_MS) === 'timed-out') {
      thread.terminate();
      throw new SandboxError('the sandbox engine thread did not restart within 30 s');
    }
    thread.takeBoot();
    return thread;
  }

  private takeBoot(): void {
    const boot = receiveMessageOnPort(this.port)?.message as EngineBoot | undefined;
    if (boot?.type === 'ready') return;
    this.terminate();
    throw new SandboxError(`the sandbox engine thread did not start: ${boot?.type === 'failed' ? boot.message : 'no answer'}`);
  }

  /** Sends a request and blocks until its reply. Throws EngineThreadLost when the thread is stuck or gone. */
  call(request: EngineRequest & { reply: true }): EngineReply {
    this.send(request);
    return this.receive();
  }

  /**
   * Sends a request without waiting; `receive()` takes its reply. The host may work in between (the engine
   * thread runs the request meanwhile); nothing else may be sent until then, since one flag signals the reply.
   */
  send(request: EngineRequest & { reply: true }): void {
    Atomics.store(this.flags, REPLY, 0);
    Atomics.store(this.flags, PROGRESS, -1);
    const now = epochNow();
    this.times[STARTED] = now;
    this.times[DEADLINE] = now + HOUSEKEEPING_MS;
    this.port.postMessage(request);
  }

  /**
   * Blocks until the reply to the request `send` sent, watching the deadlines the engine thread publishes (a
   * thread stuck past one is terminated: EngineThreadLost). A reply already there returns at once.
   */
  receive(): EngineReply {
    while (Atomics.wait(this.flags, REPLY, 0, WATCH_SLICE_MS) === 'timed-out') {
      const t = epochNow();
      if (t > this.times[DEADLINE]! + this.graceMs) {
        const culprit = Atomics.load(this.flags, PROGRESS);
        const elapsed = t - this.times[STARTED]!;
        this.terminate();
        throw new EngineThreadLost(culprit, elapsed, culprit >= 0 ? 'was stuck in a program and was replaced' : 'stopped responding');
      }
    }
    const reply = receiveMessageOnPort(this.port)?.message as EngineReply | undefined;
    if (reply === undefined) {
      this.terminate();
      throw new EngineThreadLost(-1, 0, 'signalled a reply it did not send');
    }
    return reply;
  }

  /** Fire and forget: requests are served in order, so a later call still sees its effect. */
  post(request: EngineRequest & { reply: false }): void {
    this.port.postMessage(request);
  }

  terminate(): void {
    this.port.close();
    void this.worker.terminate().catch(() => undefined);
  }
}
