/**
 * Main's handle on the engine host utility process (hostProcess.ts): request/reply by id, events fanned out to
 * listeners, and a restart on the next call if the process died (its pending calls fail with a clear message
 * rather than hanging the window).
 */
import { utilityProcess, type UtilityProcess } from 'electron';
import type { ApiMethod } from '../shared/apiValidation.js';
import type { LoopEvent } from '../shared/loop.js';
import type { FromHost, HostInit, Reply, ToHost } from './hostProtocol.js';

/** How long quitting waits for the host to pause a running loop before it is killed. */
const SHUTDOWN_WAIT_MS = 15_000;

export class EngineHost {
  private child: UtilityProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, (r: Reply) => void>();
  private readonly listeners = new Set<(e: LoopEvent) => void>();

  constructor(
    private readonly modulePath: string,
    private readonly init: Omit<HostInit, 'type'>,
  ) {}

  onEvent(listener: (e: LoopEvent) => void): void {
    this.listeners.add(listener);
  }

  call(method: ApiMethod, args: unknown[]): Promise<Reply> {
    const child = this.ensure();
    const id = this.nextId++;
    return new Promise<Reply>((resolve) => {
      this.pending.set(id, resolve);
      this.send(child, { type: 'call', id, method, args });
    });
  }

  /** Asks the host to pause its loop and exit; kills it if that takes longer than SHUTDOWN_WAIT_MS. */
  async shutdown(): Promise<void> {
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve();
      }, SHUTDOWN_WAIT_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.send(child, { type: 'shutdown' });
    });
  }

  private send(child: UtilityProcess, message: ToHost): void {
    child.postMessage(message);
  }

  private ensure(): UtilityProcess {
    if (this.child) return this.child;
    const child = utilityProcess.fork(this.modulePath, [], { serviceName: 'Ouroboros engine host', stdio: 'inherit' });
    this.child = child;
    child.on('message', (m: FromHost) => {
      if (m.type === 'reply') {
        const resolve = this.pending.get(m.id);
        this.pending.delete(m.id);
        resolve?.(m.reply);
      } else if (m.type === 'event') {
        for (const l of this.listeners) l(m.event);
      }
    });
    child.on('exit', (code: number) => {
      if (this.child === child) this.child = undefined;
      const reply: Reply = {
        ok: false,
        error: { name: 'HostError', code: 'unavailable', message: `the engine host process stopped (exit code ${code}); try again to restart it` },
      };
      for (const resolve of this.pending.values()) resolve(reply);
      this.pending.clear();
    });
    this.send(child, { type: 'init', ...this.init });
    return child;
  }
}
