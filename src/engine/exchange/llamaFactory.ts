/**
 * LLaMA-Factory's multimodal ShareGPT format (its data/README.md, "Multimodal Image Dataset" with the OpenAI-style
 * tags of its `mllm_demo` entry), for fine-tuning an external MLLM on what a run trains its own solver on.
 *
 * A dataset file is a JSON array of `{ messages: [{role: "user", content}, {role: "assistant", content}],
 * images: [paths] }`; `dataset_info.json` in the same folder (LLaMA-Factory's `dataset_dir`) names each dataset
 * and says how to read it (`formatting: "sharegpt"`, `columns`, `tags`). LLaMA-Factory resolves an image path
 * by joining it to `media_dir`, which defaults to `dataset_dir`, and falls back to the path as written; so the
 * paths here are relative to the export folder and the export folder is what `dataset_dir` points at.
 *
 * Frames go under `images` with one `<image>` per frame, not under `videos`: the frames are PNG files, not a
 * video file, and LLaMA-Factory's plugins accept a list of images in every version while a frame list as a
 * "video" is version-dependent. LLaMA-Factory requires the `<image>` tokens to match the images one to one.
 * The text is the LLaVA export's (llavaConversation.ts › imagePrompt): VSI-Bench's evaluation prompt.
 * Extra keys (`id`, `question_type`) are dropped by LLaMA-Factory's converter and kept for filtering.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { imagePrompt, type LlavaSampleInput } from './llavaConversation.js';
import { writeFileAtomic } from './outputFiles.js';

export const DATASET_INFO_FILE = 'dataset_info.json';

export interface LlamaFactoryMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface LlamaFactorySample {
  messages: [LlamaFactoryMessage, LlamaFactoryMessage];
  images: string[];
  id: string;
  question_type: string;
}

export function llamaFactorySample(input: LlavaSampleInput): LlamaFactorySample {
  return {
    messages: [
      { role: 'user', content: imagePrompt(input) },
      { role: 'assistant', content: input.answer },
    ],
    images: [...input.frames],
    id: input.id,
    question_type: input.questionType,
  };
}

export interface LlamaFactoryDatasetEntry {
  file_name: string;
  formatting: 'sharegpt';
  columns: { messages: 'messages'; images: 'images' };
  tags: { role_tag: 'role'; content_tag: 'content'; user_tag: 'user'; assistant_tag: 'assistant' };
}

/** The `dataset_info.json` entry for a file of llamaFactorySample records. */
export function llamaFactoryEntry(fileName: string): LlamaFactoryDatasetEntry {
  return {
    file_name: fileName,
    formatting: 'sharegpt',
    columns: { messages: 'messages', images: 'images' },
    tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant' },
  };
}

/**
 * A dataset name LLaMA-Factory's `dataset=a,b` accepts (no commas or spaces), and that reads as where it came
 * from: `ouroboros_<run>_iter<k>`, or `ouroboros_<run>_trained_iter<k>` for the samples round k trained on.
 */
export function llamaFactoryDatasetName(runId: string, round: number, trained: boolean): string {
  const run = runId.replace(/[^A-Za-z0-9_.-]/g, '_');
  return `ouroboros_${run}_${trained ? 'trained_' : ''}iter${round}`;
}

export interface DatasetInfoMerge {
  /** Names this export added, and names it replaced (an earlier export of the same run and round). */
  added: string[];
  replaced: string[];
  /** Entries of other datasets that were kept as they were. */
  kept: number;
}

/**
 * Adds `entries` to `<dir>/dataset_info.json`, creating it when absent. Other datasets' entries are kept byte
 * for byte in value and order (a user may export into LLaMA-Factory's own data folder); an entry of the same
 * name is replaced in place. The file is rewritten atomically, so a crash leaves the old file or the new one.
 */
export function mergeDatasetInfo(dir: string, entries: Readonly<Record<string, LlamaFactoryDatasetEntry>>): DatasetInfoMerge {
  const path = join(dir, DATASET_INFO_FILE);
  let existing: Record<string, unknown> = {};
  if (existsSync(path)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new InputError({ field: 'out', message: `${path} is not valid JSON (${(e as Error).message}); fix or remove it, this export adds entries to it` });
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new InputError({ field: 'out', message: `${path} is not a JSON object of dataset entries; fix or remove it, this export adds entries to it` });
    }
    existing = parsed as Record<string, unknown>;
  }
  const names = Object.keys(entries);
  const replaced = names.filter((n) => Object.prototype.hasOwnProperty.call(existing, n));
  // Spreading keeps existing keys where they were (a replaced one too) and appends the new ones in order.
  const merged: Record<string, unknown> = { ...existing, ...entries };
  writeFileAtomic(path, `${JSON.stringify(merged, null, 2)}\n`);
  return { added: names.filter((n) => !replaced.includes(n)), replaced, kept: Object.keys(existing).length - replaced.length };
}
