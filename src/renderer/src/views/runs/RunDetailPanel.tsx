import { useEffect, useState } from 'react';
import type { RunSummary } from '../../../../shared/api.js';
import { MAX_NOTES_CHARS, MAX_RUN_NAME_CHARS, MAX_TAG_CHARS, MAX_TAGS } from '../../../../shared/apiValidation.js';
import { evalTrainingWarning } from '../../../../shared/evalScenes.js';
import type { ProposerRoundStats } from '../../../../shared/loop.js';
import { LOOP_STAGES } from '../../../../shared/records.js';
import { useApp, useRuns, useStores } from '../../context.js';
import { Empty } from '../../components/Empty.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { useNow } from '../../components/useNow.js';
import { BUCKET_COLORS } from '../../lib/colorScale.js';
import { formatCount, formatMs, formatPercent, formatScore, formatTime } from '../../lib/format.js';
import { EMPTY_LIVE, type LiveRun } from '../../state/runsStore.js';
import { DebiasedScores } from './DebiasedScores.js';
import { StatusBadge } from './RunList.js';
import { runFraction, runTiming } from '../../lib/runProgress.js';
import { canDelete, canResume, canStop, roundRows, plannedRounds, rowStageText, type BucketShares } from './runTable.js';

function SharesBar({ shares }: { shares: BucketShares | null }): React.JSX.Element {
  if (!shares) return <span className="muted">—</span>;
  const parts = (['easy', 'frontier', 'hard'] as const).map((b) => ({ b, v: shares[b] }));
  return (
    <div className="shares" title={parts.map((p) => `${p.b} ${formatPercent(p.v, 1)}`).join(' · ') + ` (n = ${shares.n})`}>
      <div className="shares-bar" aria-hidden="true">
        {parts.map((p) => (
          <span key={p.b} style={{ width: `${p.v * 100}%`, background: BUCKET_COLORS[p.b] }} />
        ))}
      </div>
      <span className="shares-text">
        {parts.map((p) => (
          <span key={p.b} className={`bucket-${p.b}`}>
            {formatPercent(p.v)}
          </span>
        ))}
      </span>
    </div>
  );
}

function LiveStages({ live, planned }: { live: LiveRun; planned: number | null }): React.JSX.Element | null {
  if (live.round === null) return null;
  const p = live.progress;
  // Before round 0 the run sets up (the held-out benchmark): the loop reports it as round −1, which is no round.
  if (live.round < 0) {
    const steps = LOOP_STAGES.flatMap((s) => (live.stages[s] ? [live.stages[s]] : []));
    const step = steps.at(-1);
    return (
      <div className="live" data-testid="live-stages">
        <div className="stage-strip" aria-label="Set-up">
          <span className="muted">Set-up{step?.state === 'running' && step.detail ? `: ${step.detail}` : ''}</span>
          <span className={`stage stage-${step?.state ?? 'todo'}`} title={step?.detail}>
            held-out benchmark
            {step?.state === 'done' && step.ms !== undefined ? ` ${formatMs(step.ms)}` : ''}
          </span>
          {step?.state === 'done' && step.detail ? <span className="muted small">{step.detail}</span> : null}
        </div>
      </div>
    );
  }
  return (
    <div className="live" data-testid="live-stages">
      <div className="stage-strip" aria-label={`Round ${live.round} stages`}>
        <span className="muted">
          Round {live.round}
          {planned !== null ? ` (${live.round + 1} of ${planned})` : ''}
        </span>
        {LOOP_STAGES.map((s) => {
          const st = live.stages[s];
          return (
            <span key={s} className={`stage stage-${st?.state ?? 'todo'}`} title={st?.detail ?? (st?.ms !== undefined ? formatMs(st.ms) : undefined)}>
              {s}
              {st?.state === 'done' && st.ms !== undefined ? ` ${formatMs(st.ms)}` : ''}
            </span>
          );
        })}
      </div>
      {p && (
        <ProgressBar
          value={p.total > 0 ? p.done / p.total : null}
          label={`${p.stage}: ${formatCount(p.done)} / ${formatCount(p.total)} ${p.unit}`}
          detail={p.perSecond !== undefined ? `${formatCount(p.perSecond)} ${p.unit}/s` : undefined}
        />
      )}
    </div>
  );
}

