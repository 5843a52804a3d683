/**
 * Writing export files safely: every file appears whole or not at all (temp file in the same folder, then a
 * rename, which is atomic on one file system), and an output folder that already holds something is only
 * written into when the caller says so, so a second export never silently mixes with or replaces a first.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../../shared/errors.js';

let tempCounter = 0;

/** Writes `data` to `path` via a temp file beside it and a rename; the folder must exist. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  // pid + counter keep two writers (or two calls in one process) off each other's temp file.
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${tempCounter++}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx');
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    // Flushed before the rename, so a crash cannot leave a renamed file whose contents never reached the disk.
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw e;
  }
}

/**
 * A file written piece by piece that appears whole or not at all, like writeFileAtomic: for output too large to
 * build as one string first. The temp file is created with the first write.
 */
export class AtomicFileWriter {
  private readonly temp: string;
  private fd: number | undefined;
  private done = false;

  constructor(readonly path: string) {
    this.temp = join(dirname(path), `.${basename(path)}.${process.pid}.${tempCounter++}.tmp`);
  }

  write(data: string): void {
    if (this.done) throw new Error(`${this.path} was already committed or aborted`);
    try {
      this.fd ??= openSync(this.temp, 'wx');
      const bytes = Buffer.from(data, 'utf8');
      let at = 0;
      while (at < bytes.length) at += writeSync(this.fd, bytes, at, bytes.length - at);
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  commit(): void {
    try {
      this.fd ??= openSync(this.temp, 'wx');
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
      renameSync(this.temp, this.path);
      this.done = true;
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** Removes the temp file; safe to call more than once and after a failed write. */
  abort(): void {
    this.done = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.temp, { force: true });
  }
}

/**
 * Makes sure `dir` exists and may be written. An existing folder with anything in it is refused unless
 * `overwrite`; then files of the same name are replaced and other files are left as they are.
 */
export function prepareOutputDir(dir: string, overwrite: boolean, field = 'out'): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new InputError({ field, message: `${dir} exists and is not a folder` });
    const entries = readdirSync(dir);
    if (entries.length > 0 && !overwrite) {
      const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
      throw new InputError({ field, message: `${dir} is not empty (${shown}); choose an empty or new folder, or pass --overwrite to replace files of the same name` });
    }
    return;
  }
  mkdirSync(dir, { recursive: true });
}

/** Refuses to replace an existing file unless `overwrite`, then makes sure its folder exists. */
export function prepareOutputFile(path: string, overwrite: boolean, field = 'out'): void {
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) throw new InputError({ field, message: `${path} is a folder; expected a file path` });
    if (!overwrite) throw new InputError({ field, message: `${path} already exists; choose another path or pass --overwrite` });
  }
  mkdirSync(dirname(path), { recursive: true });
}
