import { decodeMessage, REJECT_REASONS, type DecodeResult, type PayloadByKind } from "../../protocol/index.js";
import { IntersectionStore, type EdgeKind } from "./intersection-store.js";
import { SeqWindow, DEFAULT_SEQ_WINDOW } from "./seq-window.js";

export const INGEST_REJECT_REASONS = [...REJECT_REASONS, "duplicate", "stale", "region_mismatch", "clock_skew", "unknown_approach"] as const;

/** Distinct approach ids accepted from an intersection the configuration does not describe. */
export const MAX_UNCONFIGURED_APPROACHES = 16;
export type IngestRejectReason = (typeof INGEST_REJECT_REASONS)[number];

export const EDGE_KINDS: readonly EdgeKind[] = ["measures", "signal", "events", "status"];

/**
 * Called synchronously on the ingest path for every accepted message. It must not block: do the
 * little that is needed (update a value, push to a queue) and return; slow work goes elsewhere.
 * A listener that throws is counted and logged; the others still run.
 */
export type IngestListener<K extends EdgeKind> = (payload: PayloadByKind[K], region: string) => void;

export interface IngestStats {
  /** Accepted messages per kind (`plan`: plans seen on the broker, the hub's own included). */
  messages: Record<EdgeKind | "plan" | "snapshot" | "config", number>;
  rejects: Record<IngestRejectReason, number>;
  intersections: number;
  listenerErrors: number;
}

export interface PipelineOptions {
  store?: IntersectionStore;
  seqWindow?: number;
  now?: () => number;
  onReject?: (reason: IngestRejectReason, topic: string, error: string) => void;
  onListenerError?: (kind: EdgeKind | "snapshot" | "config", err: unknown) => void;
  /** The region the hub's configuration puts an intersection in, if it names it. */
  configuredRegion?: (intersectionId: string) => string | undefined;
  /**
   * Plausible device clocks against the hub's (`now`): an edge message whose `ts` is more than
   * `aheadMs` ahead or `behindMs` behind is rejected as `clock_skew`, before the duplicate filter,
   * so it can neither move a seq window nor stand for an agent restart. Off when not given.
   */
  clockSkew?: ClockSkewLimits;
  /** A device's clock went implausible (`skewed`), or is plausible again: called once per change, not per message. */
  onClockSkew?: (intersectionId: string, region: string, skewed: boolean, message: string) => void;
  /**
   * The approach ids the configuration gives an intersection, if it describes it. Measures naming
   * another approach are rejected (`unknown_approach`): approach ids become time-series tags and
   * history keys, so a device must not be able to invent them. An intersection not configured may
   * use its first `MAX_UNCONFIGURED_APPROACHES` ids.
   */
  configuredApproaches?: (intersectionId: string) => ReadonlySet<string> | undefined;
}

export interface ClockSkewLimits {
  aheadMs: number;
  /** Store-and-forward replays after an outage are legitimately old; a last will is exempt (it carries its connect's `ts`). */
  behindMs: number;
}

type Windows = Partial<Record<EdgeKind, SeqWindow>>;
type ListenerSets = { [K in EdgeKind]: Set<IngestListener<K>> };

/**
 * The ingest's message path with no I/O: decode and validate, drop duplicates, update the store,
 * notify listeners. Never throws for anything a sender can put on the wire.
 */
export class IngestPipeline {
  readonly store: IntersectionStore;
  private readonly seqWindow: number;
  private readonly now: () => number;
  private readonly onReject: NonNullable<PipelineOptions["onReject"]>;
  private readonly onListenerError: NonNullable<PipelineOptions["onListenerError"]>;
  private readonly configuredRegion: NonNullable<PipelineOptions["configuredRegion"]>;
  private readonly clockSkew: ClockSkewLimits | null;
  private readonly onClockSkew: NonNullable<PipelineOptions["onClockSkew"]>;
  /** Devices whose last message had an implausible `ts`. */
  private readonly skewed = new Set<string>();
  private readonly configuredApproaches: NonNullable<PipelineOptions["configuredApproaches"]>;
  private readonly approachesHeard = new Map<string, Set<string>>();
  private readonly windows = new Map<string, Windows>();
  private readonly listeners: ListenerSets = { measures: new Set(), signal: new Set(), events: new Set(), status: new Set() };
  private readonly messages: IngestStats["messages"] = { measures: 0, signal: 0, events: 0, status: 0, plan: 0, snapshot: 0, config: 0 };
  /** Camera snapshots are the latest picture only: no history, no duplicate window (QoS 0). */
  private readonly snapshotListeners = new Set<(payload: PayloadByKind["snapshot"], region: string) => void>();
  /** Controller configurations (`…/config`): the latest per intersection matters, so no duplicate window either. */
  private readonly configListeners = new Set<(payload: PayloadByKind["config"], region: string) => void>();
  private readonly rejects = Object.fromEntries(INGEST_REJECT_REASONS.map((r) => [r, 0])) as Record<IngestRejectReason, number>;
  private listenerErrors = 0;

