/**
 * Capability growth as a picture: a run replayed round by round. The slider (or ←/→, space to play) moves through
 * the rounds; the scene's objects are recoloured by the solver's confidence about them after that round, beside
 * the generation mix the round was drawn with, the round's buckets and the held-out score grown from the base.
 * Everything comes from one load (replayStore), so a presenter can scrub without waiting.
 */
import { useEffect, useMemo } from 'react';
import { useReplay, useRuns, useStores } from '../../context.js';
import { Empty } from '../../components/Empty.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { BUCKET_COLORS, categoryColor, rampColor, rgbCss } from '../../lib/colorScale.js';
import { formatScore } from '../../lib/format.js';
import { biggestChanges, colouredObjects, onDomain, type Replay, type ReplayFrame } from '../../lib/replay.js';
import { suggestedPointSize } from '../scene/lod.js';
import { SceneCanvas } from '../scene/SceneCanvas.js';

/** Playback: one round per step, slow enough to read the panels aloud. */
const STEP_MS = 1400;

function HeldoutChart({ replay, round }: { replay: Replay; round: number }): React.JSX.Element {
  const width = 320;
  const height = 150;
  const m = { top: 10, right: 12, bottom: 24, left: 36 };
  const points = [
    ...(replay.base !== null ? [{ label: 'base', value: replay.base, round: -1 }] : []),
    ...replay.frames.filter((f) => f.heldout !== null).map((f) => ({ label: String(f.round), value: f.heldout!, round: f.round })),
  ];
  if (points.length === 0) return <p className="muted small">No held-out scores recorded for this run.</p>;
  const values = points.map((p) => p.value);
  const lo = Math.max(0, Math.min(...values) - 0.02);
  const hi = Math.min(1, Math.max(...values) + 0.02);
  const x = (i: number): number => m.left + (points.length === 1 ? 0 : (i * (width - m.left - m.right)) / (points.length - 1));
  const y = (v: number): number => m.top + (1 - (v - lo) / (hi - lo || 1)) * (height - m.top - m.bottom);
  const shown = points.filter((p) => p.round <= round);
  const path = (ps: typeof points): string => ps.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(points.indexOf(p)).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  return (
    <svg width={width} height={height} role="img" aria-label="Held-out score by round" data-testid="replay-heldout">
      <line x1={m.left} x2={width - m.right} y1={height - m.bottom} y2={height - m.bottom} className="axis" />
      <text x={m.left - 6} y={y(hi) + 4} textAnchor="end" className="tick">
        {formatScore(hi, 0)}
      </text>
      <text x={m.left - 6} y={y(lo) + 4} textAnchor="end" className="tick">
        {formatScore(lo, 0)}
      </text>
      <path d={path(points)} className="replay-line-future" />
      {shown.length > 0 && <path d={path(shown)} className="replay-line" />}
      {points.map((p, i) => (
        <g key={p.label}>
          <circle cx={x(i)} cy={y(p.value)} r={p.round === round ? 5 : 3} className={p.round <= round ? 'replay-dot' : 'replay-dot-future'} />
          <text x={x(i)} y={height - 8} textAnchor="middle" className="tick">
            {p.label}
          </text>
        </g>
      ))}
    </svg>
  );
}

function MixBar({ replay, frame }: { replay: Replay; frame: ReplayFrame }): React.JSX.Element {
  const entries = replay.families.map((f, i) => ({ family: f, share: frame.mix[f] ?? 0, color: rgbCss(categoryColor(i)) })).filter((e) => e.share > 0);
  if (entries.length === 0) return <p className="muted small">No mix recorded for round {frame.round} (the first round draws uniformly).</p>;
  return (
    <div data-testid="replay-mix">
      <div className="replay-bar">
        {entries.map((e) => (
          <span key={e.family} style={{ width: `${e.share * 100}%`, background: e.color }} title={`${e.family}: ${(e.share * 100).toFixed(1)}%`} />
        ))}
      </div>
      <ul className="legend-list small">
        {[...entries]
          .sort((a, b) => b.share - a.share)
          .slice(0, 6)
          .map((e) => (
            <li key={e.family}>
              <span className="swatch" style={{ background: e.color }} /> {e.family} {(e.share * 100).toFixed(0)}%
            </li>
          ))}
      </ul>
    </div>
  );
}

