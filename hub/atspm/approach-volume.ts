import { HIRES } from "../../protocol/index.js";
import type { AtspmDetector } from "./detectors.js";
import type { EventLog } from "./event-log.js";
import type { ApproachVolume } from "./schemas.js";


export function approachVolume(log: EventLog, table: readonly (AtspmDetector | undefined)[], binMinutes: number, fromMs?: number, toMs?: number): ApproachVolume[] {
  const hasAdvance = new Set<number>();
  for (const d of table) if (d?.kind === "advance") hasAdvance.add(d.phase);
  const binMs = binMinutes * 60_000;
  const start = fromMs ?? (log.length > 0 ? log.tsMs[0] : 0);
  const firstBin = Math.floor(start / binMs) * binMs;
  const end = toMs ?? (log.length > 0 ? log.tsMs[log.length - 1] + 1 : firstBin);
  const bins = Math.max(0, Math.ceil((end - firstBin) / binMs));
  const perPhase = new Map<number, Uint32Array>();
  const { tsMs, code, param } = log;
  for (let i = 0; i < log.length; i++) {
    if (code[i] !== HIRES.detectorOn) continue;
    const d = table[param[i]];
    if (d === undefined || (d.kind === "advance") !== hasAdvance.has(d.phase)) continue;
    const b = Math.floor((tsMs[i] - firstBin) / binMs);
    if (b < 0 || b >= bins) continue;
    let counts = perPhase.get(d.phase);
    if (counts === undefined) perPhase.set(d.phase, (counts = new Uint32Array(bins)));
    counts[b]++;
  }
  return [...perPhase.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([phase, counts]) => ({
      phase,
      detectorKind: hasAdvance.has(phase) ? "advance" : "stop-bar",
      binStartMs: Array.from(counts, (_, b) => firstBin + b * binMs),
      counts: Array.from(counts),
      flowVehPerHour: Array.from(counts, (c) => (c * 60) / binMinutes),
      total: counts.reduce((a, b) => a + b, 0),
    }));
}
