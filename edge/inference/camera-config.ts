import { parse as parseYaml } from "yaml";
import { CameraConfig, ValidationError, parseCameraConfig } from "../../protocol/index.js";
import type { CountingLine, CountingZone } from "./counting/index.js";

export { CameraConfig, parseCameraConfig, type CameraConfigInput } from "../../protocol/index.js";

/** Parses a camera configuration file's text; malformed text gives a one-line error with its place. */
export function loadCameraConfig(text: string, format: "json" | "yaml"): CameraConfig {
  let value: unknown;
  try {
    value = format === "json" ? JSON.parse(text) : parseYaml(text, { prettyErrors: true, logLevel: "error" });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const firstLine = message.split("\n").find((l) => l.trim() !== "") ?? "unreadable";
    throw new ValidationError(`camera: invalid ${format.toUpperCase()}: ${firstLine.trim().replace(/:$/, "")}`);
  }
  return parseCameraConfig(value);
}

/** Every counting line, tagged with its approach, for `LineCounter`. */
export function countingLinesOf(config: CameraConfig): CountingLine[] {
  return config.approaches.flatMap((a) =>
    a.lines.map((l) => ({ id: l.id, approachId: a.id, from: l.from, to: l.to, countDirection: l.countDirection })),
  );
}

/** Every zone, tagged with its approach, for `ZoneMonitor` and `LoopCounter` (in config order). */
export function countingZonesOf(config: CameraConfig): CountingZone[] {
  return config.approaches.flatMap((a) =>
    a.zones.map((z) => ({
      id: z.id,
      approachId: a.id,
      kind: z.kind,
      polygon: z.polygon,
      lanes: z.lanes,
      ...(z.capacityVeh === undefined ? {} : { capacityVeh: z.capacityVeh }),
    })),
  );
}

export function approachIdsOf(config: CameraConfig): string[] {
  return config.approaches.map((a) => a.id);
}

/** Each zone's hi-res detector channel: its `channel`, or its position among the camera's zones (1 first). */
export function detectorChannelsOf(config: { approaches: readonly { zones: readonly { id: string; channel?: number | undefined }[] }[] }): Map<string, number> {
  const out = new Map<string, number>();
  let n = 0;
  for (const a of config.approaches) {
    for (const z of a.zones) {
      n++;
      out.set(z.id, z.channel ?? n);
    }
  }
  return out;
}
