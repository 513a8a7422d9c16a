export { createIngest, startIngest, ingestFilters, type Ingest, type IngestOptions } from "./ingest.js";
export { IngestConfig, Regions, parseIngestConfig, type IngestConfigInput } from "./config.js";
export { IngestPipeline, INGEST_REJECT_REASONS, EDGE_KINDS, type IngestRejectReason, type IngestListener, type IngestStats, type PipelineOptions } from "./pipeline.js";
export { IntersectionStore, type IntersectionState, type IntersectionStoreOptions, type EdgeKind } from "./intersection-store.js";
export { SeqWindow, type SeqVerdict } from "./seq-window.js";
export { createSeqSource } from "./seq-source.js";
