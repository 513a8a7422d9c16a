import { RED_WINDOW_MS, SPLIT_FAILURE_THRESHOLD } from "../../hub/atspm/index.js";
import { HIRES, type ControllerEvent, type SignalState } from "../../protocol/index.js";
import type { NetworkSnapshot } from "../traffic/index.js";
import type { SimDetector } from "./atspm-detectors.js";
import { movementGroupId } from "./intersection-control.js";

/** One vehicle's arrival at the stop line, had nothing held it up, and the signal its movement showed then. */
export interface TruthArrival {
  phase: number;
  approachId: string;
  tMs: number;
  green: boolean;
}

/** One served green on one approach, and whether it failed. */
export interface TruthGreen {
  phase: number;
  approachId: string;
  greenStartMs: number;
  /**
   * A split failure as ATSPM defines one, read from the vehicles instead of detector occupancy: the
   * green was fully used (for more than 79 % of it, ATSPM's own bar, the stop line of a detected
   * lane had a vehicle queued at it or the next one within a saturation headway of it: no green
   * went unused, SCATS's reading of a used green) and it left a residual queue (a vehicle still
   * queued when the yellow ended).
   */
  failed: boolean;
  /** The earlier truth: the same, with only queued vehicles using the green (traffic streaming through at the headway left it "unused"). */
  queueFailed: boolean;
  /** Stricter: the queue never emptied, even for one 0.2 s step, and some of it was left after the yellow. */
  strictFailed: boolean;
  /** HCM's overflow: a vehicle that arrived before the green began is still queued after it. */
  overflow: boolean;
  /** Vehicles queued on the phase's detected lanes after the yellow, however late they arrived. */
  residualVeh: number;
  /** The stop-line queue of the detected lanes emptied at some step of the green. */
  queueEmptiedInGreen: boolean;
  /** The share of the green during which a vehicle was queued at the stop line (0.2 s steps). */
  queuedShareOfGreen: number;
  /** The share of the green that was used: a vehicle queued at the stop line, or the next one within a saturation headway of it. */
  usedShareOfGreen: number;
  /** A vehicle that reached the stop line (point-queue arrival) before the yellow began is still queued after it. */
  unserved: boolean;
  yellowStartMs: number;
  /** End of yellow: the red begins, and with it ATSPM's red occupancy window. */
  redStartMs: number;
  /**
   * Diagnosis of the red occupancy window: the earliest point-queue arrival at the stop line among
   * the vehicles over the stop bar in the first 5 s of red (NaN when none was).
   */
  redWindowFirstArrivalMs: number;
}

/** One approach's stop-line queue during one green. */
interface GreenQueue {
  emptied: boolean;
  queuedMs: number;
  usedMs: number;
}

/** The simulator's saturation headway (its default): a longer gap before the next vehicle reaches the line is unused green. */
const SATURATION_HEADWAY_S = 2;

interface Tracked {
  /** Last step at which the vehicle moved freely (not queued): when, how far from the stop line, how fast. */
  tMs: number;
  distanceM: number;
  speedMps: number;
  phase: number;
  approachId: string;
  group: string;
  done: boolean;
  seenMs: number;
  /** Its point-queue arrival at the stop line, once known. */
  arrivalMs: number;
}

/** When each signal group changed state, per intersection: the states a late-resolved arrival met. */
class StateHistory {
  private readonly changes = new Map<string, { tMs: number[]; state: SignalState[] }>();

  note(groups: Readonly<Record<string, SignalState>>, sinceMs: number): void {
    for (const [group, state] of Object.entries(groups)) {
      let h = this.changes.get(group);
      if (h === undefined) this.changes.set(group, (h = { tMs: [], state: [] }));
      if (h.state[h.state.length - 1] !== state) {
        h.tMs.push(sinceMs);
        h.state.push(state);
      }
    }
  }

  at(group: string, tMs: number): SignalState | undefined {
    const h = this.changes.get(group);
    if (h === undefined) return undefined;
    let lo = 0;
    let hi = h.tMs.length - 1;
    if (hi < 0 || h.tMs[0] > tMs) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (h.tMs[mid] <= tMs) lo = mid;
      else hi = mid - 1;
    }
    return h.state[lo];
  }
}

