import type { ControllerConfigInput } from "../../../edge/agent/controller/index.js";
import type { HubConfigInput } from "../../../hub/config.js";
import { SIM_REGION } from "../../closed-loop/hub-bridge.js";
import type { HubTimingInput } from "../../../hub/control/index.js";
import type { SumoNet } from "../net/read-net.js";
import { safeId, tlsLayout, trafficLightIds, type TlsLayout } from "../net/tls-layout.js";
import type { SumoDetector, SumoIntersectionConfigInput } from "./schema.js";
import { cycleRangeS } from "../../../protocol/index.js";
import { advancePlace, laneGraph, type LaneGraph } from "./advance-loops.js";

/** Region every simulated intersection belongs to: the closed loop's, whose hub bridge the co-simulation uses. */
export const SUMO_REGION = SIM_REGION;

/** ITE defaults where the net's program has none. */
const DEFAULT_MIN_GREEN_S = 5;
const VEHICLE_LENGTH_M = 6;
/** An advance loop's distance from the lane's end (29 m before the stop-line loop: 2.1 s at 50 km/h), on the lane or the lanes feeding it. */
const ADVANCE_UPSTREAM_M = 30;
const QUEUE_ZONE_M = 100;
/**
 * Stop-line loop's passage time where the lane also has an advance loop: the green ends this soon
 * after the last vehicle has crossed it (the advance loop bridges the gaps within a discharging queue).
 */
const STOP_LINE_PASSAGE_S = 1;
/**
 * Where the stop-line loop is the lane's only loop it must bridge the gap between two vehicles of
 * a discharging queue itself: the saturation headway, 3600 / 1800 veh/h = 2 s (measured: 1 s there
 * gaps a queue out halfway, SUMO's bundled arterial 55.7 → 75.3 s/veh; docs/experiments/policy-sumo.md).
 */
const STOP_ONLY_PASSAGE_S = 2;
/**
 * The phase's passage time, which every loop uses in coordinated operation (per-loop passage is
 * for free operation): there a side street that gaps out early waits a whole cycle, so a vehicle
 * extends the green 4 s after it leaves any loop. Measured with loop changes stamped when they
 * happen: ITE's usual 3 s gave the hub's coordinated plans +12 % on the bundled grid and up to
 * +20 % on the arterial (docs/experiments/policy-sumo.md).
 */
const COORDINATED_PASSAGE_S = 4;
/** The hub's cycle bounds: the schema's floor, and the longest cycle a plan may run. */
const HUB_CYCLE_FLOOR_S = 20;
const MAX_CYCLE_S = 120;
/**
 * A corridor's lights keep the earlier 40 s floor: at their phases' own minimum (20 s) the bundled
 * arterial gridlocked (seed 1: 158.9 s/veh, 24 teleports, against 53.4), its heavier main street
 * spilling back along the 34 m links while the counted (served) flow kept the cycle short. A floor
 * from the corridor's own needs (two-way progression over its link travel times) is not built
 * (docs/experiments/policy-sumo.md).
 */
const CORRIDOR_MIN_CYCLE_S = 40;

/**
 * Where each change's red clearance comes from: `ite`, the net's all-red or else ITE's (junction
 * width + vehicle length) / approach speed (the default: a real junction needs it); `program`, the
 * net's own program, with the protocol's 0.5 s minimum where it has no all-red (an engineer's
 * option, for comparing with SUMO's controllers on the same change intervals).
 */
export const CLEARANCE_SOURCES = ["ite", "program"] as const;
export type ClearanceSource = (typeof CLEARANCE_SOURCES)[number];

/** The protocol's least red clearance (`PhaseTimingFields.redClearanceS`). */
const MIN_RED_CLEARANCE_S = 0.5;

/** Options of the generator. */
export interface GenerateOptions {
  clearance?: ClearanceSource;
}

