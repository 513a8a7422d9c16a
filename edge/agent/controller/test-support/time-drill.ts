import fc from "fast-check";
import { ControllerEvent } from "../../../../protocol/index.js";
import { parseControllerConfig, type ControllerConfigInput } from "../config.js";
import { ControllerCore } from "../controller.js";
import { FOUR_PHASE_LIMITS as PHASES, fourPhaseConfig, permissiveLeftsConfig, T0, tenths } from "./fixtures.js";
import { SafetyObserver } from "./safety-observer.js";

/**
 * A drill of hostile time, plans and commands against the controller, shared by the property
 * tests (a few hundred runs) and `npm run bench:safety` (ten thousand and more).
 *
 * The monotonic clock only moves forward; the wall clock is the monotonic one plus an offset that
 * jumps independently, either way, by up to ten years, as NTP, GPS or an operator might step it.
 * Plans and commands arrive stamped by a hub whose clock may be wrong, with any `validUntil`. An
 * observer on the monotonic clock checks every output.
 */

/** The limits the drill runs under: the configuration defaults, written out so the checks can use them. */
export const DRILL_LIMITS = { maxPlanValidityS: 900, maxClockSkewS: 120, backupTimeS: 300, maxHoldS: 900 } as const;

const YEAR_MS = 365 * 24 * 3600 * 1000;
/** Longest the heads may rest while cycling: the longest cycle a plan may have, with margin for a late tick. */
const CYCLING_REST_LIMIT_MS = 310_000;
/** Ticks further apart than this gave the controller no chance to change the heads in between: the gap does not count as rest. */
const TICK_GAP_MS = 5_000;
/** Heads resting in a hold (with dense ticks) longer than the maximum hold plus this are frozen. */
const HOLD_REST_MARGIN_MS = 10_000;

export type DrillOp =
  | { kind: "advance"; dtMs: number }
  | { kind: "wall-step"; stepMs: number }
  | { kind: "detector"; id: string; on: boolean }
  | { kind: "plan"; body: Record<string, unknown>; validForMs: number; tsSkewMs: number; viaCommand: boolean }
  | { kind: "command"; action: unknown; tsSkewMs: number };

export interface DrillCase {
  /** permissive-*: protected-permissive lefts, carried green from the protected phase into the through phase. */
  mode: "fixed" | "actuated" | "coordinated-2" | "coordinated-4" | "permissive-fixed" | "permissive-coordinated-4";
  remoteClearFault: boolean;
  /** A failed load switch from this monotonic time on (ms after the start), or none. */
  failure: { afterMs: number; group: string; shows: "G" | "Y" | "R" } | null;
  ops: DrillOp[];
}

export interface DrillOutcome {
  /** Conflicting right of way shown. */
  conflicts: number;
  /** Min green, yellow, red clearance, walk or pedestrian clearance cut short, or a change interval skipped. */
  shortenedClearances: number;
  /** Longest rest of the heads beyond what cycling allows, while cycling (s). */
  frozenHeadsS: number;
  /** Longest a hub plan ran since the last good plan arrived (s, monotonic). */
  maxPlanValiditySeenS: number;
  /** Plans or commands with a `ts` beyond the allowed skew that were accepted. */
  futureTsAccepted: number;
  /** Other broken rules: unbounded holds, remote clear-fault where it is off, bad events, ticks that threw. */
  other: string[];
  violations: string[];
}


const goodPlanBody: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    fractions: fc.tuple(...PHASES.map(() => fc.double({ min: 0, max: 1, noNaN: true }))),
    offsetFraction: fc.double({ min: 0, max: 0.99, noNaN: true }),
    id: fc.constantFrom("am-peak", "pm-peak", "7", "night"),
  })
  .map(({ fractions, offsetFraction, id }) => {
    const splitsS: Record<string, number> = {};
    let cycleS = 0;
    PHASES.forEach((p, i) => {
      const split = tenths(p.minS + fractions[i]! * (p.maxS - p.minS) + p.changeS);
      splitsS[String(p.phase)] = split;
      cycleS += split;
    });
    cycleS = tenths(cycleS);
    return { planId: id, cycleS, offsetS: Math.floor(offsetFraction * cycleS), splitsS, reason: "drill" };
  });

/** validUntil relative to the wall clock at receipt: mostly sane, often hostile (years, the protocol's maximum). */
const validFor = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1_000, max: 400_000 }) },
  { weight: 2, arbitrary: fc.integer({ min: 400_000, max: 3_600_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: -100_000, max: 0 }) },
  { weight: 1, arbitrary: fc.constantFrom(10 * YEAR_MS, 8_640_000_000_000_000) },
);

/** How far the sender's clock is from the controller's wall clock. */
const tsSkew = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -5_000, max: 5_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: -600_000, max: 600_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(10 * YEAR_MS, -YEAR_MS, 121_000, -121_000) },
);

