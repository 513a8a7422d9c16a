import type { Congestion, Health } from "../state/classify.js";
import type { SignalState } from "../net/contract.js";

/** Colours for the canvas, matching the CSS variables in styles.css (dark control-room theme). */
export const CONGESTION_COLOUR: Record<Congestion, string> = {
  low: "#3fb950",
  medium: "#d29922",
  high: "#f0883e",
  over: "#f85149",
  unknown: "#6e7681",
};

export const HEALTH_COLOUR: Record<Health, string> = {
  adaptive: "#c9d1d9",
  fallback: "#e3b341",
  manual: "#58a6ff",
  flash: "#ff7b72",
  offline: "#8b949e",
  unknown: "#6e7681",
};

export const SIGNAL_COLOUR: Record<SignalState, string> = {
  G: "#2ea043",
  Y: "#e3b341",
  R: "#da3633",
  FY: "#e3b341",
  FR: "#da3633",
  DK: "#484f58",
};
