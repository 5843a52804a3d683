/**
 * The engine host: the WorkbenchApi (src/shared/api.ts) over one workspace's run store. Both transports wrap
 * it: the Electron utility process (IPC) and the browser-mode server (HTTP + WebSocket). It runs in plain Node,
 * off any UI thread; queries are synchronous SQLite reads, runs execute via the RunManager's LoopEngine: in this
 * process by default, in a child process per run when the host serves HTTP (loopEngine.ts › processLoopEngine).
 *
 * Arguments are assumed valid (the transports call `validateApiArgs` first; `invokeApi` does both).
 */
import type {
  CompareQuery,
  Comparison,
  CurveSeries,
  ExperimentView,
  FrameImage,
  HeatmapData,
  HeatmapQuery,
  PointCloudData,
  ProgramRerun,
  QaDetail,
  QaPage,
  QaQueryInput,
  RunDeletion,
  RunDetail,
  RunPatch,
  RunSummary,
  SceneDetail,
  SceneConfidenceByRound,
  SceneObjectConfidence,
  SceneQuery,
  TrainingSeries,
  TrainingSeriesQuery,
  WorkbenchApi,
  WorkbenchInfo,
} from '../../shared/api.js';
import { API_VERSION } from '../../shared/api.js';
import { InputError } from '../../shared/errors.js';
import type { LoopConfig, LoopConfigInput, LoopEvent } from '../../shared/loop.js';
import type { SceneSummary } from '../../shared/scene.js';
import { summarizeScene } from '../../shared/scene.js';
import { DEFAULT_LOOP_CONFIG, storedLoopConfig } from '../loop/config.js';
import { acquireRunLease, type RunLease } from '../loop/lease.js';
import { prepareScene } from '../proposer/prepare.js';
import { getQa } from '../store/qa.js';
import { deleteRun, getRun, runSceneVersion, updateRunInfo } from '../store/runs.js';
import { sweepBlobs } from '../store/sweep.js';
import { openStore } from '../store/store.js';
import { registerNextModel } from '../loop/handoff.js';
import { HostError } from './errors.js';
import { isEvalScene } from '../sources/evalScenes.js';
import { currentSceneVersion, listScenes } from '../store/scenes.js';
import { workspacePaths } from '../store/workspace.js';
import { StoreConnection } from './connection.js';
import { compareRuns } from './compare.js';
import { buildCurves } from './curves.js';
import { EventHub } from './events.js';
import { findExperiments } from './experiments.js';
import { renderFrameImage, sceneOcclusion } from './frameImage.js';
import { buildHeatmap } from './heatmap.js';
import { loadLoopEngine, type LoopEngine } from './loopEngine.js';
import { samplePoints } from './pointSample.js';
import { qaDetail, queryQaPage, sceneConfidence, sceneConfidenceRounds } from './qa.js';
import { ProgramRerunner } from './rerun.js';
import { RunManager } from './runManager.js';
import { listRunSummaries, runDetail, runSummary } from './runs.js';
import { SceneCache } from './sceneCache.js';
import { buildTrainingSeries } from './trainingSeries.js';
import { RunWatcher } from './watcher.js';

export interface WorkbenchHostOptions {
  workspaceDir: string;
  /** Open the workspace without writing (beside another process that runs the loop); runs cannot be started. */
  readonly?: boolean;
  transport: WorkbenchInfo['transport'];
  appVersion?: string;
  /** The loop that executes runs; default the real one (src/engine/loop), loaded on first use. */
  engine?: LoopEngine | (() => Promise<LoopEngine>);
  /** How often the store is polled for other processes' changes (ms); 0 turns polling off. */
  watchIntervalMs?: number;
}

export interface WorkbenchHost extends WorkbenchApi {
  /** Pauses a running loop (so it stays resumable), stops polling, closes the store and the sandbox. */
  close(): Promise<void>;
}

