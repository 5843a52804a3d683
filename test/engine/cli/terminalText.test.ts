/** Hostile ids and messages printed by the CLI cannot act on the terminal (issue 11, item 10). */
import { describe, expect, it } from 'vitest';
import { ProgressView } from '../../../src/engine/cli/progressView.js';
import { MAX_PRINTED_ID, MAX_PRINTED_LINE, printableId, printableText } from '../../../src/engine/cli/terminalText.js';

/** Anything a terminal would act on instead of showing: C0 (NUL, ESC, CR, …), DEL, C1 (CSI 0x9B, …), bidi controls. */
const ACTS_ON_TERMINAL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

const HOSTILE = [
  '\u001b[2J\u001b[31mred',
  'a\u0000b',
  '\u001b]0;owned\u0007title',
  '\u009b31mcsi',
  'ok\roverwritten',
  'abc\u202edcba',
  'line\nbreak\ttab',
  `${'x'.repeat(100_000)}\u001b[0m`,
];

describe('printableId', () => {
  it('leaves ordinary ids, any language and emoji included, unchanged', () => {
    for (const id of ['synthetic:synthetic-0-12', 'scannet:scene0000_00', 'arkitscenes:41069025', 'ply:Küche – 客厅 🛋', 'x'.repeat(MAX_PRINTED_ID)]) {
      expect(printableId(id)).toBe(id);
    }
  });

  it('shows control characters escaped and never emits ESC, NUL or another terminal control', () => {
    for (const id of HOSTILE) expect(printableId(id)).not.toMatch(ACTS_ON_TERMINAL);
    expect(printableId('\u001b[31mred\u0000')).toBe('\\x1B[31mred\\x00');
    expect(printableId('abc\u202edcba')).toBe('abc\\u202Edcba');
    expect(printableId('a\tb\nc')).toBe('a\\x09b\\x0Ac');
  });

  it('shortens very long ids to their start and end around an ellipsis, and shows an empty one', () => {
    const long = `start-${'x'.repeat(100_000)}-end`;
    const shown = printableId(long);
    expect(Array.from(shown)).toHaveLength(MAX_PRINTED_ID);
    expect(shown).toMatch(/^start-x+…x+-end$/);
    // No surrogate pair is cut in half.
    expect(printableId('🛋'.repeat(1000))).toBe(`${'🛋'.repeat(MAX_PRINTED_ID - 1 - 99)}…${'🛋'.repeat(99)}`);
    expect(printableId('')).toBe('""');
  });
});

describe('printableText', () => {
  it('keeps newlines and tabs, escapes other controls, and shortens very long lines', () => {
    expect(printableText('a: b\n\tc')).toBe('a: b\n\tc');
    expect(printableText('no scene "\u001b[2J"\nnext')).toBe('no scene "\\x1B[2J"\nnext');
    for (const t of HOSTILE) expect(printableText(t)).not.toMatch(ACTS_ON_TERMINAL);
    const line = printableText(`no scene "${'y'.repeat(100_000)}"`);
    expect(Array.from(line)).toHaveLength(MAX_PRINTED_LINE);
    expect(printableText('z'.repeat(5000), Number.POSITIVE_INFINITY)).toBe('z'.repeat(5000));
  });
});

describe('the loop progress view', () => {
  it('prints loop messages that quote hostile ids without ESC or NUL', () => {
    let written = '';
    const view = new ProgressView({ write: (s: string) => (written += s) });
    for (const id of HOSTILE) {
      view.event({ type: 'log', runId: 'r', level: 'warn', message: `scene ${id} skipped` });
      view.event({ type: 'stage', runId: 'r', round: 0, stage: 'filter', phase: 'end', ms: 5, detail: `dropped ${id}` });
      view.event({ type: 'run', runId: 'r', status: 'failed', message: `scene ${id} is broken` });
    }
    expect(written).toMatch(/warn: scene \\x1B\[2J\\x1B\[31mred skipped/);
    expect(written).not.toMatch(ACTS_ON_TERMINAL);
  });
});
