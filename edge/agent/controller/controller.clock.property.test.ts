import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ControllerCore } from "./controller.js";
import { fourPhaseConfig, T0, validPlan } from "./test-support/fixtures.js";
import { DRILL_LIMITS, drillCase, drillClean, runDrill, type DrillCase } from "./test-support/time-drill.js";
import { SafetyObserver } from "./test-support/safety-observer.js";
import { parseControllerConfig } from "./config.js";

// fast-check prints the seed and the shrunk case of any failure; rerun one with { seed, path }.
describe("controller safety when the wall clock jumps independently of the monotonic clock", () => {
  it("never shortens an interval, freezes the heads, shows a conflict or accepts an implausible plan or command", () => {
    fc.assert(
      fc.property(drillCase, (c) => {
        const outcome = runDrill(c);
        expect(outcome.violations).toEqual([]);
        expect(drillClean(outcome)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("the drill can fail: a controller timed on the wall clock alone is caught shortening a clearance", () => {
    // The same controller, fed one number as both clocks (what it did before: Date.now()): a
    // forward wall step between a yellow's start and its end shortens the yellow the observer sees
    // on the monotonic clock.
    const config = parseControllerConfig(fourPhaseConfig());
    const core = new ControllerCore(config, T0);
    let monoMs = T0;
    let wallMs = T0;
    const observer = new SafetyObserver(config, monoMs);
    for (let i = 0; i < 2_000; i++) {
      monoMs += 100;
      wallMs += i === 150 || i === 420 ? 2_500 : 100;
      core.tick(wallMs);
      const s = core.state();
      observer.observe(monoMs, s.mode, s.groups);
    }
    expect(observer.violations.length).toBeGreaterThan(0);
  });

  it("covers wall steps, hostile validity, skewed stamps, holds and both clear-fault settings", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(drillCase, (c: DrillCase) => {
        for (const op of c.ops) {
          if (op.kind === "wall-step" && Math.abs(op.stepMs) >= 3_600_000) seen.add("big wall step");
          if (op.kind === "wall-step" && op.stepMs < 0) seen.add("wall step back");
          if (op.kind === "plan" && op.validForMs > DRILL_LIMITS.maxPlanValidityS * 1000) seen.add("over-long plan");
          if (op.kind === "plan" && Math.abs(op.tsSkewMs) > DRILL_LIMITS.maxClockSkewS * 1000) seen.add("skewed plan");
        }
        const outcome = runDrill(c);
        if (outcome.maxPlanValiditySeenS > 60) seen.add("adaptive for a while");
        seen.add(`remoteClearFault ${c.remoteClearFault}`);
      }),
      { numRuns: 60 },
    );
    expect(["big wall step", "wall step back", "over-long plan", "skewed plan", "adaptive for a while", "remoteClearFault true", "remoteClearFault false"].filter((x) => !seen.has(x))).toEqual([]);
  });
});

describe("bounded validity at the edge", () => {
  const limits = { ...DRILL_LIMITS };
  const config = fourPhaseConfig({ limits });
  const clock = (monoMs: number, wallMs: number) => ({ monoMs, wallMs });
  const rejections = (events: readonly { type: string }[]): string[] =>
    events.flatMap((e) => (e.type === "alarm" && "alarm" in e && e.alarm === "plan-rejected" && "message" in e ? [String(e.message)] : []));

  it("rejects a plan valid longer than the maximum after receipt, saying so", () => {
    const core = new ControllerCore(config, T0);
    expect(rejections(core.applyPlan(validPlan(T0, { validUntil: 8_640_000_000_000_000 }), T0))[0]).toMatch(/plan.validUntil: valid for \d+ s after receipt, more than this controller's maximum of 900 s/);
    expect(rejections(core.applyPlan(validPlan(T0, { validUntil: T0 + 900_000 }), T0))).toEqual([]);
  });

  it("rejects a plan whose ts is implausible against its own wall clock, ahead or behind", () => {
    const core = new ControllerCore(config, T0);
    const ahead = { ts: T0 + 10 * 365 * 86_400_000, seq: 1, intersectionId: "x", ...validPlan(T0) };
    expect(rejections(core.applyPlan(ahead, T0))[0]).toMatch(/plan.ts: \d+\.\d s ahead of this controller's clock \(at most 120 s allowed\)/);
    expect(rejections(core.applyPlan({ ...ahead, ts: T0 - 121_000 }, T0))[0]).toMatch(/s behind/);
    expect(rejections(core.applyPlan({ ...ahead, ts: T0 - 60_000 }, T0))).toEqual([]);
  });

  it("falls back within the backup time after the last good plan, whatever validUntil says, on the monotonic clock", () => {
    const core = new ControllerCore(config, clock(0, T0));
    core.applyPlan(validPlan(T0, { validUntil: T0 + 900_000 }), clock(0, T0));
    let monoMs = 0;
    let adaptiveSince: number | null = null;
    let fellBackAt: number | null = null;
    // The wall clock goes back an hour: by it the plan would look valid for another 75 minutes.
    for (; monoMs <= 600_000; monoMs += 100) {
      const wallMs = T0 + monoMs - (monoMs > 100_000 ? 3_600_000 : 0);
      core.tick(clock(monoMs, wallMs));
      const mode = core.state().mode;
      if (mode === "adaptive") adaptiveSince ??= monoMs;
      if (adaptiveSince !== null && mode === "fallback") {
        fellBackAt = monoMs;
        break;
      }
    }
    expect(adaptiveSince).not.toBeNull();
    expect(fellBackAt).toBe(300_000);
  });

  it("ends a hold with no duration after the configured maximum", () => {
    const core = new ControllerCore(config, clock(0, T0));
    const events = core.command("h1", { action: "hold", phase: 2 }, clock(0, T0));
    expect(events.find((e) => e.type === "ack")).toMatchObject({ result: "accepted", reason: expect.stringMatching(/at most 900 s/) });
    let monoMs = 0;
    let heldFrom: number | null = null;
    let releasedAt: number | null = null;
    for (; monoMs <= 1_200_000; monoMs += 500) {
      // A wall clock stepped back a day mid-hold must not stretch it.
      core.tick(clock(monoMs, T0 + monoMs - (monoMs > 200_000 ? 86_400_000 : 0)));
      const mode = core.state().mode;
      if (mode === "manual" && core.state().groups.ns === "G") heldFrom ??= monoMs;
      if (heldFrom !== null && mode !== "manual") {
        releasedAt = monoMs;
        break;
      }
    }
    expect(heldFrom).not.toBeNull();
    expect(releasedAt! - heldFrom!).toBe(900_000);
  });

  it("caps a hold longer than the maximum at the maximum", () => {
    const core = new ControllerCore(fourPhaseConfig({ limits: { ...limits, maxHoldS: 60 } }), T0);
    const ack = core.command("h1", { action: "hold", phase: 2, durationS: 3600 }, T0).find((e) => e.type === "ack");
    expect(ack).toMatchObject({ result: "accepted", reason: expect.stringMatching(/for 60 s, this controller's maximum/) });
  });

  it("rejects a command sent longer ago than the allowed skew", () => {
    const core = new ControllerCore(config, T0);
    const ack = core.command("late", { action: "flash" }, T0, T0 - 3_600_000).find((e) => e.type === "ack");
    expect(ack).toMatchObject({ result: "rejected", reason: expect.stringMatching(/command.ts: 3600.0 s behind/) });
    expect(core.command("set", { action: "set-plan", plan: validPlan(T0) }, T0, T0 + 10 * 365 * 86_400_000).find((e) => e.type === "ack")).toMatchObject({ result: "rejected" });
  });
});

describe("clear-fault needs the site unless remoteClearFault is on", () => {
  function faulted(remoteClearFault: boolean): ControllerCore {
    const core = new ControllerCore(fourPhaseConfig({ remoteClearFault }), T0, {
      loadSwitches: (commanded) => ({ ...commanded, ew: commanded.ns === "G" ? "G" : commanded.ew }),
    });
    for (let t = T0; t < T0 + 120_000 && core.snapshot().fault === null; t += 100) core.tick(t);
    expect(core.snapshot().fault).not.toBeNull();
    return core;
  }

  it("refuses a remote clear-fault where remoteClearFault is off, and a technician on site clears it", () => {
    const core = faulted(false);
    const ack = core.command("clear", { action: "clear-fault" }, T0 + 130_000).find((e) => e.type === "ack");
    expect(ack).toMatchObject({ result: "rejected", reason: expect.stringMatching(/cleared on site/) });
    expect(core.snapshot().fault).not.toBeNull();
    const onSite = core.clearFaultOnSite("technician", T0 + 131_000);
    expect(onSite.cleared).toBe(true);
    expect(onSite.events.some((e) => e.type === "alarm" && e.alarm === "fault-cleared")).toBe(true);
    expect(core.snapshot().fault).toBeNull();
  });

  it("clears it remotely where remoteClearFault is on", () => {
    const core = faulted(true);
    core.command("clear", { action: "clear-fault" }, T0 + 130_000);
    expect(core.snapshot().fault).toBeNull();
  });
});

describe("restore after a restart (monotonic readings do not survive it)", () => {
  it("runs a saved plan at most the backup time from the restart, and drops one that is no longer plausible", () => {
    const config = fourPhaseConfig({ limits: { ...DRILL_LIMITS } });
    const before = new ControllerCore(config, T0);
    before.applyPlan(validPlan(T0, { validUntil: T0 + 900_000 }), T0);
    const snapshot = before.snapshot();
    expect(snapshot.plan?.planId).toBe("am-peak");

    // Restarted 10 s later with a fresh monotonic clock near zero.
    const after = ControllerCore.restore(config, snapshot, { monoMs: 5, wallMs: T0 + 10_000 });
    let fellBackAt: number | null = null;
    let adaptive = false;
    for (let monoMs = 5; monoMs < 900_000; monoMs += 100) {
      after.tick({ monoMs, wallMs: T0 + 10_000 + monoMs });
      const mode = after.state().mode;
      adaptive ||= mode === "adaptive";
      if (adaptive && mode === "fallback") {
        fellBackAt = monoMs;
        break;
      }
    }
    expect(adaptive).toBe(true);
    expect(fellBackAt).toBeLessThanOrEqual(300_005);

    // A wall clock gone back a year across the restart: the saved plan is valid "for a year" and is dropped.
    const wrong = ControllerCore.restore(config, snapshot, { monoMs: 5, wallMs: T0 - 365 * 86_400_000 });
    expect(wrong.snapshot().plan).toBeNull();
  });
});
