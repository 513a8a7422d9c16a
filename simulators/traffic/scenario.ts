import { z } from "zod";
import { Id, PhaseNumber, VEHICLE_CLASSES, ValidationError, type VehicleClass } from "../../protocol/index.js";
import { parseConfig } from "../../common/config-file.js";
import { LEGS, TURNS, type Leg, type Turn } from "./geometry.js";
import { iteYellowS } from "./ite-yellow.js";

const LegSchema = z.enum(LEGS);
const TurnSchema = z.enum(TURNS);

const Share = z.number().min(0).max(1_000_000);

const LaneCounts = z
  .strictObject({
    through: z.number().int().min(0).max(6),
    left: z.number().int().min(0).max(3).default(0),
    right: z.number().int().min(0).max(3).default(0),
  })
  .refine((l) => l.through + l.left + l.right >= 1, { message: "expected at least one lane" });

/** Shares of an approach's vehicles by turn; normalised, so `{ through: 8, left: 1, right: 1 }` works. */
const TurnShares = z
  .strictObject({ through: Share.default(0), left: Share.default(0), right: Share.default(0) })
  .refine((t) => t.through + t.left + t.right > 0, { message: "expected at least one positive turning share" });

const ClassMix = z
  .partialRecord(z.enum(VEHICLE_CLASSES), Share)
  .refine((m) => Object.values(m).some((v) => v !== undefined && v > 0), { message: "expected at least one positive class share" });

const DEFAULT_CLASS_MIX = { car: 0.88, truck: 0.05, bus: 0.02, motorcycle: 0.03, bicycle: 0.02 };

const Approach = z.strictObject({
  lanes: LaneCounts,
  /** Distance from where vehicles from outside the network appear to the stop line. */
  lengthM: z.number().min(10).max(10_000).default(200),
  speedLimitKmh: z.number().min(5).max(130).default(50),
  /** Turning shares; by default 80 % through, 10 % each way, over the movements this approach can make. */
  turning: TurnShares.optional(),
});

const Approaches = z
  .strictObject({ N: Approach.optional(), E: Approach.optional(), S: Approach.optional(), W: Approach.optional() })
  .refine((a) => LEGS.filter((leg) => a[leg] !== undefined).length >= 2, { message: "expected at least two approaches" });

const Movement = z.strictObject({ approach: LegSchema, turn: TurnSchema });

const Phase = z.strictObject({
  phase: PhaseNumber,
  movements: z.array(Movement).min(1).max(12),
  minGreenS: z.number().min(1).max(120).default(7),
  maxGreenS: z.number().min(1).max(300).default(50),
  /** Omitted: the ITE change interval for the fastest approach the phase serves. */
  yellowS: z.number().min(3).max(8).optional(),
  redClearanceS: z.number().min(0).max(6).default(1),
  pedWalkS: z.number().min(0).max(60).optional(),
  pedClearanceS: z.number().min(0).max(60).optional(),
});

const Intersection = z.strictObject({
  id: Id,
  name: z.string().max(200).optional(),
  position: z.strictObject({ xM: z.number().min(-1e6).max(1e6), yM: z.number().min(-1e6).max(1e6) }),
  approaches: Approaches,
  /** The phases in the order they run (one ring). */
  phases: z.array(Phase).min(1).max(16),
});

/** Vehicles leaving `from.intersectionId` by leg `from.exit` arrive on `to.approach` of `to.intersectionId`. */
const Link = z.strictObject({
  from: z.strictObject({ intersectionId: Id, exit: LegSchema }),
  to: z.strictObject({ intersectionId: Id, approach: LegSchema }),
  /** Stop line to stop line. */
  distanceM: z.number().min(10).max(10_000),
  /** Omitted: the speed limit of the approach it feeds. */
  speedKmh: z.number().min(5).max(130).optional(),
});

const FlowPointSchema = z.strictObject({ tS: z.number().min(0).max(1e6), vehPerHour: z.number().min(0).max(10_000) });

/** Vehicles entering the network on one approach. */
const Demand = z.strictObject({
  intersectionId: Id,
  approach: LegSchema,
  /** Flow over time, piecewise linear, points in increasing tS. */
  profile: z.array(FlowPointSchema).min(1).max(1000),
  /** Turning shares for the vehicles entering here; omitted: the approach's own. */
  turning: TurnShares.optional(),
  /** Omitted: the scenario's class mix. */
  classMix: ClassMix.optional(),
});

const ScenarioShape = z.strictObject({
  name: z.string().min(1).max(100),
  description: z.string().max(2000).optional(),
  seed: z.number().int().min(0).max(4_294_967_295).default(1),
  durationS: z.number().positive().max(86_400).default(3600),
  classMix: ClassMix.default(DEFAULT_CLASS_MIX),
  intersections: z.array(Intersection).min(1).max(500),
  links: z.array(Link).max(5000).default([]),
  demand: z.array(Demand).min(1).max(5000),
});

