/** Fails a test that logged a console error or warning (React's warnings included): each renderer test file calls this once. */
import { afterEach, beforeEach, expect, vi, type MockInstance } from 'vitest';

export function failOnConsoleErrors(): void {
  let errors: MockInstance;
  let warns: MockInstance;
  beforeEach(() => {
    errors = vi.spyOn(console, 'error');
    warns = vi.spyOn(console, 'warn');
  });
  afterEach(() => {
    const calls = [...errors.mock.calls, ...warns.mock.calls];
    errors.mockRestore();
    warns.mockRestore();
    expect(calls.map((c) => c.map(String).join(' '))).toEqual([]);
  });
}