const commandAction = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      action: fc.constant("hold"),
      phase: fc.constantFrom(1, 2, 3, 4),
      durationS: fc.option(fc.oneof(fc.integer({ min: 1, max: 200 }), fc.constant(3600)), { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ action: "flash" }) },
  { weight: 2, arbitrary: fc.constant({ action: "resume" }) },
  { weight: 1, arbitrary: fc.constant({ action: "clear-fault" }) },
  { weight: 1, arbitrary: fc.anything() },
);

const wallStep = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -120_000, max: 120_000 }) },
  { weight: 2, arbitrary: fc.integer({ min: -7_200_000, max: 7_200_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(10 * YEAR_MS, -10 * YEAR_MS, 3_600_000, -3_600_000, 500, -500) },
);

const opArb: fc.Arbitrary<DrillOp> = fc.oneof(
  {
    weight: 30,
    arbitrary: fc
      .oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: 1_500 }) }, { weight: 3, arbitrary: fc.integer({ min: 1_500, max: 25_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 25_000, max: 400_000 }) })
      .map((dtMs) => ({ kind: "advance" as const, dtMs })),
  },
  { weight: 4, arbitrary: wallStep.map((stepMs) => ({ kind: "wall-step" as const, stepMs })) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("detector" as const), id: fc.constantFrom("d-nsl", "d-ewl", "d-ew"), on: fc.boolean() }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("plan" as const), body: goodPlanBody, validForMs: validFor, tsSkewMs: tsSkew, viaCommand: fc.boolean() }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("command" as const), action: commandAction, tsSkewMs: tsSkew }) },
);

export const drillCase: fc.Arbitrary<DrillCase> = fc.record({
  mode: fc.constantFrom("fixed", "actuated", "coordinated-2", "coordinated-4", "permissive-fixed", "permissive-coordinated-4"),
  remoteClearFault: fc.boolean(),
  failure: fc.option(
    fc.record({ afterMs: fc.integer({ min: 0, max: 600_000 }), group: fc.constantFrom("nsl", "ns", "ewl", "ew"), shows: fc.constantFrom<"G" | "Y" | "R">("G", "Y", "R") }),
    { freq: 5, nil: null },
  ),
  ops: fc.array(opArb, { minLength: 20, maxLength: 200, size: "medium" }),
});

export function drillConfig(c: Pick<DrillCase, "mode" | "remoteClearFault">): ControllerConfigInput {
  const options = { limits: { ...DRILL_LIMITS }, remoteClearFault: c.remoteClearFault };
  if (c.mode === "permissive-fixed") return permissiveLeftsConfig(options);
  if (c.mode === "permissive-coordinated-4") return permissiveLeftsConfig({ ...options, coordination: { phase: 4 } });
  const base = fourPhaseConfig(options);
  if (c.mode === "actuated") return { ...base, fallback: { ...base.fallback, mode: "actuated" } };
  if (c.mode.startsWith("coordinated-")) return { ...base, coordination: { phase: Number(c.mode.slice("coordinated-".length)) } };
  return base;
}

