export * from "./topics.js";
export * from "./schemas.js";
export * from "./codec.js";
export * from "./validation.js";
export { disableNagle } from "./no-delay.js";
export { PhaseTimingFields, checkPhaseTiming } from "./phase-timing.js";
export { PrometheusText, type Sample as PrometheusSample } from "./prometheus-text.js";
export * from "./camera-config.js";
