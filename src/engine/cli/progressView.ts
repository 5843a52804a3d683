/**
 * Loop events as terminal progress: on a TTY one redrawn line with a bar, the rate and an ETA; elsewhere (logs,
 * CI) one line per finished stage, so output stays readable when captured.
 */
import type { LoopEvent } from '../../shared/loop.js';
import { printableText } from './terminalText.js';

interface Writable {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

function eta(done: number, total: number, perSecond: number | undefined): string {
  if (!perSecond || perSecond <= 0 || done >= total) return '';
  const s = (total - done) / perSecond;
  return s >= 60 ? ` ETA ${Math.floor(s / 60)}m${Math.round(s % 60).toString().padStart(2, '0')}s` : ` ETA ${s.toFixed(0)}s`;
}

export function progressLine(e: Extract<LoopEvent, { type: 'progress' }>, width = 24): string {
  const frac = e.total > 0 ? Math.min(1, e.done / e.total) : 1;
  const filled = Math.round(frac * width);
  const rate = e.perSecond ? ` ${e.perSecond >= 100 ? e.perSecond.toFixed(0) : e.perSecond.toFixed(1)} ${e.unit}/s` : '';
  return `round ${e.round} ${e.stage.padEnd(8)} [${'█'.repeat(filled)}${'·'.repeat(width - filled)}] ${e.done}/${e.total} ${e.unit}${rate}${eta(e.done, e.total, e.perSecond)}`;
}

export class ProgressView {
  private live = false;

  constructor(
    private readonly out: Writable,
    private readonly quiet = false,
  ) {}

  private clear(): void {
    if (this.live) this.out.write('\r\x1b[2K');
    this.live = false;
  }

  /** A line (or lines) of text; control characters in it are shown, not sent to the terminal (terminalText.ts). */
  note(message: string): void {
    this.clear();
    this.out.write(`${printableText(message, Number.POSITIVE_INFINITY)}\n`);
  }

  event(e: LoopEvent): void {
    // The loop's messages may quote scene ids and labels from files: long lines are shortened as well.
    if (e.type === 'log') {
      this.note(printableText(`${e.level === 'info' ? '' : `${e.level}: `}${e.message}`));
      return;
    }
    if (this.quiet) return;
    if (e.type === 'progress' && this.out.isTTY) {
      const line = progressLine(e);
      this.out.write(`\r\x1b[2K${line.slice(0, (this.out.columns ?? 120) - 1)}`);
      this.live = true;
    } else if (e.type === 'stage' && e.phase === 'end') {
      const where = e.round < 0 ? 'setup' : `round ${e.round}`;
      this.note(printableText(`${where} ${e.stage.padEnd(8)} ${((e.ms ?? 0) / 1000).toFixed(1).padStart(6)} s  ${e.detail ?? ''}`));
    } else if (e.type === 'run' && e.message) {
      this.note(printableText(`run ${e.status}: ${e.message}`));
    }
  }

  finish(): void {
    this.clear();
  }
}