function BucketBar({ frame }: { frame: ReplayFrame }): React.JSX.Element {
  const b = frame.buckets;
  if (!b) return <p className="muted small">No answered questions in round {frame.round}.</p>;
  const parts = (['hard', 'frontier', 'easy'] as const).map((k) => ({ k, share: b[k] }));
  return (
    <div data-testid="replay-buckets">
      <div className="replay-bar">
        {parts.map((p) => (
          <span key={p.k} style={{ width: `${p.share * 100}%`, background: BUCKET_COLORS[p.k] }} title={`${p.k}: ${(p.share * 100).toFixed(1)}%`} />
        ))}
      </div>
      <p className="small">
        {parts.map((p) => `${p.k} ${(p.share * 100).toFixed(0)}%`).join(' · ')} <span className="muted">of {b.n} accepted questions</span>
      </p>
    </div>
  );
}

function ConfidenceLegend({ replay, frame }: { replay: Replay; frame: ReplayFrame }): React.JSX.Element {
  const d = replay.domain;
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => `${rgbCss(rampColor('confidence', t))} ${t * 100}%`).join(', ');
  return (
    <div data-testid="replay-legend">
      <div className="replay-gradient" style={{ background: `linear-gradient(to right, ${stops})` }} />
      <div className="replay-gradient-ticks small">
        <span>{d.lo.toFixed(2)}</span>
        <span>{d.mid.toFixed(2)}</span>
        <span>{d.hi.toFixed(2)}</span>
      </div>
      <p className="small muted" data-testid="replay-questions">
        {frame.questions > 0
          ? `${frame.objects.length} objects coloured from ${frame.questions} answered questions after round ${frame.round}; the scale spans this run's range on this scene, centred at 0.5`
          : `No answered question names an object of this scene by round ${frame.round}`}
      </p>
    </div>
  );
}

