/**
 * #/bench/viewer: renders 1M / 5M / 10M synthetic points with the scene viewer's PointCloud and measures
 * upload and per-frame render times over N forced frames. No API involved. Results are shown in a table and
 * published on `window.__viewerBench` for automated tests (`?sizes=1000000,5000000&frames=60&auto=1`).
 */
import { Canvas, useThree } from '@react-three/fiber';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useApp } from '../../context.js';
import { ErrorBoundary } from '../../components/ErrorBoundary.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { errorMessage } from '../../lib/errors.js';
import { formatCount } from '../../lib/format.js';
import { PointCloud } from '../scene/PointCloud.js';
import { parseBenchParams, summarizeFrames, syntheticCloud, type BenchParams, type SyntheticCloud, type ViewerBenchState } from './benchData.js';

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

type Measure = (frames: number) => Promise<Measured>;

const nextFrame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve));
const EMPTY_PARAMS: Record<string, string> = {};

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
async function gpuDone(gl: WebGL2RenderingContext): Promise<void> {
  const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
  if (!sync) return;
  gl.flush();
  try {
    while (gl.getSyncParameter(sync, gl.SYNC_STATUS) !== gl.SIGNALED) await yieldTask();
  } finally {
    gl.deleteSync(sync);
  }
}

/** Lives inside the Canvas: exposes a measuring function that renders forced frames and times them. */
function BenchDriver({ cloud, onMounted, measureRef }: { cloud: SyntheticCloud | null; onMounted(): void; measureRef: React.RefObject<Measure | null> }): null {
  const gl = useThree((s) => s.gl);
  const scene = useThree((s) => s.scene);
  const camera = useThree((s) => s.camera);
  useEffect(() => {
    const ctx = gl.getContext() as WebGL2RenderingContext;
    measureRef.current = async (frames) => {
      await nextFrame();
      let t = performance.now();
      gl.render(scene, camera);
      await gpuDone(ctx);
      const uploadMs = performance.now() - t;
      const renderMs: number[] = [];
      const intervals: number[] = [];
      let last = await nextFrame();
      for (let i = 0; i < frames; i++) {
        const ts = await nextFrame();
        intervals.push(ts - last);
        last = ts;
        const a = (i / frames) * Math.PI * 2;
        camera.position.set(4 + 9 * Math.cos(a), 3 + 9 * Math.sin(a), 6);
        camera.lookAt(4, 3, 1);
        t = performance.now();
        gl.render(scene, camera);
        await gpuDone(ctx);
        renderMs.push(performance.now() - t);
      }
      return { uploadMs, renderMs, intervals };
    };
    return () => {
      measureRef.current = null;
    };
  }, [gl, scene, camera, measureRef]);
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
  const [cloud, setCloud] = useState<SyntheticCloud | null>(null);
  const measureRef = useRef<Measure | null>(null);
  const mounted = useRef<(() => void) | null>(null);
  const started = useRef(false);

  useEffect(() => {
    window.__viewerBench = state;
  }, [state]);

  const onMounted = useCallback(() => {
    mounted.current?.();
    mounted.current = null;
  }, []);

  const fail = useCallback((message: string) => {
    setState((s) => ({ ...s, status: 'error', error: message, current: null }));
  }, []);

  const run = useCallback(async () => {
    setState({ ...initial(params), status: 'running' });
    const results: ViewerBenchState['results'] = [];
    try {
      for (const n of params.sizes) {
        setState((s) => ({ ...s, current: n }));
        setCloud(null);
        await nextFrame();
        const t0 = performance.now();
        const c = syntheticCloud(n, 7);
        const generateMs = performance.now() - t0;
        const ready = new Promise<void>((resolve) => {
          mounted.current = resolve;
        });
        setCloud(c);
        await Promise.race([
          ready,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the WebGL canvas did not take the points within 20 s')), 20_000)),
        ]);
        const measure = measureRef.current;
        if (!measure) throw new Error('the WebGL canvas is not ready');
        const m = await measure(params.frames);
        results.push(summarizeFrames(n, generateMs, m.uploadMs, m.renderMs, m.intervals));
        setState((s) => ({ ...s, results: [...results] }));
      }
      setState((s) => ({ ...s, status: 'done', current: null }));
    } catch (e) {
      fail(errorMessage(e));
    } finally {
      setCloud(null);
    }
  }, [params, fail]);

  useEffect(() => {
    if (params.auto && !started.current) {
      started.current = true;
      void run();
    }
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
          <button type="button" className="primary" onClick={() => void run()} disabled={running} data-testid="bench-run">
            {running ? 'Running…' : 'Run'}
          </button>
        </div>
        {running && (
          <ProgressBar value={done / params.sizes.length} label={state.current ? `Measuring ${formatCount(state.current)} points` : 'Preparing'} />
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
          <Canvas frameloop="demand" dpr={1} camera={{ up: [0, 0, 1], fov: 50, position: [13, -6, 6], near: 0.05, far: 200 }} gl={{ antialias: false }}>
            <color attach="background" args={['#0f1115']} />
            {cloud && <PointCloud key={cloud.count} positions={cloud.positions} colors={cloud.colors} count={cloud.count} size={0.02} />}
            <BenchDriver cloud={cloud} onMounted={onMounted} measureRef={measureRef} />
          </Canvas>
        </ErrorBoundary>
      </div>
    </section>
  );
}