/** Run one case; every output is checked on the monotonic clock. */
export function runDrill(c: DrillCase): DrillOutcome {
  const config = parseControllerConfig(drillConfig(c));
  const coordinated = config.phases.find((p) => p.phase === config.coordination?.phase);
  let monoMs = 1_000; // performance.now() starts near zero
  let offsetMs = T0 - monoMs; // wall = mono + offset
  const reading = () => ({ monoMs, wallMs: monoMs + offsetMs });
  const failure = c.failure;
  const core = new ControllerCore(config, reading(), {
    // The monitor's own timer: the same monotonic time, read by the monitor itself.
    monitorClock: () => monoMs,
    ...(failure ? { loadSwitches: (commanded, t) => (t >= 1_000 + failure.afterMs ? { ...commanded, [failure.group]: failure.shows } : { ...commanded }) } : {}),
  });
  const observer = new SafetyObserver(config, monoMs, { checkMaxGreen: failure === null, coordinatedGroups: new Set(coordinated?.groups ?? []) });
  const out: DrillOutcome = { conflicts: 0, shortenedClearances: 0, frozenHeadsS: 0, maxPlanValiditySeenS: 0, futureTsAccepted: 0, other: [], violations: [] };
  const other = (what: string): void => {
    if (out.other.length < 20) out.other.push(`mono=${monoMs}: ${what}`);
  };
  let lastGoodPlanMs: number | null = null;
  /** The latest accepted hold: its command id, and the tick at which the controller said it was holding. */
  let hold: { commandId: string; greenAtMs: number | null } | null = null;
  let prevTickMs = monoMs;
  /** Time the heads have rested while the controller was ticked often enough to change them. */
  let restMs = 0;
  let lastTickMs = monoMs;
  let lastGroups = JSON.stringify(core.state().groups);
  let commandNo = 0;

  const checkEvents = (events: readonly unknown[]): void => {
    for (const e of events) if (!ControllerEvent.safeParse(e).success) other(`bad event ${JSON.stringify(e)}`);
  };
  const tick = (): void => {
    let result;
    try {
      result = core.tick(reading());
    } catch (err) {
      other(`tick threw: ${(err as Error).message}`);
      return;
    }
    checkEvents(result.events);
    if (hold !== null && hold.greenAtMs === null && result.events.some((e) => e.type === "ack" && e.commandId === hold?.commandId && e.result === "completed")) hold.greenAtMs = monoMs;
    const state = core.state();
    observer.observe(monoMs, state.mode, state.groups, result.events);
    const groups = JSON.stringify(state.groups);
    const gapMs = monoMs - lastTickMs;
    lastTickMs = monoMs;
    // Heads resting while cycling (or held) longer than a cycle (or the maximum hold) are frozen.
    const restLimitMs = state.mode === "manual" ? DRILL_LIMITS.maxHoldS * 1000 + HOLD_REST_MARGIN_MS : CYCLING_REST_LIMIT_MS;
    if (groups !== lastGroups || state.mode === "flash") {
      lastGroups = groups;
      restMs = 0;
    } else if (gapMs <= TICK_GAP_MS) {
      restMs += gapMs;
      out.frozenHeadsS = Math.max(out.frozenHeadsS, Math.max(0, restMs - restLimitMs) / 1000);
    }
    if (state.mode === "adaptive") {
      if (lastGoodPlanMs === null) other("adaptive without a good plan");
      else out.maxPlanValiditySeenS = Math.max(out.maxPlanValiditySeenS, (monoMs - lastGoodPlanMs) / 1000);
    }
    // A hold ends at the first tick at or past its maximum from the tick its green began: still
    // holding at a tick whose predecessor was already past it is a hold that does not end.
    if (state.mode === "manual" && hold?.greenAtMs != null && prevTickMs >= hold.greenAtMs + DRILL_LIMITS.maxHoldS * 1000) {
      other(`hold still on ${(monoMs - hold.greenAtMs) / 1000} s after its green began`);
    }
    prevTickMs = monoMs;
  };
  const rejected = (events: readonly ControllerEvent[], commandId: string | null): boolean =>
    events.some((e) => (e.type === "alarm" && e.alarm === "plan-rejected") || (commandId !== null && e.type === "ack" && e.commandId === commandId && e.result === "rejected"));

  tick();
  for (const op of c.ops) {
    const wallMs = monoMs + offsetMs;
    switch (op.kind) {
      case "advance":
        monoMs += op.dtMs;
        tick();
        break;
      case "wall-step":
        offsetMs += op.stepMs;
        tick();
        break;
      case "detector":
        checkEvents(core.detectorCall(op.id, op.on, reading()));
        break;
      case "plan": {
        const ts = clampTs(wallMs + op.tsSkewMs);
        const validUntil = clampTs(wallMs + op.validForMs);
        const commandId = op.viaCommand ? `c${commandNo++}` : null;
        const events =
          commandId === null
            ? core.applyPlan({ ts, seq: commandNo++, intersectionId: "x", ...op.body, validUntil }, reading())
            : core.command(commandId, { action: "set-plan", plan: { ...op.body, validUntil } }, reading(), ts);
        checkEvents(events);
        if (!rejected(events, commandId)) {
          lastGoodPlanMs = monoMs;
          if (Math.abs(ts - wallMs) > DRILL_LIMITS.maxClockSkewS * 1000) out.futureTsAccepted++;
          if (validUntil - wallMs > DRILL_LIMITS.maxPlanValidityS * 1000) other(`plan valid ${(validUntil - wallMs) / 1000} s accepted`);
        }
        break;
      }
      case "command": {
        const commandId = `c${commandNo++}`;
        const ts = clampTs(wallMs + op.tsSkewMs);
        const faultBefore = core.snapshot().fault !== null;
        const events = core.command(commandId, op.action, reading(), ts);
        checkEvents(events);
        const refused = rejected(events, commandId);
        if (!refused && Math.abs(ts - wallMs) > DRILL_LIMITS.maxClockSkewS * 1000) out.futureTsAccepted++;
        const action = typeof op.action === "object" && op.action !== null && "action" in op.action ? op.action.action : null;
        if (action === "hold" && !refused) hold = { commandId, greenAtMs: null };
        if (action === "clear-fault" && faultBefore && core.snapshot().fault === null && !c.remoteClearFault) other("fault cleared remotely with remoteClearFault off");
        break;
      }
    }
  }
  for (const v of observer.violations) {
    if (/conflicting right of way/.test(v)) out.conflicts++;
    else out.shortenedClearances++;
  }
  // With sound load switches the sequencer never trips its own monitor, whatever the clocks do.
  if (failure === null && core.snapshot().fault !== null) other(`conflict monitor tripped: ${core.snapshot().fault?.message}`);
  out.violations = [...observer.violations, ...out.other];
  return out;
}

/** A drill outcome with nothing wrong. */
export function drillClean(o: DrillOutcome): boolean {
  return o.conflicts === 0 && o.shortenedClearances === 0 && o.frozenHeadsS === 0 && o.futureTsAccepted === 0 && o.other.length === 0 && o.maxPlanValiditySeenS <= DRILL_LIMITS.backupTimeS;
}

function clampTs(ms: number): number {
  return Math.min(8.64e15, Math.max(0, Math.floor(ms)));
}
