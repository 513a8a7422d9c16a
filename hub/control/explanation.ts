/** Why a plan was chosen, as plain data beside the plan (the dashboard shows it; `reason` says it in a sentence). */
export interface PlanExplanation {
  policy: "webster" | "max-pressure" | "fixed";
  /** Σ critical ratios, standing queues included. */
  Y: number;
  /** Σ critical ratios from counted flow alone. */
  flowY: number;
  /** Σ critical ratios the cycle was set from (`cycleFrom`: the longer-horizon flow, or `Y`). */
  cycleY: number;
  /** Lost time per cycle (s). */
  L: number;
  /** Webster's unbounded optimum; null when Y ≥ 1. */
  C0: number | null;
  cycleS: number;
  offsetS: number;
  /** Displayed green per phase ("2" → 34). */
  greens: Record<string, number>;
  /** Critical ratio per phase, queue included. */
  criticalRatios: Record<string, number>;
  /** Max-pressure weights per phase (vehicles); null for Webster. */
  pressures: Record<string, number> | null;
  oversaturated: boolean;
  /** Which configured cycle bound cut Webster's cycle, if one did. */
  boundedBy: "min-cycle" | "max-cycle" | null;
  smoothed: { fromCycleS: number; targetCycleS: number; cycleLimited: boolean; cycleHeld: boolean; weight: number } | null;
  corridor: CorridorExplanation | null;
  /** Configured approaches with no measures yet (they count as no traffic). */
  unmeasuredApproaches: string[];
  /** Permissive-capable phases: whether the plan leaves each out, and the left-turn × opposing flow that decided it. */
  omissions: { phase: number; omitted: boolean; crossProduct: number; limit: number }[];
}

export interface CorridorExplanation {
  id: string;
  /** False when the common cycle is outside what this intersection can run: it runs alone. */
  coordinated: boolean;
  commonCycleS: number;
  travelS: number;
  mainPhase: number;
  mainPhaseStartS: number;
}

export interface PhaseNote {
  phase: number;
  ratio: number;
  queueVeh: number;
  pressureVeh: number | null;
}

/** "Webster: Y=0.62 L=16s → C0=88.4s, C=88s; phase 2 y=0.34, phase 4 y=0.28; smoothed from 92s". */
export function reasonSentence(e: PlanExplanation, phases: readonly PhaseNote[], headline: string): string {
  const parts: string[] = [];
  const cycle = `C=${fmt(e.cycleS)}s`;
  if (e.policy === "max-pressure") {
    parts.push(`${headline}: ${cycle}; Y=${e.Y.toFixed(2)} L=${fmt(e.L)}s`);
    parts.push(phases.map((p) => `phase ${p.phase} pressure=${(p.pressureVeh ?? 0).toFixed(1)} veh`).join(", "));
  } else {
    const c0 = e.C0 === null ? "C0=∞" : `C0=${e.C0.toFixed(1)}s`;
    const over = e.oversaturated ? "oversaturated, " : "";
    const bound = e.oversaturated ? " (max cycle, greens balance queues)" : boundNote(e);
    parts.push(`${headline}: ${over}Y=${e.cycleY.toFixed(2)} L=${fmt(e.L)}s → ${c0}, ${cycle}${bound}`);
    parts.push(phases.map((p) => `phase ${p.phase} y=${p.ratio.toFixed(2)}${p.queueVeh >= 1 ? ` (queue ${Math.round(p.queueVeh)} veh)` : ""}`).join(", "));
  }
  if (e.smoothed !== null && e.smoothed.cycleHeld && Math.round(e.smoothed.targetCycleS) !== e.smoothed.fromCycleS) {
    parts.push(`cycle held at ${fmt(e.smoothed.fromCycleS)}s (target ${Math.round(e.smoothed.targetCycleS)}s)`);
  } else if (e.smoothed !== null && (e.smoothed.fromCycleS !== e.cycleS || e.smoothed.cycleLimited)) {
    parts.push(`smoothed from ${fmt(e.smoothed.fromCycleS)}s${e.smoothed.cycleLimited ? ` (target ${Math.round(e.smoothed.targetCycleS)}s)` : ""}`);
  }
  if (e.corridor !== null) {
    parts.push(
      e.corridor.coordinated
        ? `corridor ${e.corridor.id}: common cycle ${fmt(e.corridor.commonCycleS)}s, offset ${fmt(e.offsetS)}s (travel ${e.corridor.travelS.toFixed(1)}s, phase ${e.corridor.mainPhase} green at +${fmt(e.corridor.mainPhaseStartS)}s)`
        : `corridor ${e.corridor.id}: cannot run the common cycle ${fmt(e.corridor.commonCycleS)}s, running alone`,
    );
  }
  for (const o of e.omissions) {
    const figures = `left × opposing flow ${Math.round(o.crossProduct / 1000)}k vs ${Math.round(o.limit / 1000)}k`;
    parts.push(o.omitted ? `phase ${o.phase} omitted, its turns run permissive (${figures})` : `phase ${o.phase} protected (${figures})`);
  }
  if (e.unmeasuredApproaches.length > 0) {
    const shown = e.unmeasuredApproaches.slice(0, 4).join(", ");
    parts.push(`no measures yet for ${shown}${e.unmeasuredApproaches.length > 4 ? ` (+${e.unmeasuredApproaches.length - 4} more)` : ""}`);
  }
  const sentence = parts.filter((p) => p !== "").join("; ");
  return sentence.length <= 1000 ? sentence : `${sentence.slice(0, 999)}…`;
}

function boundNote(e: PlanExplanation): string {
  return e.boundedBy === null ? "" : ` (${e.boundedBy === "min-cycle" ? "min" : "max"} cycle)`;
}

/** Whole seconds as integers, others to 0.1 s. */
function fmt(s: number): string {
  return Number.isInteger(s) ? String(s) : s.toFixed(1);
}
