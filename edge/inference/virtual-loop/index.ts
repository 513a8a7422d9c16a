export {
  ModelPoint,
  VirtualLoopZone,
  VirtualLoopSpec,
  parseVirtualLoopSpec,
  type VirtualLoopSpecInput,
} from "./spec.js";
export { rasterizePolygon, rasterizeZones, countPixels } from "./rasterize.js";
export { specHash } from "./spec-hash.js";
export { zonePixelIndex, zoneMembership, gatherZonePixels } from "./zone-pixels.js";
export {
  buildVirtualLoopModel,
  virtualLoopIoShapes,
  VirtualLoopIo,
  VIRTUAL_LOOP_GRAPH_VERSION,
  VIRTUAL_LOOP_PRODUCER,
} from "./build-model.js";
export { virtualLoopModelFile, virtualLoopModelFileName } from "./model-file.js";
export { MaxPresence } from "./max-presence.js";
export {
  VirtualLoopRunner,
  DEFAULT_MAX_PRESENCE_FRAMES,
  virtualLoopSessionOptions,
  type VirtualLoopRunnerOptions,
  type ZoneReadings,
} from "./runner.js";
