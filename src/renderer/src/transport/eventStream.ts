/**
 * Loop events over browser mode's WebSocket (`/api/events`). One socket however many views subscribe, opened
 * with the first subscriber and closed with the last; when it drops (server restarted, laptop slept) it
 * reconnects with growing pauses, since a missed event only delays the view until the next one arrives.
 */
import type { LoopEvent } from '../../../shared/loop.js';

/** The part of the browser's WebSocket this uses; tests pass a Node implementation. */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

export interface EventStreamOptions {
  url: string;
  socket: SocketFactory;
  /** First reconnect pause (ms), doubled up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Told when the stream connects and drops, e.g. for a "live updates paused" hint. */
  onStatus?: (connected: boolean) => void;
}

export class EventStream {
  private readonly listeners = new Set<(e: LoopEvent) => void>();
  private socket: SocketLike | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryMs: number;

  constructor(private readonly options: EventStreamOptions) {
    this.retryMs = options.retryMs ?? 500;
  }

  subscribe(listener: (e: LoopEvent) => void): () => void {
    const entry = (e: LoopEvent): void => listener(e);
    this.listeners.add(entry);
    if (this.listeners.size === 1) this.open();
    return () => {
      if (!this.listeners.delete(entry)) return;
      if (this.listeners.size === 0) this.shut();
    };
  }

  private open(): void {
    if (this.socket || this.listeners.size === 0) return;
    let ws: SocketLike;
    try {
      ws = this.options.socket(this.options.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = ws;
    ws.onopen = () => {
      this.retryMs = this.options.retryMs ?? 500;
      this.options.onStatus?.(true);
    };
    ws.onmessage = (m) => {
      if (typeof m.data !== 'string') return;
      let event: LoopEvent;
      try {
        event = JSON.parse(m.data) as LoopEvent;
      } catch {
        return;
      }
      for (const l of [...this.listeners]) {
        try {
          l(event);
        } catch (e) {
          // One view's bug must not starve the others of events.
          console.error('loop event listener failed', e);
        }
      }
    };
    ws.onerror = () => {};
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = undefined;
      this.options.onStatus?.(false);
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (this.listeners.size === 0 || this.retryTimer) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.options.maxRetryMs ?? 10_000, this.retryMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.open();
    }, wait);
  }

  private shut(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const ws = this.socket;
    this.socket = undefined;
    ws?.close(1000, 'no subscribers');
  }
}
