import { useMemo } from 'react';
import type { RunSummary } from '../../../../shared/api.js';
import { useApp, useRuns } from '../../context.js';
import { Empty } from '../../components/Empty.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { useNow } from '../../components/useNow.js';
import { formatMs, formatScore, formatTime } from '../../lib/format.js';
import { filterRuns, runSettings, sortRuns, tagCounts, type RunSortKey } from '../../lib/runList.js';
import { runFraction, runTiming } from '../../lib/runProgress.js';
import { EMPTY_LIVE } from '../../state/runsStore.js';
import { canResume, canStop, plannedRounds, seedsSummary } from './runTable.js';

export function StatusBadge({ status }: { status: string }): React.JSX.Element {
  return <span className={`status status-${status}`}>{status}</span>;
}

/** The sortable columns, in order; `num` ones align right. */
const COLUMNS: readonly { key: RunSortKey; label: string; num?: boolean; title?: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'status', label: 'Status' },
  { key: 'mode', label: 'Mode' },
  { key: 'strategy', label: 'Strategy', title: 'the selection rule (closed loop only)' },
  { key: 'scenes', label: 'Scenes', title: 'scene sources' },
  { key: 'rounds', label: 'Rounds', num: true, title: 'completed / planned' },
  { key: 'steps', label: 'Steps', num: true, title: 'optimizer steps per round' },
  { key: 'batch', label: 'Batch', num: true },
  { key: 'seed', label: 'Seed', num: true },
  { key: 'model', label: 'Model' },
  { key: 'heldout', label: 'Held-out', num: true, title: 'latest held-out score' },
  { key: 'elapsed', label: 'Elapsed', num: true, title: 'time in rounds (set-up not counted), and the ETA of a running run' },
  { key: 'created', label: 'Created' },
];

const dash = (v: string | number | null): string | number => v ?? '—';

/** The tags in use, each a toggle: the list keeps the runs carrying every tag turned on. */
function TagFilter({ runs }: { runs: readonly RunSummary[] }): React.JSX.Element | null {
  const chosen = useRuns((s) => s.tagFilter);
  const toggle = useRuns((s) => s.toggleTagFilter);
  const tags = tagCounts(runs);
  // A chosen tag no run carries any more (renamed away, run deleted) stays visible so it can be turned off.
  for (const t of chosen) if (!tags.some((x) => x.tag === t)) tags.push({ tag: t, n: 0 });
  if (tags.length === 0) return null;
  return (
    <div className="tag-filter" data-testid="tag-filter" role="group" aria-label="Show runs tagged">
      <span className="muted small">Tags</span>
      {tags.map(({ tag, n }) => (
        <button key={tag} type="button" className={`chip chip-button${chosen.includes(tag) ? ' active' : ''}`} aria-pressed={chosen.includes(tag)} title={`${n} run${n === 1 ? '' : 's'}`} onClick={() => toggle(tag)}>
          {tag}
        </button>
      ))}
    </div>
  );
}