/** The run's name, shown as the panel's title, or an input while it is renamed (Enter saves, Escape cancels). */
function RunName({ run, disabled }: { run: RunSummary; disabled: boolean }): React.JSX.Element {
  const update = useRuns((s) => s.update);
  const [editing, setEditing] = useState<string | null>(null);
  if (editing === null) {
    return (
      <>
        <h2>{run.name}</h2>
        <button type="button" className="link" onClick={() => setEditing(run.name)} disabled={disabled} data-testid="rename-run" title="rename this run">
          Rename
        </button>
      </>
    );
  }
  const name = editing.trim();
  const ok = name !== '' && editing.length <= MAX_RUN_NAME_CHARS;
  const save = async (): Promise<void> => {
    if (!ok) return;
    if (name === run.name || (await update(run.id, { name }))) setEditing(null);
  };
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <input
        type="text"
        aria-label="Run name"
        value={editing}
        maxLength={MAX_RUN_NAME_CHARS}
        onChange={(e) => setEditing(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setEditing(null);
        }}
        autoFocus
        spellCheck={false}
        autoComplete="off"
        data-testid="run-name-input"
      />
      <button type="submit" disabled={!ok || disabled}>
        Save
      </button>
      <button type="button" className="link" onClick={() => setEditing(null)}>
        Cancel
      </button>
    </form>
  );
}

/** The run's tags: each removable, and a field that adds one on Enter. */
function RunTags({ run, disabled }: { run: RunSummary; disabled: boolean }): React.JSX.Element {
  const update = useRuns((s) => s.update);
  const [draft, setDraft] = useState('');
  const tag = draft.trim();
  const problem =
    tag === '' ? null : tag.length > MAX_TAG_CHARS ? `at most ${MAX_TAG_CHARS} characters` : run.tags.includes(tag) ? 'already there' : run.tags.length >= MAX_TAGS ? `at most ${MAX_TAGS} tags` : null;
  const add = async (): Promise<void> => {
    if (tag === '' || problem !== null) return;
    if (await update(run.id, { tags: [...run.tags, tag] })) setDraft('');
  };
  return (
    <div className="run-tags" data-testid="run-tags">
      <span className="muted small">Tags</span>
      {run.tags.map((t) => (
        <span key={t} className="chip" data-testid="run-tag">
          {t}
          <button type="button" className="link chip-remove" aria-label={`Remove tag ${t}`} disabled={disabled} onClick={() => void update(run.id, { tags: run.tags.filter((x) => x !== t) })}>
            ×
          </button>
        </span>
      ))}
      <input
        type="text"
        className="tag-input"
        placeholder="add a tag"
        aria-label="Add a tag"
        aria-invalid={problem !== null || undefined}
        title={problem ?? 'Enter adds it'}
        value={draft}
        disabled={disabled}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void add();
          }
        }}
        spellCheck={false}
        autoComplete="off"
        data-testid="tag-input"
      />
      {problem && <span className="field-error">{problem}</span>}
    </div>
  );
}

/** Free-text notes on the run, saved on demand (the field keeps what is typed until then). */
function RunNotes({ run, disabled }: { run: RunSummary; disabled: boolean }): React.JSX.Element {
  const update = useRuns((s) => s.update);
  const [text, setText] = useState(run.notes);
  // Another run selected, or the notes saved elsewhere: show what is stored.
  useEffect(() => setText(run.notes), [run.id, run.notes]);
  const changed = text !== run.notes;
  return (
    <div className="run-notes">
      <label htmlFor={`notes-${run.id}`} className="muted small">
        Notes
      </label>
      <textarea id={`notes-${run.id}`} rows={2} value={text} maxLength={MAX_NOTES_CHARS} disabled={disabled} onChange={(e) => setText(e.target.value)} data-testid="run-notes" />
      <button type="button" disabled={!changed || disabled} onClick={() => void update(run.id, { notes: text })} data-testid="save-notes">
        Save notes
      </button>
    </div>
  );
}

