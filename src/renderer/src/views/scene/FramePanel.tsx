import { useEffect, useMemo } from 'react';
import type { SceneDetail } from '../../../../shared/api.js';
import { useScene, useStores } from '../../context.js';
import { Empty } from '../../components/Empty.js';
import { HIGHLIGHT_COLOR, SELECTED_COLOR } from './colors.js';
import { frameLabelText, layoutFrameLabels } from './labels.js';

const PLAY_INTERVAL_MS = 250;

/**
 * The trajectory's current frame: its image with projected boxes drawn over it (labels that would cover one
 * another nudged or left out, labels.ts), a scrubber and play.
 */
export function FramePanel({ detail }: { detail: SceneDetail }): React.JSX.Element {
  const { scene } = useStores();
  const frame = useScene((s) => s.frame);
  const image = useScene((s) => s.frameImage);
  const loading = useScene((s) => s.frameLoading);
  const playing = useScene((s) => s.playing);
  const highlight = useScene((s) => s.highlight);
  const selected = useScene((s) => s.selectedObject);
  const n = detail.trajectory.length;

  // Play: advance once the current frame's image is in, so playback never outruns loading.
  useEffect(() => {
    if (!playing || loading) return;
    const t = setTimeout(() => void scene.getState().step(), PLAY_INTERVAL_MS);
    return () => clearTimeout(t);
  }, [playing, loading, frame, scene]);

  const shown = image && image.sceneId === detail.summary.id ? image : null;
  // Label size in image pixels, so it reads the same whatever the frame's resolution.
  const fontSize = shown ? Math.max(6, shown.height * 0.045) : 10;
  const labels = useMemo(() => (shown ? layoutFrameLabels(shown.boxes, selected, highlight, fontSize, shown.height) : null), [shown, selected, highlight, fontSize]);

  if (n === 0) return <Empty title="No trajectory">This scene has no camera frames.</Empty>;
  const st = scene.getState();
  const f = detail.trajectory[Math.min(frame, n - 1)]!;
  return (
    <div className="frame-panel" data-testid="frame-panel">
      <div className="frame-view" style={{ aspectRatio: `${f.width} / ${f.height}` }}>
        {shown ? (
          <>
            <img
              src={shown.url}
              alt={shown.origin === 'camera' ? `Camera image of frame ${shown.frame}` : `Frame ${shown.frame} rendered from the scene`}
              width={shown.width}
              height={shown.height}
              data-testid="frame-image"
              data-origin={shown.origin}
            />
            <svg className="frame-overlay" viewBox={`0 0 ${shown.width} ${shown.height}`} preserveAspectRatio="none" aria-hidden="true">
              {shown.boxes.map((b, i) => {
                const [x0, y0, x1, y1] = b.box;
                const color = b.objectId === selected ? SELECTED_COLOR : highlight.includes(b.objectId) ? HIGHLIGHT_COLOR : 'rgba(255,255,255,0.55)';
                const strong = color !== 'rgba(255,255,255,0.55)';
                const at = labels?.get(i);
                return (
                  <g key={`${b.objectId}-${i}`}>
                    <rect x={x0} y={y0} width={Math.max(1, x1 - x0)} height={Math.max(1, y1 - y0)} fill="none" stroke={color} strokeWidth={strong ? 2.5 : 1} vectorEffect="non-scaling-stroke" />
                    {at && (
                      <text x={at.x} y={at.y + fontSize} fill={color} className="frame-label" fontSize={fontSize} strokeWidth={fontSize * 0.18} data-testid="frame-label">
                        {frameLabelText(b)}
                      </text>
                    )}
                  </g>
                );
              })}
            </svg>
          </>
        ) : (
          <div className="frame-placeholder muted">{loading ? 'Loading frame…' : 'No image'}</div>
        )}
      </div>
      <div className="frame-controls">
        <button type="button" onClick={() => void st.setFrame(frame - 1)} disabled={frame <= 0} aria-label="Previous frame">
          ◀
        </button>
        <button type="button" onClick={() => st.setPlaying(!playing)} aria-pressed={playing} data-testid="play-frames">
          {playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" onClick={() => void st.setFrame(frame + 1)} disabled={frame >= n - 1} aria-label="Next frame">
          ▶
        </button>
        <input
          type="range"
          min={0}
          max={n - 1}
          step={1}
          value={frame}
          onChange={(e) => void st.setFrame(Number(e.target.value))}
          aria-label="Frame"
          aria-valuetext={`frame ${frame} of ${n}`}
          data-testid="frame-scrubber"
        />
        <span className="muted small nowrap">
          {frame + 1} / {n} · {f.timestamp.toFixed(1)} s{shown?.origin === 'render' ? ' · rendered' : ''}
        </span>
      </div>
    </div>
  );
}
