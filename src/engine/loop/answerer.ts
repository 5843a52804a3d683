/**
 * What answers a round's questions: the built-in solver (trained by the loop) or a model behind an
 * OpenAI-compatible endpoint (solver/external). Both give the loop the same records: a prediction, the model's
 * confidence in it, the probability of the ground truth (and how it was obtained), p̂ and the loss where known.
 */
import type { EndpointConfig } from '../../shared/loop.js';
import type { ConfidenceMethod } from '../../shared/records.js';
import type { Scene } from '../../shared/scene.js';
import type { FrameImageStore } from '../perception/cameraImage.js';
import { EndpointSolver, type ResponseCache } from '../solver/external/endpointSolver.js';
import { sceneFrameSource } from '../solver/external/frames.js';
import type { SolverSample } from '../solver/features.js';
import type { Prediction, SolverAnswer } from '../solver/solver.js';

export interface LoopAnswer extends Pick<SolverAnswer, 'prediction' | 'groundTruthConfidence' | 'answerTokenProbs' | 'pCorrect' | 'loss'> {
  confidenceMethod: ConfidenceMethod;
}

export interface Answerer {
  /** Answers with the ground truth's probability (samples carry their ground truth). */
  answer(samples: readonly SolverSample[]): Promise<LoopAnswer[]>;
  /** Answers without the ground truth: benchmark evaluation. */
  predict(samples: readonly SolverSample[]): Promise<Pick<Prediction, 'prediction' | 'predictionConfidence'>[]>;
  /** What the run's provider column says. */
  readonly provider: string;
}

/** `{round}` in a model name → the number of training rounds done. */
export function modelForRound(model: string, roundsTrained: number): string {
  return model.replaceAll('{round}', String(roundsTrained));
}

export interface EndpointAnswererOptions {
  scenes: ReadonlyMap<string, Scene>;
  /** Where stored frame images are read. */
  images: FrameImageStore;
  cache: ResponseCache;
  signal?: AbortSignal;
  onAnswered?: (done: number, total: number) => void;
}

/** An endpoint model as the loop's answerer; frames are rendered once per scene and kept. */
export function endpointAnswerer(config: EndpointConfig, roundsTrained: number, options: EndpointAnswererOptions): Answerer {
  const model = modelForRound(config.model, roundsTrained);
  const sceneOf = (sceneId: string): Scene => {
    const scene = options.scenes.get(sceneId);
    if (!scene) throw new Error(`scene ${sceneId} is not part of this run`);
    return scene;
  };
  const solver = new EndpointSolver(
    { ...config, model },
    {
      frames: sceneFrameSource(sceneOf, config.frames, options.images),
      cache: options.cache,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onAnswered ? { onAnswered: options.onAnswered } : {}),
    },
  );
  const toEndpoint = (samples: readonly SolverSample[]) =>
    samples.map((s) => {
      if (s.sceneId === undefined) throw new Error('an endpoint model needs the scene of every question');
      return { qa: s.qa, sceneId: s.sceneId };
    });
  return {
    provider: `endpoint ${config.baseUrl} (model ${model})`,
    answer: async (samples) => solver.answer(toEndpoint(samples)),
    predict: async (samples) => solver.predict(toEndpoint(samples)),
  };
}