/**
 * The simulator's own view of what ATSPM estimates from detector events, for the lanes the
 * detectors watch. Arrivals on green: each vehicle's arrival at the stop line as a point queue
 * sees it, i.e. at the speed it last moved freely, before it joined the queue or crossed the line
 * (so a vehicle held up by a slower one ahead arrives late, as it really does), against the state
 * its own movement showed then. Split failures: per green and approach, whether a vehicle was
 * queued at the stop line for more than 79 % of the green and one was still queued when the red
 * began (`TruthGreen.failed`, defined in docs/atspm.md), with other readings beside it. Kept
 * outside the simulator and fed from its snapshots, so a run that does not ask for it pays nothing.
 */
export class AtspmTruth {
  readonly arrivals = new Map<string, TruthArrival[]>();
  readonly greens = new Map<string, TruthGreen[]>();
  private readonly tracked = new Map<string, Map<number, Tracked>>();
  private readonly history = new Map<string, StateHistory>();
  private readonly greenStart = new Map<string, Map<number, number>>();
  private readonly yellowStart = new Map<string, number>();
  /** Per intersection, phase shown green → per approach: whether its queue has emptied since the green began, and for how long it was queued. */
  private readonly cleared = new Map<string, Map<number, Map<string, GreenQueue>>>();
  /** The same, for greens just ended: "intersection/phase" → per approach. */
  private readonly settled = new Map<string, Map<string, GreenQueue>>();
  /** Arrivals whose time the simulation has not reached yet. */
  private readonly pending: { intersectionId: string; phase: number; approachId: string; group: string; tMs: number }[] = [];
  /** Greens whose red occupancy window (the first 5 s of red) is running. */
  private readonly redWindows: { intersectionId: string; phase: number; untilMs: number; greens: TruthGreen[] }[] = [];
  private snapshot: NetworkSnapshot | null = null;
  private lastStepMs: number | null = null;

  constructor(
    private readonly detectors: ReadonlyMap<string, readonly SimDetector[]>,
    private readonly epochMs: number,
  ) {}

  /** Each step, after the simulation moved and before the controllers tick; `groups` are the states shown during the step. */
  observe(snapshot: NetworkSnapshot, nowMs: number, groups: ReadonlyMap<string, Readonly<Record<string, SignalState>>>): void {
    this.snapshot = snapshot;
    const sinceMs = this.lastStepMs ?? nowMs;
    this.lastStepMs = nowMs;
    for (const x of snapshot.intersections) {
      const list = this.detectors.get(x.id);
      if (list === undefined) continue;
      let history = this.history.get(x.id);
      if (history === undefined) this.history.set(x.id, (history = new StateHistory()));
      const shown = groups.get(x.id);
      if (shown !== undefined) history.note(shown, sinceMs);
      this.noteClearedQueues(x, nowMs - sinceMs);
      let tracked = this.tracked.get(x.id);
      if (tracked === undefined) this.tracked.set(x.id, (tracked = new Map()));
      for (const d of list) {
        if (d.kind !== "advance") continue;
        const lane = x.approaches.find((a) => a.approach === d.approach)?.lanes[d.lane];
        for (const v of lane?.vehicles ?? []) {
          let t = tracked.get(v.id);
          if (t === undefined) {
            t = { tMs: nowMs, distanceM: v.distanceM, speedMps: v.speedMps, phase: d.phase, approachId: d.approach, group: movementGroupId(d.approach, v.turn), done: false, seenMs: nowMs, arrivalMs: Number.NaN };
            tracked.set(v.id, t);
          }
          t.seenMs = nowMs;
          if (t.done) continue;
          if (v.queued) this.arrive(x.id, t);
          else if (v.speedMps > 0.5) {
            t.tMs = nowMs;
            t.distanceM = v.distanceM;
            t.speedMps = v.speedMps;
          }
        }
      }
      // Vehicles gone from the lanes crossed the stop line without queuing.
      for (const [id, t] of tracked) {
        if (t.seenMs === nowMs) continue;
        if (!t.done) this.arrive(x.id, t);
        tracked.delete(id);
      }
    }
    this.watchRedWindows(snapshot, nowMs);
    // The states shown until now are known; the controllers may change them at `nowMs`.
    this.resolveArrivals(nowMs);
  }

