/**
 * The tables of the whole loop, designed up front so later stages only fill them. Conventions: times are
 * INTEGER milliseconds since the epoch, JSON columns are TEXT, a (run_id, iteration) pair always references
 * iterations so nothing can belong to a round that does not exist, and deleting a run cascades to everything
 * the run produced (scenes and blobs are shared between runs and stay).
 */
import type { Migration } from './types.js';

export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE blobs (
        hash       TEXT PRIMARY KEY CHECK (length(hash) = 64),
        size       INTEGER NOT NULL CHECK (size >= 0),
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE scenes (
        id           TEXT PRIMARY KEY,
        dataset      TEXT NOT NULL,
        source       TEXT NOT NULL,
        source_id    TEXT NOT NULL,
        -- {objects (without pointIndices), room, trajectory, provenance}
        metadata     TEXT NOT NULL,
        -- point cloud + objects' point indices (pointCloudCodec); NULL for scenes without points
        points_blob  TEXT REFERENCES blobs(hash),
        object_count INTEGER NOT NULL,
        point_count  INTEGER NOT NULL,
        frame_count  INTEGER NOT NULL,
        room_area    REAL NOT NULL,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL
      );
      CREATE INDEX scenes_by_dataset ON scenes(dataset, id);
      CREATE INDEX scenes_by_blob ON scenes(points_blob) WHERE points_blob IS NOT NULL;

      CREATE TABLE runs (
        id           TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        mode         TEXT NOT NULL,
        config       TEXT NOT NULL,
        seeds        TEXT NOT NULL,
        code_version TEXT NOT NULL,
        status       TEXT NOT NULL,
        provider     TEXT NOT NULL,
        error        TEXT,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL
      );
      CREATE INDEX runs_by_created ON runs(created_at, id);

      CREATE TABLE run_scenes (
        run_id   TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        scene_id TEXT NOT NULL REFERENCES scenes(id),
        split    TEXT NOT NULL CHECK (split IN ('train', 'heldout')),
        PRIMARY KEY (run_id, scene_id)
      ) WITHOUT ROWID;
      CREATE INDEX run_scenes_by_scene ON run_scenes(scene_id);

      CREATE TABLE iterations (
        run_id         TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        idx            INTEGER NOT NULL CHECK (idx >= 0),
        status         TEXT NOT NULL,
        stage          TEXT,
        started_at     INTEGER,
        finished_at    INTEGER,
        proposed_count INTEGER NOT NULL DEFAULT 0,
        accepted_count INTEGER NOT NULL DEFAULT 0,
        rejected_count INTEGER NOT NULL DEFAULT 0,
        easy_count     INTEGER NOT NULL DEFAULT 0,
        frontier_count INTEGER NOT NULL DEFAULT 0,
        hard_count     INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, idx)
      ) WITHOUT ROWID;

      CREATE TABLE qa (
        id              INTEGER PRIMARY KEY,
        run_id          TEXT NOT NULL,
        iteration       INTEGER NOT NULL,
        scene_id        TEXT NOT NULL REFERENCES scenes(id),
        proposal_id     TEXT NOT NULL,
        proposer        TEXT NOT NULL,
        family          TEXT NOT NULL,
        difficulty      TEXT NOT NULL,
        bin             INTEGER NOT NULL,
        question        TEXT NOT NULL,
        options         TEXT,
        answer_type     TEXT NOT NULL,
        -- no declared type on purpose: keeps a numeric answer a number and a choice letter text
        answer,
        program         TEXT NOT NULL,
        program_result  TEXT NOT NULL,
        verdict         TEXT NOT NULL CHECK (verdict IN ('accepted', 'rejected')),
        rejected_by     TEXT,
        reason          TEXT,
        filter_verdicts TEXT NOT NULL,
        extra           TEXT NOT NULL DEFAULT '{}',
        seed            INTEGER NOT NULL,
        created_at      INTEGER NOT NULL,
        FOREIGN KEY (run_id, iteration) REFERENCES iterations(run_id, idx) ON DELETE CASCADE
      );
      CREATE INDEX qa_by_run ON qa(run_id, iteration, family);
      CREATE INDEX qa_by_scene ON qa(scene_id);

      CREATE TABLE checkpoints (
        id             INTEGER PRIMARY KEY,
        run_id         TEXT NOT NULL,
        iteration      INTEGER NOT NULL,
        blob_hash      TEXT NOT NULL REFERENCES blobs(hash),
        config         TEXT NOT NULL,
        optimizer_step INTEGER NOT NULL,
        created_at     INTEGER NOT NULL,
        FOREIGN KEY (run_id, iteration) REFERENCES iterations(run_id, idx) ON DELETE CASCADE
      );
      CREATE INDEX checkpoints_by_run ON checkpoints(run_id, iteration);
      CREATE INDEX checkpoints_by_blob ON checkpoints(blob_hash);

      CREATE TABLE solver_outputs (
        id                 INTEGER PRIMARY KEY,
        qa_id              INTEGER NOT NULL REFERENCES qa(id) ON DELETE CASCADE,
        run_id             TEXT NOT NULL,
        iteration          INTEGER NOT NULL,
        checkpoint_id      INTEGER REFERENCES checkpoints(id) ON DELETE SET NULL,
        prediction         TEXT NOT NULL,
        confidence         REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
        bucket             TEXT NOT NULL CHECK (bucket IN ('easy', 'frontier', 'hard')),
        answer_token_probs TEXT NOT NULL,
        created_at         INTEGER NOT NULL,
        FOREIGN KEY (run_id, iteration) REFERENCES iterations(run_id, idx) ON DELETE CASCADE
      );
      CREATE INDEX solver_outputs_by_qa ON solver_outputs(qa_id, iteration);
      CREATE INDEX solver_outputs_by_run ON solver_outputs(run_id, iteration, bucket);
      CREATE INDEX solver_outputs_by_checkpoint ON solver_outputs(checkpoint_id) WHERE checkpoint_id IS NOT NULL;

      CREATE TABLE training_stats (
        id         INTEGER PRIMARY KEY,
        run_id     TEXT NOT NULL,
        iteration  INTEGER NOT NULL,
        step       INTEGER NOT NULL,
        loss       REAL NOT NULL,
        lr         REAL NOT NULL,
        grad_norm  REAL,
        elapsed_ms REAL NOT NULL,
        FOREIGN KEY (run_id, iteration) REFERENCES iterations(run_id, idx) ON DELETE CASCADE
      );
      CREATE INDEX training_stats_by_run ON training_stats(run_id, iteration, step);

      CREATE TABLE benchmark_sets (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        created_at  INTEGER NOT NULL
      );

      CREATE TABLE benchmark_questions (
        id          INTEGER PRIMARY KEY,
        set_id      TEXT NOT NULL REFERENCES benchmark_sets(id) ON DELETE CASCADE,
        scene_id    TEXT NOT NULL REFERENCES scenes(id),
        family      TEXT NOT NULL,
        question    TEXT NOT NULL,
        options     TEXT,
        answer_type TEXT NOT NULL,
        answer      NOT NULL,
        metadata    TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX benchmark_questions_by_set ON benchmark_questions(set_id, family);
      CREATE INDEX benchmark_questions_by_scene ON benchmark_questions(scene_id);

      CREATE TABLE metrics (
        id               INTEGER PRIMARY KEY,
        run_id           TEXT NOT NULL,
        iteration        INTEGER NOT NULL,
        benchmark_set_id TEXT NOT NULL REFERENCES benchmark_sets(id),
        family           TEXT,
        metric           TEXT NOT NULL,
        value            REAL NOT NULL,
        n                INTEGER NOT NULL CHECK (n >= 0),
        created_at       INTEGER NOT NULL,
        FOREIGN KEY (run_id, iteration) REFERENCES iterations(run_id, idx) ON DELETE CASCADE
      );
      -- family NULL is the all-families figure; coalesce makes it unique too (NULLs never collide in UNIQUE).
      CREATE UNIQUE INDEX metrics_key ON metrics(run_id, iteration, benchmark_set_id, coalesce(family, ''), metric);
      CREATE INDEX metrics_by_set ON metrics(benchmark_set_id);

      CREATE TABLE controller_decisions (
        run_id         TEXT NOT NULL,
        iteration      INTEGER NOT NULL,
        strategy       TEXT NOT NULL,
        weights_before TEXT NOT NULL,
        weights_after  TEXT NOT NULL,
        stats          TEXT NOT NULL,
        reason         TEXT NOT NULL,
        created_at     INTEGER NOT NULL,
        PRIMARY KEY (run_id, iteration),
        FOREIGN KEY (run_id, iteration) REFERENCES iterations(run_id, idx) ON DELETE CASCADE
      ) WITHOUT ROWID;
    `);
  },
};
