import { PrometheusText, type PrometheusSample } from "../../protocol/index.js";
import type { HubMetrics } from "../features/index.js";
import type { LiveStats } from "./live/index.js";
import { heapFigures, type HeapFigures } from "../heap-figures.js";

function byLabel(label: string, values: Record<string, number>): PrometheusSample[] {
  return Object.entries(values).map(([key, value]) => ({ labels: { [label]: key }, value }));
}

/** The hub's counters in Prometheus text exposition format 0.0.4. */
export function renderMetrics(m: HubMetrics, live: LiveStats): string {
  const out = new PrometheusText();
  const P = "traffic_hub_";
  out.family(`${P}ingest_messages_total`, "counter", "Edge messages accepted, by kind.", byLabel("kind", m.ingest.messages));
  out.family(`${P}ingest_rejects_total`, "counter", "Edge messages rejected, by reason.", byLabel("reason", m.ingest.rejects));
  out.family(`${P}broker_connected`, "gauge", "Whether the hub's own MQTT connection is up (1) or not (0).", [{ value: m.ingest.connected ? 1 : 0 }]);
  out.family(`${P}plans_published_total`, "counter", "Plans published to intersections.", [{ value: m.plansPublished }]);
  out.family(`${P}plan_failures_total`, "counter", "Plans that could not be computed, passed the rules check, or be published.", [{ value: m.planFailures }]);
  out.family(`${P}commands_sent_total`, "counter", "Operator commands published.", [{ value: m.commandsSent }]);
  out.family(`${P}intersections`, "gauge", "Intersections configured, and known (heard of).", [
    { labels: { state: "configured" }, value: m.intersectionsConfigured },
    { labels: { state: "known" }, value: m.intersectionsKnown },
  ]);
  out.family(`${P}websocket_clients`, "gauge", "Live stream clients connected.", [{ value: live.clients }]);
  out.family(`${P}websocket_lagging_clients`, "gauge", "Live stream clients over their send buffer cap.", [{ value: live.laggingClients }]);
  out.family(`${P}websocket_updates_sent_total`, "counter", "Live updates sent (one per client per flush).", [{ value: live.updatesSent }]);
  out.family(`${P}websocket_updates_skipped_total`, "counter", "Live updates not sent to a client whose buffer was over the cap.", [{ value: live.updatesSkipped }]);
  out.family(`${P}websocket_clients_terminated_total`, "counter", "Live clients disconnected for staying over the cap.", [{ value: live.clientsTerminated }]);
  out.family(`${P}websocket_clients_refused_total`, "counter", "Live clients turned away because the stream was full.", [{ value: live.clientsRefused }]);
  out.family(`${P}websocket_replies_held_back_total`, "counter", "Replies held back or dropped because the client's buffer was over the cap.", [{ value: live.repliesHeldBack }]);
  out.family(`${P}alarm_records`, "gauge", "Alarm records on the board (bounded).", [{ value: m.alarms.records }]);
  out.family(`${P}alarm_records_evicted_total`, "counter", "Alarm records dropped to keep the board within its bound.", [{ value: m.alarms.evicted }]);
  const ts = m.timeSeries;
  out.family(`${P}timeseries_configured`, "gauge", "Whether a time-series server is configured.", [{ value: ts === null ? 0 : 1 }]);
  out.family(`${P}timeseries_buffered_lines`, "gauge", "Lines waiting for the time-series server.", [{ value: ts?.bufferedLines ?? 0 }]);
  out.family(`${P}timeseries_spilled_lines`, "gauge", "Of the lines waiting, those spilled to disk (dataDir) beyond the memory bound.", [{ value: ts?.spilledLines ?? 0 }]);
  out.family(`${P}timeseries_dropped_lines_total`, "counter", "Lines lost (buffer bound, retry time, or left at close).", [{ value: ts?.droppedLines ?? 0 }]);
  out.family(`${P}timeseries_written_lines_total`, "counter", "Lines the time-series server accepted.", [{ value: ts?.writtenLines ?? 0 }]);
  if (m.broker !== null) {
    out.family(`${P}broker_clients`, "gauge", "MQTT clients connected to the embedded broker.", [{ value: m.broker.clientsConnected }]);
    out.family(`${P}broker_auth_failures_total`, "counter", "Refused MQTT logins.", [{ value: m.broker.authFailures }]);
    out.family(`${P}broker_denied_publishes_total`, "counter", "Publishes dropped by the ACL, size limit or rate limit.", [{ value: m.broker.deniedPublishes }]);
    out.family(`${P}broker_denied_subscribes_total`, "counter", "Subscriptions refused by the ACL.", [{ value: m.broker.deniedSubscribes }]);
    out.family(`${P}broker_refusals_total`, "counter", "Connections, logins and messages refused by the broker's hardening, by reason.", byLabel("reason", m.broker.refusals));
  }
  // What a memory figure is made of (docs/benchmarks.md, bench:hostile): live JS heap vs. V8's and the allocator's capacity.
  const mem = process.memoryUsage();
  out.family(`${P}process_memory_bytes`, "gauge", "The hub process's memory: rss, V8 heap total and used, external, array buffers.", [
    { labels: { kind: "rss" }, value: mem.rss },
    { labels: { kind: "heap_total" }, value: mem.heapTotal },
    { labels: { kind: "heap_used" }, value: mem.heapUsed },
    { labels: { kind: "external" }, value: mem.external },
    { labels: { kind: "array_buffers" }, value: mem.arrayBuffers },
  ]);
  const heaps: [string, HeapFigures][] = [["main", heapFigures()]];
  if (m.brokerHeap) heaps.push(["broker", m.brokerHeap]);
  out.family(`${P}heap_bytes`, "gauge", "Each V8 isolate's heap (thread main or broker): committed size and bytes in use, in total and per V8 space, plus external and malloced memory.", heaps.flatMap(([thread, h]) => heapSamples(thread, h)));
  return out.toString();
}

function heapSamples(thread: string, h: HeapFigures): PrometheusSample[] {
  const samples: PrometheusSample[] = [
    { labels: { thread, space: "total", kind: "size" }, value: h.size },
    { labels: { thread, space: "total", kind: "used" }, value: h.used },
    { labels: { thread, space: "external", kind: "size" }, value: h.external },
    { labels: { thread, space: "malloced", kind: "size" }, value: h.malloced },
  ];
  for (const [space, s] of Object.entries(h.spaces)) samples.push({ labels: { thread, space, kind: "size" }, value: s.size }, { labels: { thread, space, kind: "used" }, value: s.used });
  return samples;
}