export function createWorkbenchHost(options: WorkbenchHostOptions): WorkbenchHost {
  const workspaceDir = workspacePaths(options.workspaceDir).dir;
  const readonly = options.readonly ?? false;
  const connection = new StoreConnection(workspaceDir, readonly);
  const hub = new EventHub();
  const scenes = new SceneCache();
  const rerunner = new ProgramRerunner();
  const engineOption = options.engine;
  let enginePromise: Promise<LoopEngine> | undefined;
  const engine = (): Promise<LoopEngine> => {
    enginePromise ??= typeof engineOption === 'function' ? engineOption() : engineOption ? Promise.resolve(engineOption) : loadLoopEngine();
    return enginePromise.catch((e: unknown) => {
      enginePromise = undefined;
      throw e;
    });
  };
  const emit = (e: LoopEvent): void => hub.emit(e);
  let watcher: RunWatcher | undefined;
  const runs = new RunManager({
    workspaceDir,
    writable: !readonly,
    engine,
    emit,
    onSettled: (runId) => watcher?.tick({ quietFor: runId }),
  });
  if (options.watchIntervalMs !== 0) {
    watcher = new RunWatcher({
      store: () => connection.tryGet(),
      isLocal: (id) => runs.isExecuting(id),
      emit,
      ...(options.watchIntervalMs !== undefined ? { intervalMs: options.watchIntervalMs } : {}),
    });
    watcher.start();
  }
  let closed = false;

  // Each method is async so a synchronous store error becomes a rejection, never a throw at the call site.
  const host: WorkbenchHost = {
    async info(): Promise<WorkbenchInfo> {
      return {
        apiVersion: API_VERSION,
        appVersion: options.appVersion ?? '0.0.0',
        transport: options.transport,
        workspaceDir,
        writable: !readonly,
        defaultConfig: structuredClone(DEFAULT_LOOP_CONFIG),
      };
    },

    async listScenes(query: SceneQuery = {}): Promise<SceneSummary[]> {
      return listScenes(connection.get(), query).map((s) => ({ ...s, evalScene: isEvalScene(s) }));
    },

    async getScene(sceneId: string): Promise<SceneDetail> {
      const store = connection.get();
      const version = currentSceneVersion(store, sceneId);
      const scene = scenes.scene(store, sceneId, version);
      return {
        summary: { ...summarizeScene(scene), evalScene: isEvalScene(scene) },
        version: version!,
        objects: scene.objects.map(({ pointIndices: _omit, ...o }) => o),
        room: scene.room,
        trajectory: scene.trajectory ?? [],
        provenance: scene.provenance,
      };
    },

    async getScenePoints(sceneId: string, maxPoints: number): Promise<PointCloudData> {
      return samplePoints(scenes.scene(connection.get(), sceneId), maxPoints);
    },

    async getFrameImage(sceneId: string, frame: number): Promise<FrameImage> {
      const store = connection.get();
      const version = currentSceneVersion(store, sceneId);
      const scene = scenes.scene(store, sceneId, version);
      return renderFrameImage(scene, frame, () => scenes.derived(store, sceneId, version, 'occlusion', sceneOcclusion), store);
    },

    async listRuns(): Promise<RunSummary[]> {
      return listRunSummaries(connection.get());
    },

    async getRun(runId: string): Promise<RunDetail> {
      return runDetail(connection.get(), runId);
    },

    async startRun(config: LoopConfigInput): Promise<{ runId: string }> {
      const result = await runs.start(config);
      watcher?.tick({ quietFor: result.runId });
      return result;
    },

    async stopRun(runId: string): Promise<void> {
      await runs.stop(runId, (id) => getRun(connection.get(), id));
    },

    async resumeRun(runId: string, model?: string): Promise<void> {
      if (model !== undefined) {
        if (readonly) throw new HostError('readonly', `cannot register a model: the workspace ${workspaceDir} is open read-only`);
        const store = openStore({ workspaceDir });
        try {
          registerNextModel(store, runId, model);
        } finally {
          store.close();
        }
      }
      await runs.resume(runId, (id) => getRun(connection.get(), id));
    },

    async updateRun(runId: string, patch: RunPatch): Promise<RunSummary> {
      if (readonly) throw new HostError('readonly', `cannot change run ${runId}: the workspace ${workspaceDir} is open read-only`);
      const store = connection.get();
      return runSummary(store, updateRunInfo(store, runId, patch));
    },

    async deleteRun(runId: string): Promise<RunDeletion> {
      if (readonly) throw new HostError('readonly', `cannot delete run ${runId}: the workspace ${workspaceDir} is open read-only`);
      const store = connection.get();
      const run = getRun(store, runId);
      if (runs.isExecuting(runId)) throw new HostError('busy', `cannot delete run "${run.name}" (${runId}): it is running in this workbench; stop it first`);
      // Holding the run's lease keeps every driver out while it goes: a CLI resuming it now would be refused.
      let lease: RunLease;
      try {
        lease = acquireRunLease(workspaceDir, runId);
      } catch (e) {
        if (e instanceof InputError) throw new HostError('elsewhere', `cannot delete run "${run.name}" (${runId}): ${e.problems[0]?.message ?? e.message}`);
        throw e;
      }
      try {
        deleteRun(store, runId);
      } finally {
        lease.release();
      }
      // The rows are gone for good; a sweep that cannot run now (another process holds the lock) leaves the files
      // to the next one, which every writable open of the workspace starts.
      try {
        const swept = sweepBlobs(store);
        return { runId, removedBlobs: swept.removedBlobs.length, freedBytes: swept.freedBytes };
      } catch {
        return { runId, removedBlobs: 0, freedBytes: 0 };
      }
    },

    async getRunConfig(runId: string): Promise<LoopConfig> {
      return storedLoopConfig(getRun(connection.get(), runId).config);
    },

    async queryQa(query: QaQueryInput): Promise<QaPage> {
      return queryQaPage(connection.get(), query);
    },

    async getQa(qaId: number): Promise<QaDetail> {
      return qaDetail(connection.get(), qaId);
    },

    async sceneObjectConfidence(sceneId: string, runId?: string): Promise<SceneObjectConfidence> {
      return sceneConfidence(connection.get(), sceneId, runId);
    },

    async sceneConfidenceByRound(sceneId: string, runId: string): Promise<SceneConfidenceByRound> {
      return sceneConfidenceRounds(connection.get(), sceneId, runId);
    },

    async rerunProgram(qaId: number): Promise<ProgramRerun> {
      const store = connection.get();
      const qa = getQa(store, qaId);
      // The program runs on the version its run pinned, so a re-import cannot make a correct answer look wrong.
      const version = runSceneVersion(store, qa.runId, qa.sceneId);
      return rerunner.rerun(qa, () => scenes.derived(store, qa.sceneId, version, 'program-data', (s) => prepareScene(s).data));
    },

    async heatmap(query: HeatmapQuery): Promise<HeatmapData> {
      return buildHeatmap(connection.get(), query);
    },

    async curves(runIds: string[]): Promise<CurveSeries[]> {
      return buildCurves(connection.get(), runIds);
    },

    async trainingSeries(query: TrainingSeriesQuery): Promise<TrainingSeries[]> {
      return buildTrainingSeries(connection.get(), query.runIds, query.maxPoints);
    },

    async compareRuns(query?: CompareQuery): Promise<Comparison> {
      return compareRuns(connection.get(), query);
    },

    async experiments(): Promise<ExperimentView[]> {
      return findExperiments(connection.get());
    },

    subscribe(listener: (event: LoopEvent) => void): () => void {
      return hub.subscribe(listener);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      watcher?.stop();
      await runs.close();
      rerunner.dispose();
      scenes.clear();
      connection.close();
    },
  };
  return host;
}
