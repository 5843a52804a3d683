/** JSON columns: parse failures name the record and column, since they mean the file was edited or damaged. */
import { StoreError } from './errors.js';

export function fromJson<T>(text: string | null, where: string): T {
  if (text === null) throw new StoreError('corrupt-record', `${where}: expected JSON, found NULL`);
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new StoreError('corrupt-record', `${where}: invalid JSON (${(e as Error).message})`, { cause: e });
  }
}

export function fromJsonOrNull<T>(text: string | null, where: string): T | null {
  return text === null ? null : fromJson<T>(text, where);
}

export const toJson = (value: unknown): string => JSON.stringify(value);

/** SQL for an optional equality filter set, with its parameters in order. */
export function whereClause(conditions: [column: string, value: unknown][]): { sql: string; params: unknown[] } {
  const used = conditions.filter(([, v]) => v !== undefined);
  return {
    sql: used.length === 0 ? '' : `WHERE ${used.map(([c]) => `${c} = ?`).join(' AND ')}`,
    params: used.map(([, v]) => v),
  };
}
