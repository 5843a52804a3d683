/**
 * Scene frames as PNG files for exported conversations: N frames spread evenly over each scene's trajectory
 * (the way video models sample a clip), rendered with the perception renderer, each written once however many
 * questions show it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../shared/errors.js';
import type { Scene } from '../../shared/scene.js';
import { encodePng } from '../perception/png.js';
import { renderFrame } from '../perception/render.js';
import { evenFrames } from '../perception/visibility.js';
import { writeFileAtomic } from './outputFiles.js';
import { fsSafeSceneId } from './sceneNames.js';

export interface FrameExportOptions {
  /** Frames per scene (default 8); a shorter trajectory gives all of its frames. */
  frames: number;
  width: number;
  height: number;
}

export const DEFAULT_FRAME_EXPORT: FrameExportOptions = { frames: 8, width: 320, height: 240 };

export interface SceneFrames {
  /** Relative paths (POSIX separators, as training JSON wants them), in trajectory order. */
  paths: string[];
  /** Trajectory index of each path. */
  indices: number[];
  /** Frames in the scene's trajectory. */
  trajectoryLength: number;
}

function trajectoryOf(scene: Scene): NonNullable<Scene['trajectory']> {
  const t = scene.trajectory;
  if (!t || t.length === 0) {
    throw new InputError({ field: `${scene.id}.trajectory`, message: `scene ${scene.id} has no camera trajectory to render frames along; re-import it with a synthesised trajectory` });
  }
  return t;
}

/** Relative path of a trajectory frame's PNG: `frames/<safe scene id>/<frame index, 4 digits>.png`. */
export function framePath(scene: Scene, trajectoryIndex: number): string {
  const frame = trajectoryOf(scene)[trajectoryIndex];
  if (!frame) throw new RangeError(`scene ${scene.id} has no trajectory frame ${trajectoryIndex}`);
  return `frames/${fsSafeSceneId(scene.id)}/${String(frame.index).padStart(4, '0')}.png`;
}

/**
 * A scanned point cloud is drawn as points (real appearance); a synthesised one only re-describes the boxes,
 * and splatted at export sizes it leaves holes, so those scenes are drawn as shaded boxes in a room.
 */
export function frameSource(scene: Scene): 'auto' | 'boxes' {
  return scene.provenance.synthesised.includes('pointCloud') ? 'boxes' : 'auto';
}

/** Renders frames on first use and remembers what it wrote, so each file is rendered once per export. */
export class SceneFrameWriter {
  private readonly written = new Set<string>();
  private readonly perScene = new Map<string, SceneFrames>();
  private readonly loaded: { id: string; scene: Scene }[] = [];

  constructor(
    private readonly outDir: string,
    private readonly options: FrameExportOptions,
    private readonly load: (sceneId: string) => Scene,
  ) {}

  /** Files written so far. */
  get fileCount(): number {
    return this.written.size;
  }

  private scene(id: string): Scene {
    const hit = this.loaded.find((l) => l.id === id);
    if (hit) return hit.scene;
    const scene = this.load(id);
    // Questions arrive grouped by scene more or less, so the last couple of scenes are all worth keeping.
    this.loaded.unshift({ id, scene });
    this.loaded.length = Math.min(this.loaded.length, 2);
    return scene;
  }

  private ensure(scene: Scene, trajectoryIndex: number): string {
    const path = framePath(scene, trajectoryIndex);
    if (this.written.has(path)) return path;
    const parts = path.split('/');
    mkdirSync(join(this.outDir, ...parts.slice(0, -1)), { recursive: true });
    const img = renderFrame(scene, scene.trajectory![trajectoryIndex]!, { width: this.options.width, height: this.options.height, source: frameSource(scene) });
    writeFileAtomic(join(this.outDir, ...parts), encodePng(img.rgb, img.width, img.height));
    this.written.add(path);
    return path;
  }

  /** The scene's evenly spread frames, rendered when first asked for. */
  framesOf(sceneId: string): SceneFrames {
    const known = this.perScene.get(sceneId);
    if (known) return known;
    const scene = this.scene(sceneId);
    const n = trajectoryOf(scene).length;
    const indices = evenFrames(n, this.options.frames);
    const frames = { paths: indices.map((i) => this.ensure(scene, i)), indices, trajectoryLength: n };
    this.perScene.set(sceneId, frames);
    return frames;
  }

  /**
   * The scene's frames with one more trajectory frame included in order (a question about "frame k" must show
   * it); returns the list and where that frame is in it.
   */
  framesWith(sceneId: string, trajectoryIndex: number): { paths: string[]; position: number } {
    const base = this.framesOf(sceneId);
    const at = base.indices.indexOf(trajectoryIndex);
    if (at >= 0) return { paths: base.paths, position: at };
    const path = this.ensure(this.scene(sceneId), trajectoryIndex);
    const position = base.indices.filter((i) => i < trajectoryIndex).length;
    return { paths: [...base.paths.slice(0, position), path, ...base.paths.slice(position)], position };
  }
}

/** The images a question is shown and, when it names a trajectory frame, the sentence saying which image that is. */
export interface QuestionFrames {
  paths: string[];
  /** Put before the question; absent when the question names no frame. */
  context?: string;
}

/**
 * The frames every export shows with a question: the scene's evenly spread frames, plus the trajectory frame
 * the question names (`frame`, 0-based), if any. "In frame k of N" means the full trajectory while the model
 * sees a few frames, so it is told which image is frame k. One function for all formats, so a model trained
 * on one export sees the same images and words as it is evaluated with in another.
 */
export function questionFrames(frames: SceneFrameWriter, sceneId: string, frame: number | undefined): QuestionFrames {
  const scene = frames.framesOf(sceneId);
  if (frame === undefined || frame >= scene.trajectoryLength) return { paths: scene.paths };
  const withFrame = frames.framesWith(sceneId, frame);
  return {
    paths: withFrame.paths,
    context: `Frame ${frame + 1} of ${scene.trajectoryLength} of the video is image ${withFrame.position + 1} of ${withFrame.paths.length}.`,
  };
}