  constructor(options: PipelineOptions = {}) {
    this.store = options.store ?? new IntersectionStore();
    this.seqWindow = options.seqWindow ?? DEFAULT_SEQ_WINDOW;
    this.now = options.now ?? Date.now;
    this.onReject = options.onReject ?? (() => undefined);
    this.onListenerError = options.onListenerError ?? (() => undefined);
    this.configuredRegion = options.configuredRegion ?? (() => undefined);
    this.clockSkew = options.clockSkew ?? null;
    this.onClockSkew = options.onClockSkew ?? (() => undefined);
    this.configuredApproaches = options.configuredApproaches ?? (() => undefined);
  }

  /** Add a listener for one kind; returns a function that removes it. */
  on<K extends EdgeKind>(kind: K, listener: IngestListener<K>): () => void {
    const set = this.listeners[kind] as Set<IngestListener<K>>;
    set.add(listener);
    return () => void set.delete(listener);
  }

  /** Add a listener for camera snapshots; returns a function that removes it. */
  onSnapshot(listener: (payload: PayloadByKind["snapshot"], region: string) => void): () => void {
    this.snapshotListeners.add(listener);
    return () => void this.snapshotListeners.delete(listener);
  }

  /** Add a listener for controller configurations; returns a function that removes it. */
  onControllerConfig(listener: (payload: PayloadByKind["config"], region: string) => void): () => void {
    this.configListeners.add(listener);
    return () => void this.configListeners.delete(listener);
  }

  handle(topic: string, raw: Uint8Array | string): void {
    this.accept(topic, decodeMessage(topic, raw));
  }

  /** A message `decodeMessage` already decoded (in the broker's thread, say): the rest of `handle`. */
  accept(topic: string, decoded: DecodeResult): void {
    if (!decoded.ok) return this.reject(decoded.reason, topic, decoded.error);
    // Intersection ids are unique across the city: one region's message never lands on another
    // region's intersection of the same id (the configured region, else the first one heard).
    const id = decoded.payload.intersectionId;
    const region = this.configuredRegion(id) ?? this.store.get(id)?.region;
    if (region !== undefined && region !== decoded.region) {
      return this.reject("region_mismatch", topic, `intersection ${id} is in region ${region}, not ${decoded.region}`);
    }
    const receivedAtMs = this.now();
    if (decoded.kind !== "plan" && decoded.kind !== "command" && !this.plausible(decoded.kind, decoded.payload, decoded.region, receivedAtMs, topic)) return;
    switch (decoded.kind) {
      case "plan":
        this.messages.plan++;
        this.store.applyPlan(decoded.region, decoded.payload);
        return;
      case "command":
        return this.reject("bad_topic", topic, "command: the hub does not ingest commands");
      case "snapshot":
        this.messages.snapshot++;
        this.callEach("snapshot", this.snapshotListeners, decoded.payload, decoded.region);
        return;
      case "config":
        this.messages.config++;
        this.callEach("config", this.configListeners, decoded.payload, decoded.region);
        return;
      case "status":
        // A last will carries the seq of the connect it was registered at: it must never be dropped as old.
        if (decoded.payload.online && !this.isNew("status", decoded.payload, topic)) return;
        this.messages.status++;
        this.store.applyStatus(decoded.region, decoded.payload, receivedAtMs);
        return this.notify("status", decoded.payload, decoded.region);
      case "measures": {
        const unknown = this.unknownApproach(decoded.payload);
        if (unknown !== null) return this.reject("unknown_approach", topic, `measures: intersection ${id} has no approach ${JSON.stringify(unknown)}`);
        if (!this.isNew("measures", decoded.payload, topic)) return;
        this.messages.measures++;
        this.store.applyMeasures(decoded.region, decoded.payload, receivedAtMs);
        return this.notify("measures", decoded.payload, decoded.region);
      }
      case "signal":
        if (!this.isNew("signal", decoded.payload, topic)) return;
        this.messages.signal++;
        this.store.applySignal(decoded.region, decoded.payload, receivedAtMs);
        return this.notify("signal", decoded.payload, decoded.region);
      case "events":
        if (!this.isNew("events", decoded.payload, topic)) return;
        this.messages.events++;
        this.store.applyEvents(decoded.region, decoded.payload, receivedAtMs);
        return this.notify("events", decoded.payload, decoded.region);
    }
  }

