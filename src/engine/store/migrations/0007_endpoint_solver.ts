/**
 * Answers from a model behind an OpenAI-compatible endpoint (solver/external): how each stored confidence was
 * obtained (`confidence_method`; NULL for rows written before, which are all the built-in solver's
 * teacher-forced confidences), and a cache of the endpoint's responses keyed by what was asked (model, prompt,
 * images, sampling settings), so a resumed run, a re-run evaluation or a repeated question never asks again.
 */
import type { Migration } from './types.js';

export const migration0007: Migration = {
  version: 7,
  name: 'endpoint solver',
  up(db) {
    db.exec(`
      ALTER TABLE solver_outputs ADD COLUMN confidence_method TEXT;
      CREATE TABLE endpoint_responses (
        -- sha256 of the request's defining content (solver/external/responseCache.ts)
        key        TEXT PRIMARY KEY CHECK (length(key) = 64),
        model      TEXT NOT NULL,
        -- {content, tokens: [{token, logprob, top: [{token, logprob}]}]}
        response   TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
