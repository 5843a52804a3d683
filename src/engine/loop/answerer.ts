/**
 * What answers a round's questions: the built-in solver (trained by the loop) or a model behind an
 * OpenAI-compatible endpoint (solver/external). Both give the loop the same records: a prediction, the model's
 * confidence in it, the probability of the ground truth (and how it was obtained), p̂ and the loss where known.
 */
import type { EndpointConfig } from '../../shared/loop.js';
import type { ConfidenceMethod } from '../../shared/records.js';
import type { Scene } from '../../shared/scene.js';
import { encodePng } from '../perception/png.js';
import { renderFrame } from '../perception/render.js';
import { frameImageSize } from '../host/frameImage.js';
import { EndpointSolver, uniformFrameIndices, type FrameImageBytes, type ResponseCache } from '../solver/external/endpointSolver.js';
import type { SolverSample } from '../solver/features.js';
import type { Prediction, SolverAnswer } from '../solver/solver.js';

export interface LoopAnswer extends Pick<SolverAnswer, 'prediction' | 'answerConfidence' | 'answerTokenProbs' | 'pCorrect' | 'loss'> {
  confidenceMethod: ConfidenceMethod;
}

export interface Answerer {
  /** Answers with the ground truth's probability (samples carry their ground truth). */
  answer(samples: readonly SolverSample[]): Promise<LoopAnswer[]>;
  /** Answers without the ground truth: benchmark evaluation. */
  predict(samples: readonly SolverSample[]): Promise<Pick<Prediction, 'prediction' | 'confidence'>[]>;
  /** What the run's provider column says. */
  readonly provider: string;
}

/** Longest side of the frames sent to an endpoint model: VSI-Bench's videos are 640 × 480. */
export const ENDPOINT_FRAME_SIZE = 640;

/** The frames an endpoint model sees of a scene: `count` spread along its trajectory, rendered, PNG. */
export function sceneFrames(scene: Scene, count: number): FrameImageBytes[] {
  const frames = scene.trajectory ?? [];
  return uniformFrameIndices(frames.length, count).map((i) => {
    const frame = frames[i]!;
    const { width, height } = frameImageSize(frame.width, frame.height, ENDPOINT_FRAME_SIZE);
    const image = renderFrame(scene, frame, { width, height });
    return { mime: 'image/png', bytes: encodePng(image.rgb, width, height) };
  });
}

/** `{round}` in a model name → the number of training rounds done. */
export function modelForRound(model: string, roundsTrained: number): string {
  return model.replaceAll('{round}', String(roundsTrained));
}

export interface EndpointAnswererOptions {
  scenes: ReadonlyMap<string, Scene>;
  cache: ResponseCache;
  signal?: AbortSignal;
  onAnswered?: (done: number, total: number) => void;
}

/** An endpoint model as the loop's answerer; frames are rendered once per scene and kept. */
export function endpointAnswerer(config: EndpointConfig, roundsTrained: number, options: EndpointAnswererOptions): Answerer {
  const model = modelForRound(config.model, roundsTrained);
  const frames = new Map<string, FrameImageBytes[]>();
  const solver = new EndpointSolver(
    { ...config, model },
    {
      frames: (sceneId) => {
        let f = frames.get(sceneId);
        if (!f) {
          const scene = options.scenes.get(sceneId);
          if (!scene) throw new Error(`scene ${sceneId} is not part of this run`);
          frames.set(sceneId, (f = sceneFrames(scene, config.frames)));
        }
        return f;
      },
      cache: options.cache,
      // The workbench's own endpoint perceives scenes by id; other servers ignore the field.
      sendMetadata: model.startsWith('ouroboros/'),
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
