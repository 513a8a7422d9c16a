/** Simulated overhead cameras: frames of the traffic simulation, their camera configuration and ground truth. */
export { CameraRenderer, encodeJpeg, type FrameTruth, type RenderedFrame, type ZoneTruth } from "./camera-renderer.js";
export { cameraAtspmConfig, cameraAtspmDetectors, cameraConfigFor, type CameraAtspmDetector } from "./camera-config.js";
export { CameraRendererOptions, LightingDrift, parseCameraRendererOptions, type CameraRendererOptionsInput } from "./options.js";
export { countAccuracy, type CountAccuracy } from "./count-accuracy.js";
export { layoutIntersection, toPixel, type IntersectionLayout, type ApproachLayout, type Vec, type View } from "./layout.js";
export { LOOP_MODEL_PX, QUEUE_SPACING_M, virtualLoopScale } from "./camera-zones.js";
export { vehicleLook, VEHICLE_WIDTH_M, ASPHALT_RGB, type VehicleLook, type Rgb } from "./vehicle-look.js";