type ParsedShape = z.output<typeof ScenarioShape>;
type ParsedIntersection = ParsedShape["intersections"][number];
type ParsedApproach = NonNullable<ParsedIntersection["approaches"]["N"]>;
type LaneCountsValue = ParsedApproach["lanes"];
type TurnSharesValue = z.output<typeof TurnShares>;

/** Whether the approach has a lane a vehicle making `turn` may use (turns share the outer through lanes). */
export function laneServes(lanes: LaneCountsValue, turn: Turn): boolean {
  if (turn === "through") return lanes.through > 0;
  if (turn === "left") return lanes.left > 0 || lanes.through > 0;
  return lanes.right > 0 || lanes.through > 0;
}

function phaseServes(x: ParsedIntersection, approach: Leg, turn: Turn): boolean {
  return x.phases.some((p) => p.movements.some((m) => m.approach === approach && m.turn === turn));
}

function checkTurning(
  ctx: z.RefinementCtx,
  x: ParsedIntersection,
  leg: Leg,
  approach: ParsedApproach,
  turning: TurnSharesValue,
  path: (string | number)[],
): void {
  for (const turn of TURNS) {
    if (turning[turn] <= 0) continue;
    if (!laneServes(approach.lanes, turn)) {
      ctx.addIssue({ code: "custom", path: [...path, turn], message: `${leg} ${turn} has a share but no lane serves it` });
    } else if (!phaseServes(x, leg, turn)) {
      ctx.addIssue({ code: "custom", path: [...path, turn], message: `${leg} ${turn} has a share but no phase serves it` });
    }
  }
}

function checkReferences(s: ParsedShape, ctx: z.RefinementCtx): void {
  const byId = new Map<string, ParsedIntersection>();
  s.intersections.forEach((x, i) => {
    if (byId.has(x.id)) ctx.addIssue({ code: "custom", path: ["intersections", i, "id"], message: `duplicate intersection id ${x.id}` });
    byId.set(x.id, x);
    const phaseNumbers = new Set<number>();
    x.phases.forEach((p, j) => {
      const at = ["intersections", i, "phases", j];
      if (phaseNumbers.has(p.phase)) ctx.addIssue({ code: "custom", path: [...at, "phase"], message: `duplicate phase ${p.phase}` });
      phaseNumbers.add(p.phase);
      if (p.minGreenS > p.maxGreenS) {
        ctx.addIssue({ code: "custom", path: [...at, "maxGreenS"], message: `maxGreenS ${p.maxGreenS} is below minGreenS ${p.minGreenS}` });
      }
      p.movements.forEach((m, k) => {
        const approach = x.approaches[m.approach];
        if (approach === undefined) {
          ctx.addIssue({ code: "custom", path: [...at, "movements", k, "approach"], message: `intersection ${x.id} has no approach ${m.approach}` });
        } else if (!laneServes(approach.lanes, m.turn)) {
          ctx.addIssue({ code: "custom", path: [...at, "movements", k, "turn"], message: `approach ${m.approach} has no lane for ${m.turn}` });
        }
      });
    });
    for (const leg of LEGS) {
      const approach = x.approaches[leg];
      if (approach === undefined) continue;
      const at = ["intersections", i, "approaches", leg];
      if (approach.turning !== undefined) checkTurning(ctx, x, leg, approach, approach.turning, [...at, "turning"]);
      else if (!TURNS.some((t) => laneServes(approach.lanes, t) && phaseServes(x, leg, t))) {
        ctx.addIssue({ code: "custom", path: at, message: `no movement of approach ${leg} has both a lane and a phase` });
      }
    }
  });

  const linkFrom = new Set<string>();
  const linkTo = new Set<string>();
  s.links.forEach((link, i) => {
    const at = ["links", i];
    if (!byId.has(link.from.intersectionId)) {
      ctx.addIssue({ code: "custom", path: [...at, "from", "intersectionId"], message: `unknown intersection ${link.from.intersectionId}` });
    }
    const target = byId.get(link.to.intersectionId);
    if (target === undefined) {
      ctx.addIssue({ code: "custom", path: [...at, "to", "intersectionId"], message: `unknown intersection ${link.to.intersectionId}` });
    } else if (target.approaches[link.to.approach] === undefined) {
      ctx.addIssue({ code: "custom", path: [...at, "to", "approach"], message: `intersection ${target.id} has no approach ${link.to.approach}` });
    }
    const fromKey = `${link.from.intersectionId}/${link.from.exit}`;
    const toKey = `${link.to.intersectionId}/${link.to.approach}`;
    if (linkFrom.has(fromKey)) ctx.addIssue({ code: "custom", path: [...at, "from"], message: `exit ${fromKey} is linked twice` });
    if (linkTo.has(toKey)) ctx.addIssue({ code: "custom", path: [...at, "to"], message: `approach ${toKey} is fed by two links` });
    linkFrom.add(fromKey);
    linkTo.add(toKey);
  });

  s.demand.forEach((d, i) => {
    const at = ["demand", i];
    const x = byId.get(d.intersectionId);
    if (x === undefined) {
      ctx.addIssue({ code: "custom", path: [...at, "intersectionId"], message: `unknown intersection ${d.intersectionId}` });
      return;
    }
    const approach = x.approaches[d.approach];
    if (approach === undefined) {
      ctx.addIssue({ code: "custom", path: [...at, "approach"], message: `intersection ${x.id} has no approach ${d.approach}` });
      return;
    }
    for (let k = 1; k < d.profile.length; k++) {
      if (d.profile[k].tS <= d.profile[k - 1].tS) {
        ctx.addIssue({ code: "custom", path: [...at, "profile", k, "tS"], message: `expected tS after ${d.profile[k - 1].tS}, got ${d.profile[k].tS}` });
      }
    }
    if (d.turning !== undefined) checkTurning(ctx, x, d.approach, approach, d.turning, [...at, "turning"]);
  });
}