/** Deleting asks first: what goes, and that it cannot be undone. */
function ConfirmDelete({ run, rounds, checkpoints }: { run: RunSummary; rounds: number; checkpoints: number | null }): React.JSX.Element {
  const remove = useRuns((s) => s.remove);
  const ask = useRuns((s) => s.askDelete);
  const pending = useRuns((s) => !!s.pending[run.id]);
  return (
    <div className="banner banner-error confirm" role="alertdialog" aria-label={`Delete run ${run.name}`} data-testid="confirm-delete">
      <span>
        Delete run &quot;{run.name}&quot; ({run.id})? Its {rounds} round{rounds === 1 ? '' : 's'}, questions, answers, scores
        {checkpoints !== null ? ` and ${checkpoints} checkpoint${checkpoints === 1 ? '' : 's'}` : ' and checkpoints'} go, with the files no other run
        uses. This cannot be undone.
      </span>
      <button type="button" className="danger" disabled={pending} onClick={() => void remove(run.id)}>
        Delete run
      </button>
      <button type="button" onClick={() => ask(null)} disabled={pending}>
        Cancel
      </button>
    </div>
  );
}

/** The selected run: status and actions, live stage progress, per-round table, split, settings, log. */
export function RunDetailPanel(): React.JSX.Element | null {
  const detail = useRuns((s) => s.detail);
  const loading = useRuns((s) => s.detailLoading);
  const selectedId = useRuns((s) => s.selectedId);
  const run = useRuns((s) => s.runs?.find((r) => r.id === s.selectedId) ?? s.detail?.run ?? null);
  const live = useRuns((s) => (s.selectedId ? (s.live[s.selectedId] ?? EMPTY_LIVE) : EMPTY_LIVE));
  const pending = useRuns((s) => (s.selectedId ? !!s.pending[s.selectedId] : false));
  const confirming = useRuns((s) => s.confirmDeleteId !== null && s.confirmDeleteId === s.selectedId);
  const stop = useRuns((s) => s.stop);
  const resume = useRuns((s) => s.resume);
  const clone = useRuns((s) => s.clone);
  const askDelete = useRuns((s) => s.askDelete);
  const navigate = useApp((s) => s.navigate);
  const writable = useApp((s) => s.info?.writable ?? true);
  const stores = useStores();
  const now = useNow(run?.status === 'running');

  if (!selectedId) return null;
  if (!run) {
    return <div className="panel">{loading ? <ProgressBar value={null} label="Loading run" /> : <Empty title={`Run ${selectedId} not found`} />}</div>;
  }
  const planned = plannedRounds(run.config);
  const rows = roundRows(detail?.run.id === run.id ? detail : null, live, run.status);
  const timing = runTiming(run, planned, now);
  const withLlm = rows.some((r) => r.llm !== null);
  const active = run.status === 'running' || run.status === 'queued';
  const frac = runFraction(run.roundsDone, planned, live.round !== null ? { round: live.round, stages: live.stages, progress: live.progress } : null);
  const train = detail?.split.filter((s) => s.split === 'train').length ?? 0;
  const heldout = detail?.split.filter((s) => s.split === 'heldout').length ?? 0;

  const openQa = (): void => {
    stores.qa.getState().setFilter({ runId: run.id }, true);
    navigate({ view: 'qa' });
  };
  const openHeatmaps = (): void => {
    stores.heatmap.getState().setRunId(run.id);
    navigate({ view: 'heatmaps' });
  };
  const openCurves = (): void => {
    const c = stores.curves.getState();
    if (!c.runIds.includes(run.id)) c.setRunIds([...c.runIds, run.id]);
    c.setMixRun(run.id);
    navigate({ view: 'curves' });
  };
  // This run's loss, learning rate and gradient norm alone, drawn as the Training view last drew (a link to share).
  const openTraining = (): void => {
    const { axis, logX, smoothing, layout } = stores.training.getState();
    navigate({ view: 'training', state: { runIds: [run.id], axis, logX, smoothing, layout } });
  };

  return (
    <div className="panel run-detail" data-testid="run-detail">
      <div className="panel-head">
        <RunName key={run.id} run={run} disabled={pending || !writable} />
        <StatusBadge status={run.status} />
        <span className="muted mono small">{run.id}</span>
        <span className="spacer" />
        {canStop(run) && (
          <button type="button" onClick={() => void stop(run.id)} disabled={pending || !writable} data-testid="stop-run">
            Stop
          </button>
        )}
        {canResume(run) && (
          <button type="button" onClick={() => void resume(run.id)} disabled={pending || !writable} data-testid="resume-run">
            Resume
          </button>
        )}
        <button type="button" onClick={() => void clone(run.id)} data-testid="clone-run" title="a new run with these settings: opens them in the start form">
          Clone
        </button>
        {canDelete(run) && (
          <button type="button" onClick={() => askDelete(run.id)} disabled={pending || !writable || confirming} data-testid="delete-run">
            Delete…
          </button>
        )}
        <button type="button" onClick={openQa}>
          QA
        </button>
        <button type="button" onClick={openHeatmaps}>
          Heatmaps
        </button>
        <button type="button" onClick={openCurves}>
          Curves
        </button>
        <button type="button" onClick={openTraining} data-testid="open-training" title="this run's per-step loss, learning rate and gradient norm">
          Training
        </button>
      </div>
      {confirming && canDelete(run) && <ConfirmDelete run={run} rounds={detail?.rounds.length ?? run.roundsDone} checkpoints={detail ? detail.checkpoints.length : null} />}
      <RunTags key={`tags-${run.id}`} run={run} disabled={pending || !writable} />
      {run.error && (
        <div className="banner banner-error" role="alert">
          <strong>{run.status === 'failed' ? 'Run failed.' : run.status === 'paused' ? 'Run paused.' : 'Last error.'}</strong> {run.error}
        </div>
      )}
      {run.status === 'paused' && run.error?.startsWith('awaiting model') && <RegisterModel runId={run.id} disabled={pending || !writable} onRegister={(m) => void resume(run.id, m)} />}
      {detail && detail.evalScenes.length > 0 && (
        <div className="banner banner-warn" role="status" data-testid="eval-scenes-warning">
          <strong>Leakage.</strong> {evalTrainingWarning(detail.evalScenes)}. Exports for training refuse these scenes unless allowed (README, &quot;Leakage guard&quot;).
        </div>
      )}
      <dl className="facts">
        <dt>Mode</dt>
        <dd>{run.mode}</dd>
        <dt>Provider</dt>
        <dd>
          {run.provider}
          {run.executionProvider ? ` · ${run.executionProvider}` : ''}
        </dd>
        <dt>Held-out</dt>
        <dd>{formatScore(run.heldoutScore)}</dd>
        <dt>Rounds</dt>
        <dd>
          {run.roundsDone}
          {planned !== null ? ` / ${planned}` : ''}
        </dd>
        <dt title="time in rounds: completed rounds and the one under way (set-up not counted)">Elapsed</dt>
        <dd>
          <span data-testid="run-elapsed">{timing.elapsedMs > 0 ? formatMs(timing.elapsedMs) : '—'}</span>
          {timing.etaMs !== null && (
            <span className="muted" title="the rounds left at the pace of the median completed round">
              {' · '}
              <span data-testid="run-eta">ETA {formatMs(timing.etaMs)}</span>
            </span>
          )}
        </dd>
        <dt>Scenes</dt>
        <dd>
          {detail ? `${train} train · ${heldout} held out` : '…'}
          {detail && detail.evalScenes.length > 0 && (
            <span className="chip chip-warn" data-testid="run-eval-scenes" title={detail.evalScenes.join(', ')}>
              {` ${detail.evalScenes.length} VSI-Bench eval scene${detail.evalScenes.length === 1 ? '' : 's'} in training`}
            </span>
          )}
        </dd>
        <dt>Checkpoints</dt>
        <dd>{detail ? detail.checkpoints.length : '…'}</dd>
        <dt>Created</dt>
        <dd>{formatTime(run.createdAt)}</dd>
        <dt>Code</dt>
        <dd className="mono small">{run.codeVersion}</dd>
      </dl>
      {active && <ProgressBar value={run.status === 'queued' ? null : frac} label={run.status === 'queued' ? 'Queued' : 'Run progress'} />}
      <LiveStages live={live} planned={planned} />
      <RunNotes key={`notes-${run.id}`} run={run} disabled={pending || !writable} />
      <h3>Rounds</h3>
      {rows.length === 0 ? (
        <Empty title={loading ? 'Loading…' : 'No rounds yet'} testId="rounds-empty">
          {!loading && (active ? 'The first round is under way.' : 'This run has not completed a round.')}
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="rounds-table">
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Proposed
                </th>
                <th scope="col" className="num">
                  Accepted
                </th>
                <th scope="col" className="num">
                  Rejected
                </th>
                <th scope="col">Easy · frontier · hard</th>
                <th scope="col" className="num">
                  Held-out
                </th>
                <th scope="col" className="num">
                  Samples seen
                </th>
                <th scope="col" className="num">
                  Loss
                </th>
                <th scope="col" className="num">
                  Time
                </th>
                {withLlm && (
                  <th scope="col" className="num" title="drafts the LLM proposer wrote this round: accepted of proposed (rate); hover for why the others were rejected">
                    LLM drafts
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.round} data-testid="round-row" data-status={r.status} data-stage={r.stage ?? undefined}>
                  <td className="num">{r.round}</td>
                  <td>
                    <StatusBadge status={r.status} />
                    {rowStageText(r) ? <span className="muted small"> {rowStageText(r)}</span> : null}
                  </td>
                  <td className="num">{r.proposed ?? '—'}</td>
                  <td className="num">{r.accepted ?? '—'}</td>
                  <td className="num">{r.rejected ?? '—'}</td>
                  <td>
                    <SharesBar shares={r.shares} />
                  </td>
                  <td className="num" title={r.interval ? 'bootstrap 95% interval over the benchmark questions' : undefined}>
                    {formatScore(r.heldout)}
                    {r.interval ? <span className="muted small" data-testid="heldout-interval"> [{formatScore(r.interval.lo)}–{formatScore(r.interval.hi)}]</span> : null}
                  </td>
                  <td className="num">{r.samplesSeen === null ? '—' : formatCount(r.samplesSeen)}</td>
                  <td className="num">{r.meanLoss === null ? '—' : r.meanLoss.toFixed(3)}</td>
                  <td className="num">{formatMs(r.ms)}</td>
                  {withLlm && (
                    <td className="num" data-testid="llm-drafts" title={r.llm ? llmRejections(r.llm) : undefined}>
                      {r.llm ? `${r.llm.accepted}/${r.llm.proposed} (${r.llm.proposed > 0 ? Math.round((100 * r.llm.accepted) / r.llm.proposed) : 0}%)` : '—'}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {detail?.debias && <DebiasedScores debias={detail.debias} />}
      <details>
        <summary>Settings and seeds</summary>
        <pre className="code small">{JSON.stringify({ config: run.config, seeds: run.seeds }, null, 2)}</pre>
      </details>
      {live.logs.length > 0 && (
        <details open={live.logs.some((l) => l.level !== 'info')}>
          <summary>Log ({live.logs.length})</summary>
          <ol className="log">
            {live.logs.slice(-100).map((l, i) => (
              <li key={`${l.at}-${i}`} className={`log-${l.level}`}>
                <span className="muted">{formatTime(l.at).slice(11)}</span> {l.message}
              </li>
            ))}
          </ol>
        </details>
      )}
    </div>
  );
}

/** For a run awaiting its next model: the name of the model trained on the waiting round's export, then go on. */
function RegisterModel(props: { runId: string; disabled: boolean; onRegister(model: string): void }): React.JSX.Element {
  const [model, setModel] = useState('');
  return (
    <form
      className="register-model"
      onSubmit={(e) => {
        e.preventDefault();
        if (model.trim() !== '') props.onRegister(model.trim());
      }}
    >
      <label htmlFor={`model-${props.runId}`}>Model trained on this round&apos;s samples, as your server serves it</label>
      <input id={`model-${props.runId}`} type="text" value={model} onChange={(e) => setModel(e.target.value)} spellCheck={false} autoComplete="off" data-testid="register-model-name" />
      <button type="submit" disabled={props.disabled || model.trim() === ''} data-testid="register-model">
        Register and resume
      </button>
    </form>
  );
}

/** "rejected: response 50, duplicate 40 — not JSON (12), …": what the LLM's rejected drafts failed on. */
function llmRejections(p: ProposerRoundStats): string {
  const by = Object.entries(p.rejectedBy)
    .sort((a, b) => b[1] - a[1])
    .map(([f, n]) => `${f} ${n}`)
    .join(', ');
  const reasons = p.reasons.map((r) => `${r.filter}: ${r.reason} (${r.n})`).join('\n');
  return `rejected: ${by || 'none'}${reasons ? `\n${reasons}` : ''}`;
}
