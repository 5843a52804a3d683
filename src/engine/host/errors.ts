/**
 * Failures of host requests that a person can act on (a second run while one is running, a run another process
 * executes), and the one plain shape every error takes when it crosses a process boundary, so the renderer
 * shows the same sentence over IPC and HTTP whatever threw it.
 */
import { InputError, type InputProblem } from '../../shared/errors.js';
import { StoreError } from '../store/errors.js';

export type HostErrorCode = 'busy' | 'readonly' | 'elsewhere' | 'unavailable';

export class HostError extends Error {
  readonly code: HostErrorCode;

  constructor(code: HostErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HostError';
    this.code = code;
  }
}

/** An error as it travels: JSON-able, no stack (the stack is logged where it happened, not shown). */
export interface ErrorPayload {
  /** `InputError`, `StoreError`, `HostError`, or `Error` for anything unexpected. */
  name: string;
  code?: string;
  message: string;
  problems?: InputProblem[];
}

export function toErrorPayload(e: unknown): ErrorPayload {
  if (e instanceof InputError) return { name: 'InputError', code: 'invalid-input', message: e.message, problems: e.problems };
  if (e instanceof StoreError || e instanceof HostError) return { name: e.name, code: e.code, message: e.message };
  if (e instanceof Error) return { name: 'Error', message: e.message || e.name };
  return { name: 'Error', message: String(e) };
}

/** Whether the error is the caller's doing (bad input, missing record, wrong state) rather than a bug. */
export function isExpectedError(e: unknown): boolean {
  return e instanceof InputError || e instanceof StoreError || e instanceof HostError;
}

/**
 * The error again on the receiving side of a process boundary, as the class the sender threw, so callers' checks
 * (`instanceof InputError`, `isDiskFull`, HTTP status by code) work the same whichever process the work ran in.
 */
export function fromErrorPayload(p: ErrorPayload): Error {
  if (p.name === 'InputError') return new InputError(p.problems && p.problems.length > 0 ? p.problems : [{ message: p.message }]);
  if (p.name === 'StoreError' && p.code !== undefined) return new StoreError(p.code as StoreError['code'], p.message);
  if (p.name === 'HostError' && p.code !== undefined) return new HostError(p.code as HostErrorCode, p.message);
  return new Error(p.message);
}