/** To the nearest half second. */
function toHalf(s: number): number {
  return Math.round(s * 2) / 2;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** A lane's links, the signal groups they belong to, and the approach (lanes of one edge with the same groups) it is part of. */
interface ApproachOf {
  id: string;
  lanes: string[];
  groups: Set<string>;
}

function approachesOf(layout: TlsLayout, taken: Set<string>): ApproachOf[] {
  const groupOfLink = new Map<number, string>();
  for (const g of layout.groups) for (const i of g.links) groupOfLink.set(i, g.id);
  const groupsOfLane = new Map<string, Set<string>>();
  const edgeOfLane = new Map<string, string>();
  for (const l of layout.links) {
    const g = groupOfLink.get(l.index);
    if (g === undefined) continue;
    const set = groupsOfLane.get(l.fromLane) ?? new Set<string>();
    set.add(g);
    groupsOfLane.set(l.fromLane, set);
    edgeOfLane.set(l.fromLane, l.fromEdge);
  }
  const byKey = new Map<string, ApproachOf>();
  for (const [lane, groups] of groupsOfLane) {
    const key = `${edgeOfLane.get(lane)}\u0000${[...groups].sort().join(",")}`;
    const a = byKey.get(key);
    if (a) a.lanes.push(lane);
    else byKey.set(key, { id: "", lanes: [lane], groups });
  }
  const out = [...byKey.values()];
  for (const a of out) {
    const dirs = [...new Set(layout.groups.filter((g) => a.groups.has(g.id)).flatMap((g) => [...g.dirs]))].sort().join("");
    a.id = safeId(`${edgeOfLane.get(a.lanes[0]!)}.${dirs}`, taken);
  }
  return out;
}

/** The lanes whose traffic a program phase serves: those with a protected link in it, else (a permissive-only phase) those with a permissive one. */
function lanesServedBy(layout: TlsLayout, phaseIndex: number): Set<string> {
  const p = layout.phases[phaseIndex]!;
  const pick = p.protectedLinks.length > 0 ? p.protectedLinks : p.permissiveLinks;
  return new Set(pick.map((i) => layout.links[i]!.fromLane));
}

/** Lanes never protected anywhere are served (for demand) where they are permissive. */
function approachServedBy(layout: TlsLayout, a: ApproachOf, phaseIndex: number): boolean {
  const protectedSomewhere = layout.phases.some((q) => q.protectedLinks.some((i) => a.lanes.includes(layout.links[i]!.fromLane)));
  const p = layout.phases[phaseIndex]!;
  const links = protectedSomewhere ? p.protectedLinks : [...p.protectedLinks, ...p.permissiveLinks];
  return links.some((i) => a.lanes.includes(layout.links[i]!.fromLane));
}

/**
 * The phase that runs the eastbound through movement (towards increasing x), the arterial's main
 * street in a west–east corridor; the first phase when there is none.
 */
function mainPhaseIndex(net: SumoNet, layout: TlsLayout): number {
  const junctions = new Map(net.junction.map((j) => [j.id, j]));
  const edges = new Map(net.edge.map((e) => [e.id, e]));
  const eastbound = (edgeId: string): boolean => {
    const e = edges.get(edgeId);
    const from = junctions.get(e?.from ?? "");
    const to = junctions.get(e?.to ?? "");
    return !!from && !!to && to.x - from.x > Math.abs(to.y - from.y);
  };
  const score = layout.phases.map((p) => p.protectedLinks.filter((i) => layout.links[i]!.dir === "s" && eastbound(layout.links[i]!.fromEdge)).length);
  const best = Math.max(...score);
  return best > 0 ? score.indexOf(best) : 0;
}

export interface GeneratedIntersection {
  layout: TlsLayout;
  config: SumoIntersectionConfigInput;
  /** The hub's own settings for it (no phases: the hub plans against what its controller publishes). */
  timing: HubTimingInput;
  /** Every approach lane has an advance loop on it or on the lane feeding it: the controller sees arrivals and queues beyond the stop line. */
  seesApproaches: boolean;
}

/**
 * The edge controller's configuration for one SUMO light, as an engineer would derive it from the
 * net: a signal group per set of links of one approach that the program always shows alike; the
 * program's green phases in order; min green from the program's minDur or ITE's 5 s, max green
 * from its maxDur or twice its duration; yellow from the program (at least 3 s), red clearance
 * from its all-red or ITE's (width + vehicle length) / speed; conflicts from the junction's foe
 * table less the pairs the program itself shows together (permissive turns). Detectors per
 * incoming lane: stop-line and advance loops for calls, each with its own passage time, a
 * lane-area detector for queues.
 */
export function intersectionFromNet(net: SumoNet, tlsId: string, idsTaken: Set<string>, options: GenerateOptions = {}, graph: LaneGraph = laneGraph(net)): GeneratedIntersection {
  const layout = tlsLayout(net, tlsId);
  if (layout.phases.length > 16) throw new Error(`traffic light "${tlsId}": ${layout.phases.length} green phases, the controller runs at most 16`);
  const intersectionId = safeId(tlsId, idsTaken);
  const groupIds = new Map<number, string>();
  for (const g of layout.groups) for (const i of g.links) groupIds.set(i, g.id);

  const approachIds = new Set<string>();
  const approaches = approachesOf(layout, approachIds);
  const approachOfLane = new Map(approaches.flatMap((a) => a.lanes.map((lane) => [lane, a.id] as const)));
  const detectorIds = new Set<string>();
  const detectors: SumoDetector[] = [];
  const stopOfLane = new Map<string, string>();
  // Advance loops by place: one loop upstream of a split feeds every lane behind it (a through
  // lane and the left bay fed by the same lane share it).
  const advanceAt = new Map<string, { id: string; feeds: string[] }>();
  const advanceOfLane = new Map<string, string>();
  // Each loop's own passage time (docs/experiments/policy-sumo.md): the stop-line loop's short,
  // the advance loop's its travel time to the stop line at the lane's speed, so a vehicle holds
  // the green from the advance loop until just after it has crossed the stop line.
  const passageOf = new Map<string, number>();
  // The lane-area detector over each lane's last 100 m: the controller's area detector (halting
  // vehicles are its delayed ones), as a camera's queue zone over the approach would be.
  const areaOfLane = new Map<string, string>();
  for (const [lane, approachId] of approachOfLane) {
    const length = layout.laneLength[lane] ?? 50;
    const stop: SumoDetector = { id: safeId(`${lane}.stop`, detectorIds), kind: "stop", lane, posM: Math.max(0, length - 1), approachId };
    detectors.push(stop);
    stopOfLane.set(lane, stop.id);
    const place = advancePlace(graph, lane, ADVANCE_UPSTREAM_M);
    if (place) {
      const key = `${place.lane}\u0000${place.posM}`;
      let loop = advanceAt.get(key);
      if (!loop) {
        const advance: SumoDetector = { id: safeId(`${place.lane}.adv`, detectorIds), kind: "advance", lane: place.lane, posM: place.posM, approachId };
        const travelS = (place.fromEndM - (length - stop.posM)) / Math.max(layout.laneSpeed[lane] ?? 8, 1);
        passageOf.set(advance.id, clamp(Math.round(travelS * 10) / 10, 0, 10));
        detectors.push(advance);
        loop = { id: advance.id, feeds: [] };
        advanceAt.set(key, loop);
      }
      loop.feeds.push(lane);
      advanceOfLane.set(lane, loop.id);
    }
    const zone = Math.min(length, QUEUE_ZONE_M);
    const area: SumoDetector = { id: safeId(`${lane}.queue`, detectorIds), kind: "queue", lane, posM: Number((length - zone).toFixed(2)), lengthM: Number((zone - 0.01).toFixed(2)), approachId };
    // The area extends greens only where it sees at least as far up the approach as the advance
    // loop would stand: a shorter one (the bundled nets' 34 m bays) misses the arrivals the loop
    // sees, and hub plans run on it lost twice the delay (docs/experiments/policy-sumo.md, session 9).
    if (zone >= (place?.fromEndM ?? ADVANCE_UPSTREAM_M)) areaOfLane.set(lane, area.id);
    detectors.push(area);
  }
  const feedsOf = new Map([...advanceAt.values()].map((l) => [l.id, l.feeds]));
  /**
   * A phase's loops: the stop-line loop of every lane it serves, and each advance loop feeding
   * one of them whose every lane the phase shows green (a loop shared by a through lane and the
   * left bay behind it calls the through phase, which runs the left permissive, not the
   * protected left, which through traffic would call for nothing).
   */
  const loopsOf = (k: number): string[] => {
    const served = lanesServedBy(layout, k);
    const green = new Set([...layout.phases[k]!.protectedLinks, ...layout.phases[k]!.permissiveLinks].map((i) => layout.links[i]!.fromLane));
    const ids: string[] = [];
    for (const lane of served) {
      const stop = stopOfLane.get(lane);
      if (stop) ids.push(stop);
      const advance = advanceOfLane.get(lane);
      if (advance && !ids.includes(advance) && feedsOf.get(advance)!.every((l) => green.has(l))) ids.push(advance);
    }
    return ids;
  };
  /** A stop-line loop bridges a discharging queue's gaps itself unless the phase also has an advance loop feeding its lane. */
  const passageIn = (ids: readonly string[]): Record<string, number> =>
    Object.fromEntries(
      ids.map((id) => {
        const d = detectors.find((x) => x.id === id)!;
        if (d.kind !== "stop") return [id, passageOf.get(id)!];
        const bridged = ids.some((a) => feedsOf.get(a)?.includes(d.lane));
        return [id, bridged ? STOP_LINE_PASSAGE_S : STOP_ONLY_PASSAGE_S];
      }),
    );

  /** A phase's area detectors: all of its lanes' or none, since the area rule replaces its loops' gap-out. */
  const areasOf = (k: number): string[] => {
    const areas = [...lanesServedBy(layout, k)].map((lane) => areaOfLane.get(lane));
    return areas.every((a) => a !== undefined) ? (areas as string[]) : [];
  };

  const speed = Math.max(...Object.values(layout.laneSpeed), 8);
  // ITE's red clearance: the width to cross plus a vehicle length, at the approach speed.
  const clearanceS = options.clearance === "program" ? MIN_RED_CLEARANCE_S : clamp(toHalf((layout.junctionWidthM + VEHICLE_LENGTH_M) / speed), 1, 6);
  const phases = layout.phases.map((p, k) => {
    const groups = [...new Set([...p.protectedLinks, ...p.permissiveLinks].map((i) => groupIds.get(i)!))];
    const greenS = Math.max(1, Math.round(p.greenS));
    const minGreenS = clamp(Math.round(p.minDurS ?? Math.min(DEFAULT_MIN_GREEN_S, greenS)), 1, 120);
    const maxGreenS = clamp(Math.round(p.maxDurS ?? Math.max(2 * greenS, minGreenS)), minGreenS, 300);
    return {
      phase: k + 1,
      groups,
      minGreenS,
      maxGreenS,
      greenS: clamp(greenS, minGreenS, maxGreenS),
      yellowS: clamp(p.yellowS, 3, 6),
      redClearanceS: p.allRedS > 0 ? clamp(p.allRedS, MIN_RED_CLEARANCE_S, 6) : clearanceS,
      detectors: loopsOf(k),
      areaDetectors: areasOf(k),
    };
  });
  fitCycle(phases, tlsId);
  const splitsS = Object.fromEntries(phases.map((p) => [String(p.phase), p.greenS + p.yellowS + p.redClearanceS]));
  const cycleS = Object.values(splitsS).reduce((a, b) => a + b, 0);
  const main = mainPhaseIndex(net, layout);
  // A phase whose every group another phase also serves (a protected left that the program also
  // runs permissive) may be left out by a hub plan; the local plans always run it.
  const omittable = phases.map((p, k) => k !== main && p.groups.every((g) => phases.some((q, j) => j !== k && q.groups.includes(g))));
  const controller: ControllerConfigInput = {
    signalGroups: layout.groups.map((g) => ({ id: g.id, kind: "vehicle" as const })),
    conflicts: groupConflicts(layout),
    // The phases, with the approaches each serves, live here only: the hub plans against what the controller publishes.
    phases: phases.map(({ greenS: _, ...p }, k) => ({
      ...p,
      passageS: COORDINATED_PASSAGE_S,
      detectorPassageS: passageIn(p.detectors),
      ...(omittable[k] ? { omittable: true } : {}),
      approaches: approaches.filter((a) => approachServedBy(layout, a, k)).map((a) => ({ approachId: a.id, lanes: a.lanes.length, share: 1 })),
    })),
    fallback: { mode: "fixed", cycleS, splitsS, offsetS: ((layout.program.offset % cycleS) + cycleS) % cycleS },
    coordination: { phase: main + 1 },
  };
  const config: SumoIntersectionConfigInput = {
    intersectionId,
    tlsId,
    links: Object.fromEntries(layout.groups.map((g) => [g.id, g.links])),
    fixedLinks: layout.fixedLinks,
    yields: layout.yields,
    detectors,
    controller,
  };
  const permissiveLefts = phases.flatMap((p, k) => {
    const opposing = omittable[k] ? permissiveOf(layout, approaches, k) : [];
    return opposing.length > 0 ? [{ phase: p.phase, opposing }] : [];
  });
  const timing: HubTimingInput = {
    policy: "webster",
    minCycleS: clamp(cycleRangeS(phases.filter((_, k) => !omittable[k])).minS, HUB_CYCLE_FLOOR_S, MAX_CYCLE_S),
    maxCycleS: MAX_CYCLE_S,
    ...(permissiveLefts.length > 0 ? { permissiveLefts } : {}),
    planValidityS: 300,
    planRefreshS: 60,
  };
  return { layout, config, timing, seesApproaches: [...approachOfLane.keys()].every((lane) => advanceOfLane.has(lane)) };
}

/**
 * The controller runs cycles of 20–300 s. A program whose cycle (with the clearances) is longer
 * has its greens scaled down, none below its minimum; a shorter one has them stretched, none above
 * its maximum. Throws when the limits leave no such cycle.
 */
function fitCycle(phases: { minGreenS: number; maxGreenS: number; greenS: number; yellowS: number; redClearanceS: number }[], tlsId: string): void {
  const change = phases.reduce((s, p) => s + p.yellowS + p.redClearanceS, 0);
  const cycle = (): number => change + phases.reduce((s, p) => s + p.greenS, 0);
  const target = cycle() > 300 ? 300 : cycle() < 20 ? 20 : null;
  if (target === null) return;
  const total = phases.reduce((s, p) => s + p.greenS, 0);
  for (const p of phases) p.greenS = clamp(Math.floor(((p.greenS * (target - change)) / total) * 2) / 2, p.minGreenS, p.maxGreenS);
  if (cycle() < 20 || cycle() > 300) throw new Error(`traffic light "${tlsId}": no cycle of 20–300 s fits its phases' green limits and clearances (${cycle()} s)`);
}

/**
 * For the hub's permissive-left guideline, an omittable phase's turns and the traffic they yield to when run permissive: each
 * approach it serves paired with the approach holding most of the through links its links give way to while the program
 * shows them permissive. Only those links oppose a permissive left: the junction's foe table also lists the cross
 * street's, which are red then (at the arterial's lights they tie with the opposing main street's, and picking the side
 * street judged the main street's lefts against a third of the traffic they really face).
 */
function permissiveOf(layout: TlsLayout, approaches: readonly ApproachOf[], phaseIndex: number): { approachId: string; opposingApproachId: string; opposingLanes: number }[] {
  const approachOfLane = new Map(approaches.flatMap((a) => a.lanes.map((lane) => [lane, a] as const)));
  const opposing = approaches
    .filter((a) => approachServedBy(layout, a, phaseIndex))
    .flatMap((a) => {
      const count = new Map<ApproachOf, number>();
      for (const l of layout.links) {
        if (!a.lanes.includes(l.fromLane)) continue;
        const greenWhilePermissive = new Set(layout.phases.filter((q) => q.permissiveLinks.includes(l.index)).flatMap((q) => [...q.protectedLinks, ...q.permissiveLinks]));
        for (const j of layout.yields[l.index] ?? []) {
          if (!greenWhilePermissive.has(j)) continue;
          const other = approachOfLane.get(layout.links[j]!.fromLane);
          if (other && other !== a && layout.links[j]!.dir === "s") count.set(other, (count.get(other) ?? 0) + 1);
        }
      }
      const best = [...count.entries()].sort((x, y) => y[1] - x[1])[0]?.[0];
      return best ? [{ approachId: a.id, opposingApproachId: best.id, opposingLanes: clamp(best.lanes.length, 1, 8) }] : [];
    });
  return opposing;
}

/** Signal groups that must never have the right of way together: a link of each crosses the other's and the program never shows them together. */
export function groupConflicts(layout: TlsLayout): [string, string][] {
  const groupOf = new Map<number, string>();
  for (const g of layout.groups) for (const i of g.links) groupOf.set(i, g.id);
  const pairs = new Map<string, [string, string]>();
  for (const [a, b] of layout.forbiddenLinkPairs) {
    const ga = groupOf.get(a);
    const gb = groupOf.get(b);
    if (ga === undefined || gb === undefined || ga === gb) continue;
    const key = ga < gb ? `${ga}\u0000${gb}` : `${gb}\u0000${ga}`;
    if (!pairs.has(key)) pairs.set(key, ga < gb ? [ga, gb] : [gb, ga]);
  }
  // Groups served together by a phase were shown together by the program on some links; a pair
  // that is forbidden on other links of theirs must still never be green together.
  return [...pairs.values()];
}

/**
 * Every light of the net as the project's intersections, and the hub's configuration for them
 * (device accounts with the given passwords; lights on one west–east line plan as a corridor).
 */
export function configsFromNet(net: SumoNet, passwords: (intersectionId: string) => string, options: GenerateOptions = {}): { intersections: GeneratedIntersection[]; hub: HubConfigInput } {
  const taken = new Set<string>();
  const graph = laneGraph(net);
  const intersections = trafficLightIds(net).map((id) => intersectionFromNet(net, id, taken, options, graph));
  const ys = new Set(intersections.map((x) => Math.round(x.layout.position.y)));
  const corridor = intersections.length > 1 && ys.size === 1;
  // Hub plans run fully actuated within their splits (`planOperation`), serving whoever waits, at
  // an isolated light (no progression to hold to a cycle grid, no neighbour to spill into) and in
  // a network, corridor or not, where every approach lane has an advance loop, so the controller
  // sees traffic arriving and queues longer than the stop line's (the game corridor: −10 % against
  // coordinated plans). With stop-line loops alone they stay coordinated: the cycle grid serves
  // queues the detectors cannot see (with stop-line loops only, actuated plans doubled the bundled
  // arterial's delay). The bundled nets' 34 m bay lanes get their advance loops on the lanes feeding
  // them (advance-loops.ts), so they run actuated plans too: arterial 56.0 → 32.5 s/veh, grid
  // 32.9 → 29.5 (seeds 1–3, docs/experiments/policy-sumo.md).
  if (intersections.length === 1 || intersections.every((x) => x.seesApproaches)) {
    for (const x of intersections) {
      x.config.controller.planOperation = "actuated";
      // The local plan (before the first hub plan, and when plans stop coming) runs free as well:
      // the controller sees its approaches, and a fixed plan from the program's greens held the
      // game corridor's first 300 s on 144 s greens (hub 39.5 → 35.3 s/veh, the edge alone 34.6;
      // docs/experiments/policy-sumo.md, session 10). `--controller fixed` still runs it fixed.
      x.config.controller.fallback.mode = "actuated";
      // An actuated plan's splits are only its greens' maxima (gap-out ends them): capped at a short
      // Webster cycle's greens a queue outlasts its green (square at a 20 s minimum: +14 %), so the
      // caps start from the net's own program cycle (SUMO's actuated lets a phase run to twice its
      // program green; docs/experiments/policy-sumo.md).
      const programCycleS = Math.round(x.config.controller.fallback.cycleS);
      x.timing.minCycleS = clamp(programCycleS, x.timing.minCycleS ?? HUB_CYCLE_FLOOR_S, MAX_CYCLE_S);
    }
  }
  if (corridor) for (const x of intersections) x.timing.minCycleS = Math.max(x.timing.minCycleS ?? HUB_CYCLE_FLOOR_S, CORRIDOR_MIN_CYCLE_S);
  const minX = Math.min(...intersections.map((x) => x.layout.position.x));
  const hub: HubConfigInput = {
    regions: [SUMO_REGION],
    broker: {
      type: "embedded",
      port: 0,
      devices: intersections.map((x) => ({ username: `edge-${x.config.intersectionId}`, password: passwords(x.config.intersectionId), intersectionId: x.config.intersectionId, region: SUMO_REGION })),
      // Simulated time runs many times faster than the wall clock a device's rate is measured on.
      publishRate: null,
    },
    api: { port: 0 },
    intersections: intersections.map((x) => {
      const mainPhase = x.config.controller.coordination?.phase ?? 1;
      const speedKmh = Math.round(Math.max(...Object.values(x.layout.laneSpeed), 8) * 3.6);
      return {
        intersectionId: x.config.intersectionId,
        region: SUMO_REGION,
        name: `SUMO light ${x.config.tlsId}`,
        position: { xM: x.layout.position.x, yM: x.layout.position.y },
        timing: {
          ...x.timing,
          ...(corridor ? { corridor: { id: "arterial", positionM: x.layout.position.x - minX, progressionSpeedKmh: speedKmh, mainPhase } } : {}),
        },
      };
    }),
    planning: { clock: "measures" },
    log: { level: "silent" },
  };
  return { intersections, hub };
}