export function ReplayView(): React.JSX.Element {
  const { replay: store, app } = useStores();
  const runs = useRuns((s) => s.runs);
  const runId = useReplay((s) => s.runId);
  const sceneId = useReplay((s) => s.sceneId);
  const scenes = useReplay((s) => s.scenes);
  const replay = useReplay((s) => s.replay);
  const scene = useReplay((s) => s.scene);
  const points = useReplay((s) => s.points);
  const round = useReplay((s) => s.round);
  const playing = useReplay((s) => s.playing);
  const loading = useReplay((s) => s.loading);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => store.getState().advance(), STEP_MS);
    return () => clearInterval(timer);
  }, [playing, store]);

  // The URL follows the replay (shareable), except while playing (a history entry per tick helps no one) and while
  // loading (the round is not yet the one the address asked for).
  useEffect(() => {
    if (playing || loading || !runId) return;
    app.getState().navigate({ view: 'replay', runId, ...(sceneId ? { sceneId } : {}), round });
  }, [app, runId, sceneId, round, playing, loading]);

  const frame = replay?.frames.find((f) => f.round === round) ?? null;
  const coloured = useMemo(() => (replay && frame ? colouredObjects(frame.objects, replay.domain) : null), [replay, frame]);
  const labels = useMemo(() => new Map((scene?.objects ?? []).map((o) => [o.id, o.label])), [scene]);
  const movers = replay && frame ? biggestChanges(replay, frame.round, 6) : [];

  const onKey = (e: React.KeyboardEvent): void => {
    const s = store.getState();
    if (e.key === 'ArrowRight') s.step(1);
    else if (e.key === 'ArrowLeft') s.step(-1);
    else if (e.key === ' ') s.setPlaying(!s.playing);
    else if (e.key === 'Home' && replay?.frames[0]) s.setRound(replay.frames[0].round);
    else if (e.key === 'End' && replay?.frames.length) s.setRound(replay.frames[replay.frames.length - 1]!.round);
    else return;
    e.preventDefault();
  };

  if (runs && runs.length === 0) {
    return (
      <section className="view" aria-label="Replay" data-testid="replay-view">
        <Empty title="No runs yet">Start a run; its replay shows the scene, the mix, the buckets and the held-out score round by round.</Empty>
      </section>
    );
  }
  const first = replay?.frames[0]?.round ?? 0;
  const last = replay?.frames[replay.frames.length - 1]?.round ?? 0;
  return (
    <section className="view replay-view" aria-label="Replay" data-testid="replay-view" tabIndex={0} onKeyDown={onKey}>
      <div className="panel">
        <div className="toolbar">
          <label>
            Run{' '}
            <select value={runId ?? ''} onChange={(e) => void store.getState().open(e.target.value)} data-testid="replay-run">
              {(runs ?? []).map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name} ({r.mode})
                </option>
              ))}
            </select>
          </label>
          <label>
            Scene{' '}
            <select value={sceneId ?? ''} onChange={(e) => runId && void store.getState().open(runId, e.target.value)} disabled={scenes.length === 0} data-testid="replay-scene">
              {scenes.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => store.getState().step(-1)} disabled={!replay || round === first} aria-label="Previous round">
            ◀
          </button>
          <button type="button" onClick={() => store.getState().setPlaying(!playing)} disabled={!replay || replay.frames.length < 2} data-testid="replay-play">
            {playing ? 'Pause' : 'Play'}
          </button>
          <button type="button" onClick={() => store.getState().step(1)} disabled={!replay || round === last} aria-label="Next round">
            ▶
          </button>
          <input
            type="range"
            min={first}
            max={last}
            step={1}
            value={round}
            onChange={(e) => store.getState().setRound(Number(e.target.value))}
            disabled={!replay || replay.frames.length < 2}
            aria-label="Round"
            data-testid="replay-slider"
          />
          <strong data-testid="replay-round">
            Round {round}
            {replay ? ` (${replay.frames.findIndex((f) => f.round === round) + 1} of ${replay.frames.length})` : ''}
          </strong>
          <span className="muted small">←/→ step · space plays</span>
        </div>
        {loading && <ProgressBar value={null} label="Loading the replay" />}
      </div>
      {replay && frame && (
        <div className="replay-grid">
          <div className="panel replay-scene">
            {scene ? (
              <SceneCanvas
                detail={scene}
                points={points}
                colorMode="confidence"
                highlight={[]}
                selected={null}
                objectConfidence={coloured}
                frame={0}
                pointSize={suggestedPointSize(points?.count ?? 0, scene.room.area)}
                showBoxes={true}
                showLabels={false}
                showTrajectory={false}
                showGrid={true}
                showAxes={false}
                reduceWhileMoving={true}
                maxLabels={0}
                onSelectObject={() => undefined}
              />
            ) : (
              <p className="muted">This run has no training scene to show.</p>
            )}
          </div>
          <div className="replay-side">
            <div className="panel">
              <h3>Held-out score</h3>
              <HeldoutChart replay={replay} round={round} />
              <p className="small" data-testid="replay-score">
                {frame.heldout !== null ? `after round ${round}: ${formatScore(frame.heldout)}` : `round ${round}: not evaluated`}
                {replay.base !== null ? ` · base ${formatScore(replay.base)}` : ''}
              </p>
            </div>
            <div className="panel">
              <h3>Generation mix of round {round}</h3>
              <MixBar replay={replay} frame={frame} />
            </div>
            <div className="panel">
              <h3>Buckets of round {round}</h3>
              <BucketBar frame={frame} />
            </div>
            <div className="panel">
              <h3>Confidence about the scene's objects</h3>
              <ConfidenceLegend replay={replay} frame={frame} />
              {movers.length > 0 && (
                <table className="table small" data-testid="replay-movers">
                  <thead>
                    <tr>
                      <th scope="col">Object</th>
                      <th scope="col" className="num">
                        First
                      </th>
                      <th scope="col" className="num">
                        Now
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {movers.map((c) => (
                      <tr key={c.objectId}>
                        <td>
                          <span className="swatch" style={{ background: rgbCss(rampColor('confidence', onDomain(c.to, replay.domain))) }} /> {labels.get(c.objectId) ?? `#${c.objectId}`} #{c.objectId}
                        </td>
                        <td className="num">{c.from.toFixed(2)}</td>
                        <td className="num">{c.to.toFixed(2)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
