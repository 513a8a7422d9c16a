import type { FrameInput } from "../../inference/index.js";

/** One frame and when it was captured (ms since the epoch). */
export interface CameraFrame {
  frame: FrameInput;
  tMs: number;
}

export interface CameraHealth {
  ok: boolean;
  /** What is wrong and since when, or a note such as "waiting for the first frame". */
  message?: string;
  /** `tMs` of the last frame handed to the consumer. */
  lastFrameTs: number | null;
  framesDelivered: number;
  /** Failures since the source was made. */
  errors: number;
  /** Failures since the last good frame; 0 while healthy. */
  consecutiveFailures: number;
  /** Frames handed to the consumer per second, over the last few seconds. */
  fps: number;
  /** Error lines from the decoder while frames flowed (ffmpeg sources). */
  decoderErrors?: number;
  /** Frames replaced by a newer one before the consumer took them (the model was busy). */
  framesDropped?: number;
}

/**
 * A camera as an async iterator of frames. A failing camera never makes `frames()` throw: the
 * failure shows in `health()` and the source retries with backoff, so the agent keeps running.
 * Aborting the signal, breaking out of the loop, or `close()` ends the iteration promptly.
 * One consumer at a time.
 */
export interface CameraSource {
  frames(signal: AbortSignal): AsyncIterable<CameraFrame>;
  health(): CameraHealth;
  close(): Promise<void>;
}
