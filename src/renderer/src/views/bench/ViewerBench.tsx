/**
 * #/bench/viewer: renders 1M / 5M / 10M synthetic points with the scene viewer's PointCloud and measures
 * upload and per-frame render times over N forced frames. No API involved. Results are shown in a table and
 * published on `window.__viewerBench` for automated tests (`?sizes=1000000,5000000&frames=60&auto=1`).
 *
 * The page stays usable while it measures: clouds are generated a slice at a time with a yield between
 * slices, every frame awaits the next animation frame, Cancel stops it between frames, and leaving the page
 * (any navigation unmounts the view) aborts it the same way, so the next view does not wait for seconds of
 * GPU work nobody will see. Before and after a run the canvas shows a small preview cloud from the same
 * camera, never a blank canvas.
 */
import { Canvas, useThree } from '@react-three/fiber';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useApp } from '../../context.js';
import { ErrorBoundary } from '../../components/ErrorBoundary.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { errorMessage } from '../../lib/errors.js';
import { formatCount } from '../../lib/format.js';
import { PointCloud } from '../scene/PointCloud.js';
import { cloudGenerator, parseBenchParams, summarizeFrames, syntheticCloud, type BenchParams, type SyntheticCloud, type ViewerBenchState } from './benchData.js';

declare global {
  interface Window {
    __viewerBench?: ViewerBenchState;
  }
}

interface Measured {
  uploadMs: number;
  renderMs: number[];
  intervals: number[];
}

type Measure = (frames: number, signal: AbortSignal) => Promise<Measured>;

const nextFrame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve));
const EMPTY_PARAMS: Record<string, string> = {};
/** What the canvas shows when not measuring. */
const PREVIEW_POINTS = 250_000;
/** Points generated between two yields to the page (~20–50 ms of work). */
const SLICE = 200_000;
const HOME = { position: [13, -6, 6] as const, target: [4, 3, 1] as const };

class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

function check(signal: AbortSignal): void {
  if (signal.aborted) throw new Cancelled();
}

/** A synthetic cloud made slice by slice, yielding to the page between slices. */
async function generate(n: number, seed: number, signal: AbortSignal): Promise<SyntheticCloud> {
  const g = cloudGenerator(n, seed);
  while (g.done() < n) {
    g.fill(SLICE);
    await yieldTask();
    check(signal);
  }
  return g.cloud;
}

