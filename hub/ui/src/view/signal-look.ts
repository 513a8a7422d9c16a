import type { SignalState } from "../net/contract.js";

export type SignalShape = "circle" | "triangle" | "square" | "burst" | "dash";

export interface SignalLook {
  /** Text shown on the head: never colour alone, for colour-blind operators. */
  label: "G" | "Y" | "R" | "FL" | "DK";
  shape: SignalShape;
  /** CSS class carrying the colour. */
  tone: "green" | "yellow" | "red" | "flash-yellow" | "flash-red" | "dark";
  description: string;
}

/** Each state differs in label AND shape AND colour: green circle, yellow triangle, red square, flash burst. */
export function signalLook(state: SignalState): SignalLook {
  switch (state) {
    case "G":
      return { label: "G", shape: "circle", tone: "green", description: "green" };
    case "Y":
      return { label: "Y", shape: "triangle", tone: "yellow", description: "yellow" };
    case "R":
      return { label: "R", shape: "square", tone: "red", description: "red" };
    case "FY":
      return { label: "FL", shape: "burst", tone: "flash-yellow", description: "flashing yellow" };
    case "FR":
      return { label: "FL", shape: "burst", tone: "flash-red", description: "flashing red" };
    case "DK":
      return { label: "DK", shape: "dash", tone: "dark", description: "dark" };
  }
}

/** Groups in a stable, readable order: vehicle groups by approach, pedestrian groups last. */
export function orderedGroups(groups: Record<string, SignalState>): [string, SignalState][] {
  return Object.entries(groups).sort(([a], [b]) => {
    const pa = /^P\d/.test(a) ? 1 : 0;
    const pb = /^P\d/.test(b) ? 1 : 0;
    return pa - pb || a.localeCompare(b, undefined, { numeric: true });
  });
}

/**
 * The one state that sums up an intersection's heads on a crowded map: green if any vehicle group
 * is green, else yellow, else flashing, else red; dark only when everything is dark.
 */
export function dominantState(groups: Record<string, SignalState> | null): SignalState | null {
  if (!groups) return null;
  let seen = 0;
  let best: SignalState = "DK";
  const rank: Record<SignalState, number> = { G: 5, Y: 4, FY: 3, FR: 2, R: 1, DK: 0 };
  for (const [id, state] of Object.entries(groups)) {
    if (/^P\d/.test(id)) continue;
    seen++;
    if (rank[state] > rank[best]) best = state;
  }
  return seen === 0 ? null : best;
}
