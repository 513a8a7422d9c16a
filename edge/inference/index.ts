export { Detector, DetectorConfig, detectStream, countByVehicleClass } from "./detector.js";
export type { DetectorConfigInput, DetectionResult, ObjectDetection, PreparedFrame } from "./detector.js";
export { ModelFamily, MODEL_FAMILIES, UnsupportedLayoutError } from "./adapters/index.js";
export { ModelFileError, readOnnxFileInfo } from "./model-file.js";
export { ImageInputError, RawRgbFrame, openImage } from "./image-input.js";
export type { FrameInput } from "./image-input.js";
export { CameraConfig, parseCameraConfig, loadCameraConfig, countingLinesOf, countingZonesOf, approachIdsOf, detectorChannelsOf } from "./camera-config.js";
export type { CameraConfigInput } from "./camera-config.js";
export {
  DetectorVehicleCounter,
  VirtualLoopVehicleCounter,
  virtualLoopSpecOf,
  DEFAULT_MODEL_CACHE,
} from "./vehicle-counter.js";
export type { VehicleCounter, FrameReport, AreaSample, TimedFrame, VirtualLoopCounterOptions } from "./vehicle-counter.js";
export { COCO_NAMES, COCO_VEHICLE_CLASSES } from "./coco.js";
export type { Box, Detection, IntervalMeasures, CountSample } from "./counting/index.js";