  private arrive(intersectionId: string, t: Tracked): void {
    t.done = true;
    const tMs = t.speedMps > 0.5 ? t.tMs + (t.distanceM / t.speedMps) * 1000 : t.tMs;
    t.arrivalMs = tMs;
    this.pending.push({ intersectionId, phase: t.phase, approachId: t.approachId, group: t.group, tMs });
  }

  /**
   * A vehicle that joins a queue 40 m out "arrives" a few seconds later: the state it meets is
   * known only once the simulation has got there. (Looking it up when the vehicle queued read the
   * state of that moment, red for a vehicle reaching the line just after its green began.)
   */
  private resolveArrivals(knownUntilMs: number): void {
    let kept = 0;
    for (const a of this.pending) {
      if (a.tMs >= knownUntilMs) {
        this.pending[kept++] = a;
        continue;
      }
      const state = this.history.get(a.intersectionId)?.at(a.group, a.tMs);
      if (state === undefined) continue;
      let out = this.arrivals.get(a.intersectionId);
      if (out === undefined) this.arrivals.set(a.intersectionId, (out = []));
      out.push({ phase: a.phase, approachId: a.approachId, tMs: a.tMs, green: state === "G" });
    }
    this.pending.length = kept;
  }

  /** The controller's events of this step: greens begin, yellows end. */
  controllerEvents(intersectionId: string, events: readonly ControllerEvent[]): void {
    let starts = this.greenStart.get(intersectionId);
    if (starts === undefined) this.greenStart.set(intersectionId, (starts = new Map()));
    for (const e of events) {
      if (e.type !== "hires") continue;
      if (e.code === HIRES.phaseBeginGreen) {
        starts.set(e.param, e.ts);
        let greens = this.cleared.get(intersectionId);
        if (greens === undefined) this.cleared.set(intersectionId, (greens = new Map()));
        greens.set(e.param, new Map());
      } else if (e.code === HIRES.phaseBeginYellow) {
        // The green is over: whether its queue cleared is settled.
        this.yellowStart.set(`${intersectionId}/${e.param}`, e.ts);
        const set = this.cleared.get(intersectionId)?.get(e.param);
        if (set !== undefined) this.settled.set(`${intersectionId}/${e.param}`, set);
        this.cleared.get(intersectionId)?.delete(e.param);
      } else if (e.code === HIRES.phaseEndYellow) {
        const start = starts.get(e.param);
        if (start !== undefined) this.judgeGreen(intersectionId, e.param, start, e.ts);
      }
    }
  }

  /** The step just simulated (`stepMs` long) ended with these queues. */
  private noteClearedQueues(x: NetworkSnapshot["intersections"][number], stepMs: number): void {
    const greens = this.cleared.get(x.id);
    const list = this.detectors.get(x.id);
    if (greens === undefined || list === undefined) return;
    for (const [phase, cleared] of greens) {
      const queued = new Map<string, number>();
      const used = new Set<string>();
      for (const d of list) {
        if (d.kind !== "stop-bar" || d.phase !== phase) continue;
        const lane = x.approaches.find((a) => a.approach === d.approach)?.lanes[d.lane];
        let n = queued.get(d.approach) ?? 0;
        for (const v of lane?.vehicles ?? []) {
          if (!v.queued) break;
          n++;
        }
        queued.set(d.approach, n);
        const head = lane?.vehicles[0];
        if (n > 0 || (head !== undefined && head.distanceM <= SATURATION_HEADWAY_S * head.speedMps)) used.add(d.approach);
      }
      for (const [approach, n] of queued) {
        let q = cleared.get(approach);
        if (q === undefined) cleared.set(approach, (q = { emptied: false, queuedMs: 0, usedMs: 0 }));
        if (n === 0) q.emptied = true;
        else q.queuedMs += stepMs;
        if (used.has(approach)) q.usedMs += stepMs;
      }
    }
  }

