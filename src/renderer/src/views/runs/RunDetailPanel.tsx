import { useState } from 'react';
import type { ProposerRoundStats } from '../../../../shared/loop.js';
import { LOOP_STAGES } from '../../../../shared/records.js';
import { useApp, useRuns, useStores } from '../../context.js';
import { Empty } from '../../components/Empty.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { BUCKET_COLORS } from '../../lib/colorScale.js';
import { formatCount, formatMs, formatPercent, formatScore, formatTime } from '../../lib/format.js';
import { EMPTY_LIVE, type LiveRun } from '../../state/runsStore.js';
import { StatusBadge } from './RunList.js';
import { runFraction } from '../../lib/runProgress.js';
import { canResume, canStop, roundRows, plannedRounds, type BucketShares } from './runTable.js';

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
  return (
    <div className="live" data-testid="live-stages">
      <div className="stage-strip" aria-label={`Round ${live.round} stages`}>
        <span className="muted">
          Round {live.round}
          {planned !== null ? ` (round ${live.round + 1} of ${planned})` : ''}
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

/** The selected run: status and actions, live stage progress, per-round table, split, settings, log. */
export function RunDetailPanel(): React.JSX.Element | null {
  const detail = useRuns((s) => s.detail);
  const loading = useRuns((s) => s.detailLoading);
  const selectedId = useRuns((s) => s.selectedId);
  const run = useRuns((s) => s.runs?.find((r) => r.id === s.selectedId) ?? s.detail?.run ?? null);
  const live = useRuns((s) => (s.selectedId ? (s.live[s.selectedId] ?? EMPTY_LIVE) : EMPTY_LIVE));
  const pending = useRuns((s) => (s.selectedId ? !!s.pending[s.selectedId] : false));
  const stop = useRuns((s) => s.stop);
  const resume = useRuns((s) => s.resume);
  const navigate = useApp((s) => s.navigate);
  const writable = useApp((s) => s.info?.writable ?? true);
  const stores = useStores();

  if (!selectedId) return null;
  if (!run) {
    return <div className="panel">{loading ? <ProgressBar value={null} label="Loading run" /> : <Empty title={`Run ${selectedId} not found`} />}</div>;
  }
  const planned = plannedRounds(run.config);
  const rows = roundRows(detail, live.summaries);
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

  return (
    <div className="panel run-detail" data-testid="run-detail">
      <div className="panel-head">
        <h2>{run.name}</h2>
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
        <button type="button" onClick={openQa}>
          QA
        </button>
        <button type="button" onClick={openHeatmaps}>
          Heatmaps
        </button>
        <button type="button" onClick={openCurves}>
          Curves
        </button>
      </div>
      {run.error && (
        <div className="banner banner-error" role="alert">
          <strong>{run.status === 'failed' ? 'Run failed.' : run.status === 'paused' ? 'Run paused.' : 'Last error.'}</strong> {run.error}
        </div>
      )}
      {run.status === 'paused' && run.error?.startsWith('awaiting model') && <RegisterModel runId={run.id} disabled={pending || !writable} onRegister={(m) => void resume(run.id, m)} />}
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
        <dt>Scenes</dt>
        <dd>{detail ? `${train} train · ${heldout} held out` : '…'}</dd>
        <dt>Checkpoints</dt>
        <dd>{detail ? detail.checkpoints.length : '…'}</dd>
        <dt>Created</dt>
        <dd>{formatTime(run.createdAt)}</dd>
        <dt>Code</dt>
        <dd className="mono small">{run.codeVersion}</dd>
      </dl>
      {active && <ProgressBar value={run.status === 'queued' ? null : frac} label={run.status === 'queued' ? 'Queued' : 'Run progress'} />}
      <LiveStages live={live} planned={planned} />
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
                <tr key={r.round} data-testid="round-row">
                  <td className="num">{r.round}</td>
                  <td>
                    <StatusBadge status={r.status} />
                    {r.status === 'running' && r.stage ? <span className="muted small"> {r.stage}</span> : null}
                  </td>
                  <td className="num">{r.proposed}</td>
                  <td className="num">{r.accepted}</td>
                  <td className="num">{r.rejected}</td>
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
