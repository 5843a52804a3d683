/**
 * What Electron main and the engine host's utility process say to each other over its message port. Values
 * are structured-cloned, so typed arrays (point clouds, PNG bytes) cross as they are. Errors cross as the
 * host's ErrorPayload, never as stacks.
 */
import type { ApiMethod } from '../shared/apiValidation.js';
import type { LoopEvent } from '../shared/loop.js';
import type { ErrorPayload } from '../engine/host/errors.js';

export interface HostInit {
  type: 'init';
  workspaceDir: string;
  readonly: boolean;
  appVersion: string;
}

export type ToHost = HostInit | { type: 'call'; id: number; method: ApiMethod; args: unknown[] } | { type: 'shutdown' };

export type Reply = { ok: true; value: unknown } | { ok: false; error: ErrorPayload };

export type FromHost = { type: 'reply'; id: number; reply: Reply } | { type: 'event'; event: LoopEvent } | { type: 'ready' } | { type: 'closed' };

/** IPC channel of each API method between preload and main. */
export const channelOf = (method: ApiMethod): string => `workbench:${method}`;
export const EVENT_CHANNEL = 'workbench:event';
