export * from "./types.js";
export * from "./geometry.js";
export * from "./tracker.js";
export * from "./line-counter.js";
export * from "./zone-monitor.js";
export * from "./loop-counter.js";
export * from "./measures-aggregator.js";
