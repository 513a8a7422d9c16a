import { readFile, readdir } from "node:fs/promises";
import { extname, join } from "node:path";
import { CameraError, describeFailure } from "./camera-error.js";
import type { CameraFrame, CameraHealth, CameraSource } from "./camera-source.js";
import { FramePacer } from "./frame-pacer.js";
import { previewBytes, sniffImageType } from "./image-bytes.js";
import { SourceRuntime, type CameraSourceOptions } from "./source-runtime.js";

export interface FolderSourceSettings {
  path: string;
  fps: number;
  /** Start again from the first image after the last; otherwise the iteration ends there. */
  loop: boolean;
}

export const FOLDER_IMAGE_EXTENSIONS: readonly string[] = [".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff"];

/** The images of a folder at `fps`, in name order: a recorded camera, or a demo. */
export class FolderSource implements CameraSource {
  private readonly runtime: SourceRuntime;

  constructor(
    private readonly settings: FolderSourceSettings,
    options: CameraSourceOptions = {},
  ) {
    this.runtime = new SourceRuntime(options, settings.path);
  }

  async *frames(signal: AbortSignal): AsyncGenerator<CameraFrame> {
    const run = this.runtime.start(signal);
    const pacer = new FramePacer(this.settings.fps, this.runtime.clock);
    let files: string[] | null = null;
    let index = 0;
    try {
      while (!run.signal.aborted) {
        if (files === null || index >= files.length) {
          if (files !== null && !this.settings.loop) {
            this.runtime.health.note(`played all ${files.length} images of ${this.settings.path}; not looping`);
            return;
          }
          // Listed again on every pass, so images added or removed meanwhile are seen.
          files = await this.list(run.signal);
          index = 0;
          if (files === null) continue;
        }
        await pacer.wait(run.signal);
        if (run.signal.aborted) break;
        const tMs = this.runtime.clock.now();
        pacer.mark();
        const name = files[index++]!;
        const bytes = await this.read(name, run.signal);
        if (bytes === null) continue;
        const frame: CameraFrame = { frame: bytes, tMs };
        this.runtime.health.succeeded();
        this.runtime.health.delivered(frame.tMs);
        yield frame;
      }
    } finally {
      run.finish();
    }
  }

  /** Image file names in order, or null after a failure has been recorded and waited out. */
  private async list(signal: AbortSignal): Promise<string[] | null> {
    const { path } = this.settings;
    try {
      const entries = await readdir(path, { withFileTypes: true });
      const names = entries
        .filter((e) => e.isFile() && FOLDER_IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase()))
        .map((e) => e.name)
        .sort(byName);
      if (names.length === 0) throw new CameraError(`folder ${path} holds no images (${FOLDER_IMAGE_EXTENSIONS.join(", ")})`);
      return names;
    } catch (err) {
      if (signal.aborted) return null;
      await this.runtime.retryAfter(describeFolderFailure(path, err), signal);
      return null;
    }
  }

  private async read(name: string, signal: AbortSignal): Promise<Uint8Array | null> {
    const file = join(this.settings.path, name);
    try {
      const bytes = await readFile(file, { signal });
      if (sniffImageType(bytes) === null) throw new CameraError(`${file} is not an image (starts ${previewBytes(bytes)})`);
      return bytes;
    } catch (err) {
      if (signal.aborted) return null;
      await this.runtime.retryAfter(describeFolderFailure(file, err), signal);
      return null;
    }
  }

  health(): CameraHealth {
    return this.runtime.snapshot();
  }

  async close(): Promise<void> {
    this.runtime.close();
  }
}

/** Name order that reads numbers as numbers: frame-2 before frame-10. */
function byName(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

function describeFolderFailure(path: string, err: unknown): string {
  if (err instanceof CameraError) return err.message;
  const code = typeof err === "object" && err !== null && "code" in err ? (err as { code: unknown }).code : undefined;
  if (code === "ENOENT") return `${path} does not exist`;
  if (code === "ENOTDIR") return `${path} is not a folder`;
  if (code === "EACCES") return `${path}: permission denied`;
  return `${path}: ${describeFailure(err)}`;
}
