import { availableParallelism } from "node:os";
import * as ort from "onnxruntime-node";
import { z } from "zod";
import { ModelFileError, readOnnxFileInfo, type OnnxFileInfo } from "./model-file.js";

/** How to run a model: execution providers in order of preference, and thread counts. */
export const SessionConfig = z.object({
  executionProviders: z.array(z.enum(["cpu", "cuda", "tensorrt", "webgpu"])).min(1).default(["cpu"]),
  /** Fall back to CPU when a listed accelerator is missing on this machine, instead of failing. */
  fallbackToCpu: z.boolean().default(true),
  /** onnxruntime's intra-op threads; default: the machine's cores less one (kept for frame decoding). */
  intraOpThreads: z.number().int().min(1).max(64).optional(),
  interOpThreads: z.number().int().min(1).max(64).optional(),
});
export type SessionConfig = z.infer<typeof SessionConfig>;

export interface LoadedSession {
  session: ort.InferenceSession;
  file: OnnxFileInfo;
  providers: string[];
  inputName: string;
  /** [N, C, H, W] with symbolic dims as -1. */
  inputShape: number[];
}

/** Open an ONNX model: read its header and metadata first, so a non-model gets a clear error. */
export async function loadSession(path: string, config: SessionConfig, log?: (msg: string) => void): Promise<LoadedSession> {
  const file = await readOnnxFileInfo(path);
  const options = (providers: string[]): ort.InferenceSession.SessionOptions => ({
    executionProviders: providers,
    graphOptimizationLevel: "all",
    // Default: every core but one, which is left to decoding the next frame (sharp) while the model
    // runs, so the pipeline overlaps instead of fighting the model for cores.
    intraOpNumThreads: config.intraOpThreads ?? Math.max(1, availableParallelism() - 1),
    ...(config.interOpThreads ? { interOpNumThreads: config.interOpThreads } : {}),
  });
  let providers = [...config.executionProviders];
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, options(providers));
  } catch (err) {
    const onlyCpu = providers.every((p) => p === "cpu");
    if (onlyCpu || !config.fallbackToCpu) throw new ModelFileError(`${path}: cannot load model (${firstLine(err)})`);
    log?.(`execution providers ${providers.join(",")} unavailable (${firstLine(err)}); using cpu`);
    providers = ["cpu"];
    session = await ort.InferenceSession.create(path, options(providers)).catch((e: unknown) => {
      throw new ModelFileError(`${path}: cannot load model (${firstLine(e)})`);
    });
  }
  const input = session.inputMetadata[0];
  if (!input || session.inputNames.length !== 1) {
    throw new ModelFileError(`${path}: expected one image input, found ${session.inputNames.length} inputs`);
  }
  const shape = input.isTensor ? input.shape.map((d) => (typeof d === "number" && d > 0 ? d : -1)) : [];
  if (shape.length !== 4 || (shape[1] !== 3 && shape[1] !== -1)) {
    throw new ModelFileError(`${path}: expected an image input [1, 3, H, W], got [${shape.join(", ")}]`);
  }
  return { session, file, providers, inputName: session.inputNames[0]!, inputShape: shape };
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0] ?? text;
}