  /** Per approach the phase serves (ATSPM charts split failures per approach). */
  private judgeGreen(intersectionId: string, phase: number, greenStartMs: number, redStartMs: number): void {
    const x = this.snapshot?.intersections.find((i) => i.id === intersectionId);
    const list = this.detectors.get(intersectionId);
    if (x === undefined || list === undefined) return;
    const byApproach = new Map<string, TruthGreen>();
    for (const d of list) {
      if (d.kind !== "stop-bar" || d.phase !== phase) continue;
      let g = byApproach.get(d.approach);
      if (g === undefined) byApproach.set(d.approach, (g = {
            phase,
            approachId: d.approach,
            greenStartMs,
            failed: false,
            strictFailed: false,
            overflow: false,
            residualVeh: 0,
            unserved: false,
            queueEmptiedInGreen: false,
            queuedShareOfGreen: 0,
            usedShareOfGreen: 0,
            queueFailed: false,
            yellowStartMs: this.yellowStart.get(`${intersectionId}/${phase}`) ?? Number.NaN,
            redStartMs,
            redWindowFirstArrivalMs: Number.NaN,
          }));
      const lane = x.approaches.find((a) => a.approach === d.approach)?.lanes[d.lane];
      for (const v of lane?.vehicles ?? []) {
        if (!v.queued) break;
        g.residualVeh++;
        if (this.epochMs + v.freeArrivalS * 1000 < greenStartMs) g.overflow = true;
        const arrivalMs = this.tracked.get(intersectionId)?.get(v.id)?.arrivalMs ?? Number.NaN;
        if (arrivalMs < (this.yellowStart.get(`${intersectionId}/${phase}`) ?? Number.NaN)) g.unserved = true;
      }
    }
    const cleared = this.settled.get(`${intersectionId}/${phase}`);
    const greenMs = (this.yellowStart.get(`${intersectionId}/${phase}`) ?? Number.NaN) - greenStartMs;
    for (const g of byApproach.values()) {
      const q = cleared?.get(g.approachId);
      g.queueEmptiedInGreen = q?.emptied ?? false;
      g.queuedShareOfGreen = greenMs > 0 ? Math.min(1, (q?.queuedMs ?? 0) / greenMs) : 0;
      g.strictFailed = g.residualVeh > 0 && !g.queueEmptiedInGreen;
      g.usedShareOfGreen = greenMs > 0 ? Math.min(1, (q?.usedMs ?? 0) / greenMs) : 0;
      g.queueFailed = g.residualVeh > 0 && g.queuedShareOfGreen > SPLIT_FAILURE_THRESHOLD;
      g.failed = g.residualVeh > 0 && g.usedShareOfGreen > SPLIT_FAILURE_THRESHOLD;
    }
    let out = this.greens.get(intersectionId);
    if (out === undefined) this.greens.set(intersectionId, (out = []));
    out.push(...byApproach.values());
    this.redWindows.push({ intersectionId, phase, untilMs: redStartMs + RED_WINDOW_MS, greens: [...byApproach.values()] });
  }

  /** Who is over the stop bar in the first 5 s of red, and when they reached the line as a point queue. */
  private watchRedWindows(snapshot: NetworkSnapshot, nowMs: number): void {
    let kept = 0;
    for (const w of this.redWindows) {
      const x = snapshot.intersections.find((i) => i.id === w.intersectionId);
      const list = this.detectors.get(w.intersectionId) ?? [];
      for (const g of w.greens) {
        for (const d of list) {
          if (d.kind !== "stop-bar" || d.phase !== w.phase || d.approach !== g.approachId) continue;
          const lane = x?.approaches.find((a) => a.approach === d.approach)?.lanes[d.lane];
          for (const v of lane?.vehicles ?? []) {
            if (v.distanceM >= d.toM) break;
            const arrivalMs = this.tracked.get(w.intersectionId)?.get(v.id)?.arrivalMs ?? Number.NaN;
            if (arrivalMs < g.redWindowFirstArrivalMs || Number.isNaN(g.redWindowFirstArrivalMs)) g.redWindowFirstArrivalMs = arrivalMs;
          }
        }
      }
      if (nowMs < w.untilMs) this.redWindows[kept++] = w;
    }
    this.redWindows.length = kept;
  }
}
