/** Fan-out of loop events to the transports' subscribers. */
import type { LoopEvent } from '../../shared/loop.js';

export type LoopListener = (event: LoopEvent) => void;

export class EventHub {
  private readonly listeners = new Set<LoopListener>();

  subscribe(listener: LoopListener): () => void {
    // A wrapper per subscription, so the same function subscribed twice is two subscriptions.
    const entry: LoopListener = (e) => listener(e);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  emit(event: LoopEvent): void {
    for (const l of [...this.listeners]) {
      // A subscriber that throws (a closed socket, a destroyed window) must not stop the run that emits.
      try {
        l(event);
      } catch {
        // the transport drops that subscriber itself when its connection goes
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
