import type { SumoNet } from "../net/read-net.js";

/**
 * Where an approach lane's advance loop goes, as an engineer places one: a set distance before
 * the stop line, measured along the lane and, where the lane is shorter (netgenerate splits an
 * edge for a turn bay, leaving 34 m lanes at the signal), along the lanes that feed it through
 * junctions without a signal. Never past another signal: a loop there would see the upstream
 * light's platoons, not this approach's arrivals. Pure.
 */

/** A loop this close to its lane's start sits where vehicles are still entering from the junction. */
export const LOOP_MARGIN_M = 5;
/** Upstream of a junction, a loop goes this far before the lane's end (just before the split). */
const BEFORE_END_M = 1;

export interface AdvancePlace {
  /** The lane the loop is on (the approach lane itself, or one feeding it). */
  lane: string;
  posM: number;
  /** From the approach lane's end, along the lanes (m). */
  fromEndM: number;
}

/** The net's lanes, what feeds each and which junctions hold a signal: built once per net. */
export interface LaneGraph {
  length: Map<string, number>;
  /** lane → the lanes with a connection into it, each with the length of the junction's internal lane between. */
  feeders: Map<string, { lane: string; viaM: number }[]>;
  /** A lane whose start is a junction with a signal. */
  startsAtSignal: Set<string>;
}

export function laneGraph(net: SumoNet): LaneGraph {
  const length = new Map<string, number>();
  for (const e of net.edge) for (const l of e.lane) length.set(l.id, l.length);
  const feeders = new Map<string, { lane: string; viaM: number }[]>();
  for (const c of net.connection) {
    if (c.from.startsWith(":") || c.to.startsWith(":")) continue;
    const to = `${c.to}_${c.toLane}`;
    const list = feeders.get(to) ?? [];
    list.push({ lane: `${c.from}_${c.fromLane}`, viaM: c.via === undefined ? 0 : (length.get(c.via) ?? 0) });
    feeders.set(to, list);
  }
  const signalled = new Set(net.junction.filter((j) => j.type.startsWith("traffic_light")).map((j) => j.id));
  const startsAtSignal = new Set<string>();
  for (const e of net.edge) if (e.from !== undefined && signalled.has(e.from)) for (const l of e.lane) startsAtSignal.add(l.id);
  return { length, feeders, startsAtSignal };
}

/**
 * The loop `distanceM` before the end of `lane` (its stop line is at the end), or the nearest
 * point beyond it that is on a lane and more than LOOP_MARGIN_M from that lane's start; upstream
 * of the approach lane only through a single feeding lane (a merge has no one place) and never
 * past a signal. Undefined when no such point exists.
 */
export function advancePlace(graph: LaneGraph, lane: string, distanceM: number): AdvancePlace | undefined {
  let current = lane;
  let endFromEnd = 0; // the current lane's end, measured from the approach lane's end
  for (let hops = 0; hops < 16; hops++) {
    const length = graph.length.get(current);
    if (length === undefined) return undefined;
    const back = Math.max(distanceM - endFromEnd, hops === 0 ? 0 : BEFORE_END_M);
    const posM = length - back;
    if (posM > LOOP_MARGIN_M) return { lane: current, posM: Number(posM.toFixed(2)), fromEndM: Number((endFromEnd + back).toFixed(2)) };
    if (graph.startsAtSignal.has(current)) return undefined;
    const feeders = graph.feeders.get(current) ?? [];
    if (feeders.length !== 1) return undefined;
    endFromEnd += length + feeders[0]!.viaM;
    current = feeders[0]!.lane;
  }
  return undefined;
}
