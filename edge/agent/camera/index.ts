export type { CameraSource, CameraFrame, CameraHealth } from "./camera-source.js";
export {
  CameraSourceConfig,
  FolderSourceConfig,
  HttpSnapshotSourceConfig,
  MjpegSourceConfig,
  RtspSourceConfig,
  V4l2SourceConfig,
  SimulatorSourceConfig,
  parseCameraSourceConfig,
  type CameraSourceConfigInput,
} from "./config.js";
export { createCameraSource } from "./create-camera-source.js";
export { FolderSource, FOLDER_IMAGE_EXTENSIONS, type FolderSourceSettings } from "./folder-source.js";
export { HttpSnapshotSource, type HttpSnapshotSourceSettings } from "./http-snapshot-source.js";
export { MjpegSource, type MjpegSourceSettings } from "./mjpeg-source.js";
export { FfmpegSource, type FfmpegSourceSettings } from "./ffmpeg-source.js";
export { HWACCELS, rtspArgs, v4l2Args, rtspLabel, redactCredentials, type Hwaccel } from "./ffmpeg-args.js";
export { PushSource, CallbackSource } from "./push-source.js";
export type { CameraSourceOptions } from "./source-runtime.js";
export { type Clock, systemClock } from "./clock.js";
export { CameraError } from "./camera-error.js";
export { MjpegParser, parseStreamFraming, type StreamFraming } from "./mjpeg-parser.js";