function normaliseTurning(t: TurnSharesValue): Record<Turn, number> {
  const total = t.through + t.left + t.right;
  return { through: t.through / total, left: t.left / total, right: t.right / total };
}

const DEFAULT_TURNING: Readonly<Record<Turn, number>> = { through: 0.8, left: 0.1, right: 0.1 };

function defaultTurning(x: ParsedIntersection, leg: Leg, approach: ParsedApproach): Record<Turn, number> {
  const shares = { through: 0, left: 0, right: 0 };
  for (const turn of TURNS) {
    if (laneServes(approach.lanes, turn) && phaseServes(x, leg, turn)) shares[turn] = DEFAULT_TURNING[turn];
  }
  return normaliseTurning(shares);
}

function normaliseMix(mix: Partial<Record<VehicleClass, number>>): Record<VehicleClass, number> {
  let total = 0;
  for (const c of VEHICLE_CLASSES) total += mix[c] ?? 0;
  const out = { bicycle: 0, car: 0, motorcycle: 0, bus: 0, truck: 0 };
  for (const c of VEHICLE_CLASSES) out[c] = (mix[c] ?? 0) / total;
  return out;
}

function resolveIntersection(x: ParsedIntersection) {
  const approaches: Partial<Record<Leg, ParsedApproach & { turning: Record<Turn, number> }>> = {};
  for (const leg of LEGS) {
    const a = x.approaches[leg];
    if (a !== undefined) approaches[leg] = { ...a, turning: a.turning ? normaliseTurning(a.turning) : defaultTurning(x, leg, a) };
  }
  const phases = x.phases.map((p) => {
    const speedKmh = Math.max(...p.movements.map((m) => x.approaches[m.approach]?.speedLimitKmh ?? 0));
    return { ...p, yellowS: p.yellowS ?? iteYellowS(speedKmh) };
  });
  return { ...x, approaches, phases };
}

function resolveDefaults(s: ParsedShape) {
  const intersections = s.intersections.map(resolveIntersection);
  const byId = new Map(intersections.map((x) => [x.id, x]));
  const classMix = normaliseMix(s.classMix);
  return {
    ...s,
    classMix,
    intersections,
    links: s.links.map((l) => ({
      ...l,
      speedKmh: l.speedKmh ?? byId.get(l.to.intersectionId)?.approaches[l.to.approach]?.speedLimitKmh ?? 50,
    })),
    demand: s.demand.map((d) => ({
      ...d,
      turning: d.turning ? normaliseTurning(d.turning) : undefined,
      classMix: d.classMix ? normaliseMix(d.classMix) : classMix,
    })),
  };
}

/**
 * A traffic scenario: intersections with their approaches and phases, the links between them and
 * the demand entering the network. Parsing checks every cross-reference and resolves defaults
 * (ITE yellows, link speeds, turning shares and class mixes normalised to sum to 1).
 */
export const Scenario = ScenarioShape.superRefine(checkReferences).transform(resolveDefaults);
export type Scenario = z.output<typeof Scenario>;
/** What a scenario file holds, before defaults. */
export type ScenarioInput = z.input<typeof Scenario>;
export type ScenarioIntersection = Scenario["intersections"][number];
export type ScenarioApproach = NonNullable<ScenarioIntersection["approaches"][Leg]>;
export type ScenarioPhase = ScenarioIntersection["phases"][number];
export type ScenarioLink = Scenario["links"][number];
export type ScenarioDemand = Scenario["demand"][number];
export type LaneCounts = LaneCountsValue;

/** Parse a scenario; a ValidationError names each bad field, e.g. `scenario.intersections[1].approaches.N.lanes.through: …`. */
export function parseScenario(value: unknown): Scenario {
  return parseConfig(Scenario, value, "scenario");
}
