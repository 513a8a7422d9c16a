export { createRecorder, Recorder, RecorderConfig, NO_SERVER_MESSAGE, type RecorderConfigInput } from "./recorder.js";
export { TimeSeriesWriter, TimeSeriesWriterOptions, type TimeSeriesWriterInput, type WriterStats, type WriterDeps } from "./writer.js";
export {
  MemoryHistory,
  MemoryHistoryOptions,
  historyBoundsFor,
  type MemoryHistoryInput,
  type ApproachSample,
  type MemoryHistorySizes,
} from "./memory-history.js";
export { MEASUREMENTS, SIGNAL_STATE_CODES, CONTROL_MODE_CODES } from "./points.js";
export { HiResHistory, HiResHistoryOptions, hiResBoundsFor, type HiResHistoryInput } from "./hires-history.js";
export { TextRing } from "./text-ring.js";