/** The runs table: status, settings as sortable columns, held-out score, time; tags filter; stop/resume; compare. */
export function RunList(): React.JSX.Element {
  const runs = useRuns((s) => s.runs);
  const loading = useRuns((s) => s.loading);
  const live = useRuns((s) => s.live);
  const selectedId = useRuns((s) => s.selectedId);
  const compareIds = useRuns((s) => s.compareIds);
  const pending = useRuns((s) => s.pending);
  const sort = useRuns((s) => s.sort);
  const tagFilter = useRuns((s) => s.tagFilter);
  const refresh = useRuns((s) => s.refresh);
  const stop = useRuns((s) => s.stop);
  const resume = useRuns((s) => s.resume);
  const setSort = useRuns((s) => s.setSort);
  const toggleCompare = useRuns((s) => s.toggleCompare);
  const navigate = useApp((s) => s.navigate);
  const writable = useApp((s) => s.info?.writable ?? true);
  const now = useNow(runs?.some((r) => r.status === 'running') ?? false);
  // Elapsed-time order would reshuffle a running run every second; the clock only moves the figures.
  const shown = useMemo(() => (runs ? sortRuns(filterRuns(runs, tagFilter), sort, Date.now()) : null), [runs, tagFilter, sort]);

  return (
    <div className="panel">
      <div className="panel-head">
        <h2>Runs</h2>
        <span className="muted">{runs ? `${shown!.length === runs.length ? '' : `${shown!.length} of `}${runs.length} run${runs.length === 1 ? '' : 's'}` : ''}</span>
        <button type="button" onClick={() => void refresh()} disabled={loading}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {runs && <TagFilter runs={runs} />}
      {runs === null || shown === null ? (
        <ProgressBar value={null} label="Loading runs" />
      ) : runs.length === 0 ? (
        <Empty title="No runs yet" testId="runs-empty">
          Start one with the form: the closed loop, or a no-feedback / static baseline to compare it with.
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="table runs-table" data-testid="runs-table">
            <thead>
              <tr>
                <th scope="col" title="choose two runs to compare">
                  Cmp
                </th>
                {COLUMNS.map((c) => {
                  const on = sort.key === c.key;
                  return (
                    <th key={c.key} scope="col" className={c.num ? 'num' : undefined} aria-sort={on ? (sort.descending ? 'descending' : 'ascending') : undefined} title={c.title}>
                      {/* The label names the button alone: the drawn arrow is the header's aria-sort. */}
                      <button type="button" aria-label={c.label} className={`link sort${on ? (sort.descending ? ' sort-desc' : ' sort-asc') : ''}`} onClick={() => setSort(c.key)}>
                        {c.label}
                      </button>
                    </th>
                  );
                })}
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => {
                const planned = plannedRounds(r.config);
                const settings = runSettings(r.config);
                const l = live[r.id] ?? EMPTY_LIVE;
                const running = r.status === 'running';
                const frac = running ? runFraction(r.roundsDone, planned, l.round !== null ? { round: l.round, stages: l.stages, progress: l.progress } : null) : null;
                const timing = runTiming(r, planned, now);
                const scenes = settings.scenes.join(', ');
                return (
                  <tr
                    key={r.id}
                    className={r.id === selectedId ? 'selected clickable' : 'clickable'}
                    data-testid="run-row"
                    data-run-id={r.id}
                    onClick={() => navigate({ view: 'runs', runId: r.id })}
                  >
                    <td onClick={(e) => e.stopPropagation()}>
                      <input
                        type="checkbox"
                        aria-label={`Compare ${r.name}`}
                        checked={compareIds.includes(r.id)}
                        onChange={() => void toggleCompare(r.id)}
                        data-testid="compare-toggle"
                      />
                    </td>
                    <td>
                      <a href={`#/runs/${encodeURIComponent(r.id)}`} onClick={(e) => e.stopPropagation()}>
                        {r.name}
                      </a>
                      {r.tags.length > 0 && (
                        <div className="run-row-tags">
                          {r.tags.map((t) => (
                            <span key={t} className="chip">
                              {t}
                            </span>
                          ))}
                        </div>
                      )}
                      {r.error && (
                        <div className="error-text" title={r.error}>
                          {r.error}
                        </div>
                      )}
                    </td>
                    <td>
                      <StatusBadge status={r.status} />
                      {running && <ProgressBar value={frac} label={`${r.name} progress`} small />}
                    </td>
                    <td>{r.mode}</td>
                    <td className="small">{dash(settings.strategy)}</td>
                    <td className="small scenes-cell" title={scenes}>
                      {scenes || '—'}
                    </td>
                    <td className="num">
                      {r.roundsDone}
                      {planned !== null ? ` / ${planned}` : ''}
                    </td>
                    <td className="num">{dash(settings.steps)}</td>
                    <td className="num">{dash(settings.batch)}</td>
                    <td className="num mono small" title={seedsSummary(r.seeds)}>
                      {dash(settings.seed)}
                    </td>
                    <td className="small">{dash(settings.model)}</td>
                    <td className="num">{formatScore(r.heldoutScore)}</td>
                    <td className="num small">
                      {timing.elapsedMs > 0 ? formatMs(timing.elapsedMs) : '—'}
                      {running && timing.etaMs !== null && <div className="muted">ETA {formatMs(timing.etaMs)}</div>}
                    </td>
                    <td className="small">{formatTime(r.createdAt)}</td>
                    <td onClick={(e) => e.stopPropagation()} className="actions">
                      {canStop(r) && (
                        <button type="button" onClick={() => void stop(r.id)} disabled={!!pending[r.id] || !writable} data-testid="stop-run">
                          Stop
                        </button>
                      )}
                      {canResume(r) && (
                        <button type="button" onClick={() => void resume(r.id)} disabled={!!pending[r.id] || !writable} data-testid="resume-run">
                          Resume
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {shown.length === 0 && <p className="muted">No run carries {tagFilter.length === 1 ? 'this tag' : 'all these tags'}.</p>}
        </div>
      )}
    </div>
  );
}