  stats(): IngestStats {
    return {
      messages: { ...this.messages },
      rejects: { ...this.rejects },
      intersections: this.store.size,
      listenerErrors: this.listenerErrors,
    };
  }

  /** Is the sender's `ts` plausible against the hub's clock? Rejects and reports (once per device) when not. */
  private plausible(kind: EdgeKind | "snapshot" | "config", payload: { intersectionId: string; ts: number } & { online?: boolean }, region: string, nowMs: number, topic: string): boolean {
    const limits = this.clockSkew;
    if (limits === null) return true;
    const id = payload.intersectionId;
    const aheadMs = payload.ts - nowMs;
    // A last will carries its connect's `ts`; a retained configuration, the `ts` it was published at (days ago, maybe).
    const retainedState = (kind === "status" && payload.online === false) || kind === "config";
    if (aheadMs <= limits.aheadMs && (retainedState || -aheadMs <= limits.behindMs)) {
      if (this.skewed.size > 0 && this.skewed.delete(id)) this.onClockSkew(id, region, false, `${id}: clock plausible again`);
      return true;
    }
    const how = `${(Math.abs(aheadMs) / 1000).toFixed(1)} s ${aheadMs > 0 ? "ahead of" : "behind"} the hub's clock (at most ${((aheadMs > 0 ? limits.aheadMs : limits.behindMs) / 1000).toFixed(0)} s)`;
    this.reject("clock_skew", topic, `${kind}: ts ${payload.ts} is ${how}`);
    if (!this.skewed.has(id)) {
      this.skewed.add(id);
      this.onClockSkew(id, region, true, `device clock implausible: its ${kind} ts is ${how}; its messages are rejected until its clock is right`);
    }
    return false;
  }

  /** The first approach id the intersection may not use, or null when all are known. */
  private unknownApproach(measures: PayloadByKind["measures"]): string | null {
    const configured = this.configuredApproaches(measures.intersectionId);
    if (configured) return measures.approaches.find((a) => !configured.has(a.approachId))?.approachId ?? null;
    let heard = this.approachesHeard.get(measures.intersectionId);
    if (!heard) {
      heard = new Set();
      this.approachesHeard.set(measures.intersectionId, heard);
    }
    const fresh = measures.approaches.filter((a) => !heard.has(a.approachId)).map((a) => a.approachId);
    if (heard.size + new Set(fresh).size > MAX_UNCONFIGURED_APPROACHES) return fresh[0]!;
    for (const a of fresh) heard.add(a);
    return null;
  }

  private isNew(kind: EdgeKind, payload: { intersectionId: string; seq: number; ts: number }, topic: string): boolean {
    let windows = this.windows.get(payload.intersectionId);
    if (!windows) {
      windows = {};
      this.windows.set(payload.intersectionId, windows);
    }
    const window = (windows[kind] ??= new SeqWindow(this.seqWindow));
    const verdict = window.check(payload.seq, payload.ts);
    if (verdict === "new") return true;
    this.reject(verdict, topic, `${kind}: seq ${payload.seq} is ${verdict === "duplicate" ? "a duplicate" : "older than the duplicate window"}`);
    return false;
  }

  private reject(reason: IngestRejectReason, topic: string, error: string): void {
    this.rejects[reason]++;
    this.onReject(reason, topic, error);
  }

  private notify<K extends EdgeKind>(kind: K, payload: PayloadByKind[K], region: string): void {
    this.callEach(kind, this.listeners[kind] as Set<IngestListener<K>>, payload, region);
  }

  /** One listener's throw is counted and reported, never keeps the others from hearing. */
  private callEach<P>(kind: EdgeKind | "snapshot" | "config", listeners: Iterable<(payload: P, region: string) => void>, payload: P, region: string): void {
    for (const listener of listeners) {
      try {
        listener(payload, region);
      } catch (err) {
        this.listenerErrors++;
        this.onListenerError(kind, err);
      }
    }
  }
}
