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
  | 'corrupt-record'
  | 'disk-full';

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

/** How every disk-full message starts. */
export const DISK_FULL_LEAD = 'the disk is full: ';

/** SQLite's "database or disk is full" and the file system's "no space left" / "quota exceeded". */
const DISK_FULL_CODES: ReadonlySet<string> = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);
/** The same, for an error that crossed a process boundary as text (a worker's or a child's message). */
const DISK_FULL_TEXT = /\b(?:SQLITE_FULL|ENOSPC|EDQUOT)\b|database or disk is full|no space left on device|disk quota exceeded/i;

/**
 * Whether `e` (or an error it wraps, through `cause`) says the disk is full: better-sqlite3's SqliteError with code
 * SQLITE_FULL, an fs error with code ENOSPC or EDQUOT, or a `disk-full` StoreError. A full disk is not the run's
 * fault: once there is space again the same work redone gives the same result (issue 11, item 8).
 */
export function isDiskFull(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x !== null && x !== undefined && depth < 8; depth++) {
    if (x instanceof StoreError) {
      if (x.code === 'disk-full') return true;
    } else if (typeof x === 'object') {
      const code = (x as { code?: unknown }).code;
      if (typeof code === 'string' && DISK_FULL_CODES.has(code)) return true;
      if (x instanceof Error && DISK_FULL_TEXT.test(x.message)) return true;
    }
    x = x instanceof Error ? x.cause : undefined;
  }
  return false;
}

/**
 * The disk-full error that names what could not be written and the workspace whose disk it is, so the person
 * knows which disk to free space on. A `disk-full` StoreError is returned as it is (it already names its file);
 * another disk-full error names the file the system reported (an fs error's `path`), else `target`.
 */
export function diskFullError(e: unknown, where: { workspaceDir: string; target: string }): StoreError {
  if (isStoreError(e, 'disk-full')) return e;
  // Already said, e.g. by a helper run that stopped on it: keep the sentence, do not nest it.
  if (e instanceof Error && e.message.includes(DISK_FULL_LEAD)) return new StoreError('disk-full', e.message, { cause: e });
  const path = e instanceof Error && typeof (e as NodeJS.ErrnoException).path === 'string' ? (e as NodeJS.ErrnoException).path! : where.target;
  const reason = e instanceof Error ? e.message : String(e);
  return new StoreError('disk-full', `${DISK_FULL_LEAD}could not write ${path} (workspace ${where.workspaceDir}): ${reason}`, { cause: e });
}