/** Yields to the event loop without setTimeout's 4 ms clamp. */
function yieldTask(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

/**
 * Resolves when the GPU has executed everything submitted so far (a WebGL2 fence). Browsers treat finish() as a
 * flush and warn about readPixels stalls, so a fence polled between tasks is the honest, quiet way to time a draw.
 */
async function gpuDone(gl: WebGL2RenderingContext, signal: AbortSignal): Promise<void> {
  const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
  if (!sync) return;
  gl.flush();
  try {
    // A 10M-point frame takes seconds on a software GPU: a cancel does not wait for it.
    while (gl.getSyncParameter(sync, gl.SYNC_STATUS) !== gl.SIGNALED) {
      await yieldTask();
      check(signal);
    }
  } finally {
    gl.deleteSync(sync);
  }
}

/** Lives inside the Canvas: exposes a measuring function that renders forced frames and times them. */
function BenchDriver(props: { cloud: SyntheticCloud | null; onMounted(): void; measureRef: React.RefObject<Measure | null>; restoreRef: React.RefObject<(() => void) | null> }): null {
  const { cloud, onMounted, measureRef, restoreRef } = props;
  const gl = useThree((s) => s.gl);
  const invalidate = useThree((s) => s.invalidate);
  const scene = useThree((s) => s.scene);
  const camera = useThree((s) => s.camera);
  useEffect(() => {
    const ctx = gl.getContext() as WebGL2RenderingContext;
    measureRef.current = async (frames, signal) => {
      await nextFrame();
      check(signal);
      let t = performance.now();
      gl.render(scene, camera);
      await gpuDone(ctx, signal);
      const uploadMs = performance.now() - t;
      const renderMs: number[] = [];
      const intervals: number[] = [];
      let last = await nextFrame();
      for (let i = 0; i < frames; i++) {
        const ts = await nextFrame();
        check(signal);
        intervals.push(ts - last);
        last = ts;
        const a = (i / frames) * Math.PI * 2;
        camera.position.set(4 + 9 * Math.cos(a), 3 + 9 * Math.sin(a), 6);
        camera.lookAt(4, 3, 1);
        t = performance.now();
        gl.render(scene, camera);
        await gpuDone(ctx, signal);
        renderMs.push(performance.now() - t);
      }
      return { uploadMs, renderMs, intervals };
    };
    // Measuring orbits the camera: the view it leaves is the one it found.
    restoreRef.current = () => {
      camera.position.set(...HOME.position);
      camera.lookAt(...HOME.target);
      invalidate();
    };
    restoreRef.current();
    return () => {
      measureRef.current = null;
      restoreRef.current = null;
    };
  }, [gl, scene, camera, measureRef, restoreRef, invalidate]);
  useEffect(() => {
    if (cloud) onMounted();
  }, [cloud, onMounted]);
  return null;
}

function initial(params: BenchParams): ViewerBenchState {
  return { status: 'idle', params, results: [], error: null, current: null };
}

export function ViewerBench(): React.JSX.Element {
  const rawParams = useApp((s) => (s.route.view === 'bench' ? s.route.params : EMPTY_PARAMS));
  const params = useMemo(() => parseBenchParams(rawParams), [rawParams]);
  const [state, setState] = useState<ViewerBenchState>(() => initial(params));
  const latest = useRef(state);
  const preview = useMemo(() => syntheticCloud(PREVIEW_POINTS, 7), []);
  const [cloud, setCloud] = useState<SyntheticCloud>(preview);
  const measureRef = useRef<Measure | null>(null);
  const restoreRef = useRef<(() => void) | null>(null);
  const mounted = useRef<(() => void) | null>(null);
  /** The run in progress (or last cancelled); a newer run replaces it. */
  const current = useRef<AbortController | null>(null);

  // Published outside React too: after navigation unmounts the view, the run it cancelled still says so.
  const update = useCallback((next: (s: ViewerBenchState) => ViewerBenchState) => {
    latest.current = next(latest.current);
    window.__viewerBench = latest.current;
    setState(latest.current);
  }, []);

  useEffect(() => {
    window.__viewerBench = latest.current;
    // Leaving the page ends the run.
    return () => current.current?.abort();
  }, []);

  const onMounted = useCallback(() => {
    mounted.current?.();
    mounted.current = null;
  }, []);

  const run = useCallback(async () => {
    current.current?.abort();
    const controller = new AbortController();
    current.current = controller;
    const { signal } = controller;
    const superseded = (): boolean => current.current !== controller;
    const results: ViewerBenchState['results'] = [];
    update(() => ({ ...initial(params), status: 'running' }));
    try {
      for (const n of params.sizes) {
        update((s) => ({ ...s, current: n }));
        await nextFrame();
        check(signal);
        const t0 = performance.now();
        const c = await generate(n, 7, signal);
        const generateMs = performance.now() - t0;
        const ready = new Promise<void>((resolve) => {
          mounted.current = resolve;
        });
        setCloud(c);
        await Promise.race([
          ready,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the WebGL canvas did not take the points within 20 s')), 20_000)),
        ]);
        check(signal);
        const measure = measureRef.current;
        if (!measure) throw new Error('the WebGL canvas is not ready');
        const m = await measure(params.frames, signal);
        results.push(summarizeFrames(n, generateMs, m.uploadMs, m.renderMs, m.intervals));
        update((s) => ({ ...s, results: [...results] }));
      }
      update((s) => ({ ...s, status: 'done', current: null }));
    } catch (e) {
      if (superseded()) return;
      if (e instanceof Cancelled) update((s) => ({ ...s, status: 'cancelled', current: null }));
      else update((s) => ({ ...s, status: 'error', error: errorMessage(e), current: null }));
    } finally {
      if (!superseded()) {
        current.current = null;
        setCloud(preview);
        restoreRef.current?.();
      }
    }
  }, [params, update, preview]);

  const fail = useCallback(
    (message: string) => {
      current.current?.abort();
      update((s) => ({ ...s, status: 'error', error: message, current: null }));
    },
    [update],
  );

  // A StrictMode remount (development) cancels the first auto run and starts another: one run measures.
  useEffect(() => {
    if (!params.auto) return;
    void run();
    return () => current.current?.abort();
  }, [params.auto, run]);

  const running = state.status === 'running';
  const done = state.results.length;
  return (
    <section className="view bench-view" aria-label="Viewer benchmark" data-testid="bench-view">
      <div className="panel">
        <div className="panel-head">
          <h2>Viewer benchmark</h2>
          <span className="muted small">
            {params.sizes.map(formatCount).join(' / ')} synthetic points · {params.frames} forced frames each · generated in the browser
          </span>
          <span className="spacer" />
          {running ? (
            <button type="button" onClick={() => current.current?.abort()} data-testid="bench-cancel">
              Cancel
            </button>
          ) : (
            <button type="button" className="primary" onClick={() => void run()} data-testid="bench-run">
              Run
            </button>
          )}
        </div>
        {running && (
          <ProgressBar value={done / params.sizes.length} label={state.current ? `Measuring ${formatCount(state.current)} points` : 'Preparing'} />
        )}
        {state.status === 'cancelled' && (
          <p className="muted small" data-testid="bench-cancelled">
            Cancelled{state.results.length > 0 ? `: the sizes measured before that are below` : ''}.
          </p>
        )}
        {state.error && (
          <div className="banner banner-error" role="alert" data-testid="error-banner">
            <strong>Benchmark failed.</strong> {state.error}
          </div>
        )}
        <table className="table" data-testid="bench-results" data-status={state.status}>
          <thead>
            <tr>
              <th scope="col" className="num">
                Points
              </th>
              <th scope="col" className="num">
                Generate ms
              </th>
              <th scope="col" className="num">
                Upload ms
              </th>
              <th scope="col" className="num">
                Mean frame ms
              </th>
              <th scope="col" className="num">
                p95 frame ms
              </th>
              <th scope="col" className="num">
                rAF interval ms
              </th>
              <th scope="col" className="num">
                FPS
              </th>
            </tr>
          </thead>
          <tbody>
            {state.results.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  {running ? 'measuring…' : 'no results yet: press Run'}
                </td>
              </tr>
            ) : (
              state.results.map((r) => (
                <tr key={r.points} data-testid="bench-row">
                  <td className="num">{formatCount(r.points)}</td>
                  <td className="num">{r.generateMs.toFixed(0)}</td>
                  <td className="num">{r.uploadMs.toFixed(1)}</td>
                  <td className="num">{r.meanMs.toFixed(2)}</td>
                  <td className="num">{r.p95Ms.toFixed(2)}</td>
                  <td className="num">{r.meanIntervalMs.toFixed(1)}</td>
                  <td className="num">{r.fps < 10 ? r.fps.toFixed(1) : r.fps.toFixed(0)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
        <p className="muted small">
          Frame ms: one forced render of the whole cloud, from submission until a GPU fence signals, camera orbiting. Upload ms: the first render after the
          buffers are set. rAF interval includes the display’s refresh.
        </p>
      </div>
      <div className="bench-canvas" data-testid="scene-canvas">
        <ErrorBoundary what="The WebGL canvas" onError={fail}>
          <Canvas frameloop="demand" dpr={1} camera={{ up: [0, 0, 1], fov: 50, position: [...HOME.position], near: 0.05, far: 200 }} gl={{ antialias: false }}>
            <color attach="background" args={['#0f1115']} />
            <PointCloud key={cloud.count} positions={cloud.positions} colors={cloud.colors} count={cloud.count} size={0.02} />
            <BenchDriver cloud={cloud === preview ? null : cloud} onMounted={onMounted} measureRef={measureRef} restoreRef={restoreRef} />
          </Canvas>
        </ErrorBoundary>
      </div>
    </section>
  );
}
