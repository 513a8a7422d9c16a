/** Simulators: the traffic model and its bundled scenarios. */
export * from "./traffic/index.js";
export * from "./camera/index.js";
