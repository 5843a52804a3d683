/**
 * The conversation format for fine-tuning a video MLLM: LLaVA-NeXT's training data JSON (the code base that
 * trains LLaVA-OneVision and LLaVA-Video), multi-image flavour.
 *
 * One JSON array of samples `{ id, image: [frame paths], conversations: [{from: "human", value}, {from: "gpt",
 * value}] }`. Frame paths are relative to the export folder, which is what `--image_folder` points at. The
 * human turn starts with one `<image>` placeholder per frame, then VSI-Bench's own evaluation prompt (lmms-eval's
 * vsibench task: "These are frames of a video.", the question, the lettered options, the answer instruction),
 * so the model is trained on exactly what it will be evaluated with; the gpt turn is the answer as VSI-Bench
 * scores it (the option letter, or the number).
 *
 * Why the multi-image form and not `"video"`: LLaVA-NeXT has no `<video>` token (a video sample also carries
 * a single `<image>`, expanded into all its frames), and its loader decodes a `video` entry as a video file
 * (decord) and only reads a folder of frames when its path contains the hard-coded "shareVideoGPTV", and we
 * write PNG frames, not video files. A list under `image` is read frame by frame (each padded to square when
 * there are several) and each `<image>` in the text is replaced by one frame's tokens, so the placeholders
 * must match the frames one to one. Extra keys (`question_type`) are ignored by the loader and kept for
 * filtering.
 */
import { vsiPrompt } from './vsiRecord.js';

export const IMAGE_PLACEHOLDER = '<image>';

export interface LlavaTurn {
  from: 'human' | 'gpt';
  value: string;
}

export interface LlavaSample {
  id: string;
  image: string[];
  conversations: [LlavaTurn, LlavaTurn];
  question_type: string;
}

export interface LlavaSampleInput {
  id: string;
  questionType: string;
  question: string;
  options: readonly string[] | null;
  answer: string;
  frames: readonly string[];
  /** A sentence put before the question (which image is the frame the question names). */
  context?: string;
}

/**
 * The user turn every training export shares: one `<image>` line per frame, then VSI-Bench's prompt over the
 * question (with its frame context first, when there is one). LLaMA-Factory uses the same `<image>` token.
 */
export function imagePrompt(input: Pick<LlavaSampleInput, 'question' | 'options' | 'frames' | 'context'>): string {
  const placeholders = input.frames.map(() => `${IMAGE_PLACEHOLDER}\n`).join('');
  const question = input.context ? `${input.context} ${input.question}` : input.question;
  return `${placeholders}${vsiPrompt(question, input.options)}`;
}

export function llavaSample(input: LlavaSampleInput): LlavaSample {
  return {
    id: input.id,
    image: [...input.frames],
    conversations: [
      { from: 'human', value: imagePrompt(input) },
      { from: 'gpt', value: input.answer },
    ],
    question_type: input.questionType,
  };
}
