import { CONTROL_MODES, PrometheusText, type ControlMode } from "../../../protocol/index.js";

/** Everything `/metrics` reports, gathered by the agent at scrape time. */
export interface EdgeMetricsSnapshot {
  intersectionId: string;
  camera: { ok: boolean; framesDelivered: number; errors: number; decoderErrors: number; framesDropped: number; fps: number; lastFrameTs: number | null };
  framesProcessed: number;
  frameErrors: number;
  latency: { bounds: readonly number[]; cumulative: readonly number[]; sum: number; count: number };
  /** Objects the detector found (detector models), and vehicles counted, by approach. */
  detections: number;
  vehiclesCounted: Record<string, number>;
  /** Latest queue estimate (vehicles) by approach. */
  queueVeh: Record<string, number>;
  outbox: { pending: number; inFlight: number; delivered: number; dropped: number };
  link: { connected: boolean; reconnectAttempts: number };
  mode: ControlMode;
  uptimeS: number;
}

/** The agent's metrics as Prometheus text; one family per fact, `traffic_edge_` first. */
export function renderEdgeMetrics(m: EdgeMetricsSnapshot): string {
  const P = "traffic_edge_";
  const c = m.camera;
  return new PrometheusText()
    .family(`${P}camera_up`, "gauge", "Whether the camera delivers frames (1) or is failing (0).", [{ value: c.ok ? 1 : 0 }])
    .family(`${P}camera_frames_total`, "counter", "Frames the camera delivered to the model.", [{ value: c.framesDelivered }])
    .family(`${P}camera_errors_total`, "counter", "Camera failures (connection lost, stream ended, bad frame), each followed by a retry.", [{ value: c.errors }])
    .family(`${P}camera_decoder_errors_total`, "counter", "Decoder error lines while frames flowed (ffmpeg cameras).", [{ value: c.decoderErrors }])
    .family(`${P}camera_frames_dropped_total`, "counter", "Frames replaced by a newer one while the model was busy.", [{ value: c.framesDropped }])
    .family(`${P}camera_fps`, "gauge", "Frames per second the camera delivers, over the last few seconds.", [{ value: c.fps }])
    .family(`${P}camera_last_frame_timestamp_seconds`, "gauge", "When the last frame was captured (0: none yet).", [{ value: (c.lastFrameTs ?? 0) / 1000 }])
    .family(`${P}frames_processed_total`, "counter", "Frames counted by the model.", [{ value: m.framesProcessed }])
    .family(`${P}frame_errors_total`, "counter", "Frames the model could not process.", [{ value: m.frameErrors }])
    .histogram(`${P}inference_seconds`, "Seconds from a frame leaving the camera to its counts (decode, model, tracking, counting).", m.latency)
    .family(`${P}detections_total`, "counter", "Objects the detector found (detector models only).", [{ value: m.detections }])
    .family(
      `${P}vehicles_counted_total`,
      "counter",
      "Vehicles counted, by approach.",
      Object.entries(m.vehiclesCounted).map(([approach, value]) => ({ labels: { approach }, value })),
    )
    .family(
      `${P}queue_vehicles`,
      "gauge",
      "Vehicles queued, by approach (latest frame).",
      Object.entries(m.queueVeh).map(([approach, value]) => ({ labels: { approach }, value })),
    )
    .family(`${P}outbox_messages`, "gauge", "Messages in the on-disk outbox, in flight included.", [{ value: m.outbox.pending }])
    .family(`${P}outbox_in_flight`, "gauge", "Messages sent and waiting for the broker's PUBACK.", [{ value: m.outbox.inFlight }])
    .family(`${P}outbox_delivered_total`, "counter", "Messages the broker acknowledged since the start.", [{ value: m.outbox.delivered }])
    .family(`${P}outbox_dropped_total`, "counter", "Messages the outbox dropped to stay within its bound.", [{ value: m.outbox.dropped }])
    .family(`${P}link_up`, "gauge", "Whether the MQTT link to the hub is connected.", [{ value: m.link.connected ? 1 : 0 }])
    .family(`${P}link_reconnects_total`, "counter", "Reconnect attempts of the MQTT link.", [{ value: m.link.reconnectAttempts }])
    .family(
      `${P}controller_mode`,
      "gauge",
      "The controller's mode: 1 for the current one.",
      CONTROL_MODES.map((mode) => ({ labels: { mode }, value: mode === m.mode ? 1 : 0 })),
    )
    .family(`${P}uptime_seconds`, "gauge", "Seconds since the agent started.", [{ value: m.uptimeS }])
    .toString();
}
