/** The QA explorer's export: every row of the filtered set, with its latest prediction, as CSV or JSON Lines. */
import type { QaRecord } from '../../../shared/records.js';
import { csvLine } from '../../../shared/csv.js';
import type { QaFilter } from './qaFilter.js';

export const QA_CSV_COLUMNS = [
  'id',
  'runId',
  'round',
  'sceneId',
  'family',
  'bin',
  'difficulty',
  'question',
  'options',
  'answerType',
  'answer',
  'prediction',
  'confidence',
  'bucket',
  'verdict',
  'rejectedBy',
  'reason',
  'trainedRound',
  'proposalId',
  'seed',
] as const;

export function qaCsvFields(qa: QaRecord): unknown[] {
  return [
    qa.id,
    qa.runId,
    qa.round,
    qa.sceneId,
    qa.family,
    qa.bin,
    JSON.stringify(qa.difficulty),
    qa.question,
    qa.options ? qa.options.join(' | ') : '',
    qa.answerType,
    qa.answer,
    qa.prediction,
    qa.confidence,
    qa.bucket,
    qa.verdict,
    qa.rejectedBy,
    qa.reason,
    qa.trainedRound,
    qa.proposalId,
    qa.seed,
  ];
}

export function qaCsvHeader(): string {
  return `${csvLine(QA_CSV_COLUMNS)}\r\n`;
}

export function qaCsvRow(qa: QaRecord): string {
  return `${csvLine(qaCsvFields(qa))}\r\n`;
}

export function qaJsonlLine(qa: QaRecord): string {
  return `${JSON.stringify(qa)}\n`;
}

export type ExportFormat = 'csv' | 'jsonl';

export function exportFilename(filter: QaFilter, format: ExportFormat): string {
  const parts = ['qa', filter.runId ?? 'run'];
  if (filter.round !== undefined) parts.push(`it${filter.round}`);
  if (filter.family) parts.push(filter.family);
  if (filter.bucket) parts.push(filter.bucket);
  if (filter.verdict) parts.push(filter.verdict);
  if (filter.bin !== undefined) parts.push(`bin${filter.bin}`);
  if (filter.sceneId) parts.push(filter.sceneId);
  const base = parts.join('-').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120);
  return `${base}.${format}`;
}

export function exportMime(format: ExportFormat): string {
  return format === 'csv' ? 'text/csv;charset=utf-8' : 'application/x-ndjson;charset=utf-8';
}
