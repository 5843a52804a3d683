/**
 * Store failures that a person can act on (a newer workspace, a corrupt blob, a missing record). They name the
 * file or record involved so the CLI and the UI can show the message as it is. Bugs and SQLite's own
 * constraint errors are left as they are.
 */
export type StoreErrorCode =
  | 'open-failed'
  | 'not-a-workspace'
  | 'schema-too-new'
  | 'schema-too-old'
  | 'readonly'
  | 'not-found'
  | 'invalid-state'
  | 'blob-missing'
  | 'blob-corrupt'
  | 'corrupt-record';

export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}
