/**
 * The one stylesheet parses as written: every rule is closed before the next begins. Chromium reads an unclosed
 * rule's followers as nested rules (CSS nesting), so a brace lost in a merge silently turned off every rule after
 * it (the scene tools, the measure and axis labels, the analysis views) without any error.
 */
import { describe, expect, it } from 'vitest';

describe('styles.css', () => {
  it('nests rules only inside @-rules, and closes every one', async () => {
    // Node's fs typed by hand: this folder is type-checked without Node types, and vitest serves CSS imports empty.
    const { readFileSync } = (await import('node:fs' as string)) as { readFileSync(path: URL, encoding: 'utf8'): string };
    const text = readFileSync(new URL('../../../src/renderer/src/styles.css', import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
    expect(text.length).toBeGreaterThan(10_000);
    const open: { line: number; atRule: boolean }[] = [];
    const problems: string[] = [];
    let start = 0;
    text.split('\n').forEach((line, i) => {
      for (let c = 0; c < line.length; c++) {
        if (line[c] === '{') {
          const head = text.slice(start, text.split('\n').slice(0, i).join('\n').length + 1 + c).trim();
          const atRule = head.startsWith('@');
          if (open.length > 0 && !open.at(-1)!.atRule) problems.push(`line ${i + 1}: '${head}' opens inside the rule of line ${open.at(-1)!.line}, which is not closed`);
          open.push({ line: i + 1, atRule });
          start = text.split('\n').slice(0, i).join('\n').length + 1 + c + 1;
        } else if (line[c] === '}') {
          open.pop();
          start = text.split('\n').slice(0, i).join('\n').length + 1 + c + 1;
        } else if (line[c] === ';') {
          start = text.split('\n').slice(0, i).join('\n').length + 1 + c + 1;
        }
      }
    });
    expect(problems).toEqual([]);
    expect(open.map((o) => `line ${o.line} is never closed`)).toEqual([]);
  });
});
