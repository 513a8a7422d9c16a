/**
 * The edge's signal controller: pure logic advanced by `tick(nowMs)`, no timers, no I/O.
 *
 * Choices worth knowing:
 * - Flash is red for every vehicle group (all-way stop) and dark for pedestrian groups.
 * - A pedestrian group shows G for walk, FR for flashing don't walk (people still crossing) and R
 *   for don't walk. Walk and pedestrian clearance run inside the phase's green, so a phase that
 *   serves pedestrians needs a green of at least max(min green, walk + clearance).
 * - A plan is applied at the next cycle boundary (end of the last phase's red clearance). An
 *   expired plan hands over to the local plan at once; that is safe because every green stays
 *   within [min, max] under either timing. Fixed-time cycles are pulled into step with the offset
 *   (cycle start = phase 1's green), within min and max greens.
 * - The conflict monitor checks every output before it reaches the heads, on its own timer; a
 *   broken rule latches flash. `snapshot()` / `ControllerCore.restore()` carry the latch across restarts.
 * - Time is two clocks read together (`ClockReading`): every duration on the monotonic one; the
 *   wall clock stamps events and places the cycle grid and plan validity.
 */
export { ControllerCore, ControllerSignal, type TickResult, type ControllerOptions } from "./controller.js";
export { readingOf, systemControllerClock, type ClockReading, type ControllerTime } from "./clock.js";
export {
  ControllerConfig,
  PhaseConfig,
  SignalGroupConfig,
  FallbackConfig,
  ControllerLimits,
  parseControllerConfig,
  type ControllerConfigInput,
} from "./config.js";
export { ConflictMonitor, MONITOR_TIMER_TOLERANCE_MS, monitorRulesFromConfig, hasRightOfWay, type GroupStates, type MonitorRules, type GroupLimits } from "./conflict-monitor.js";
export { checkPlan, skewText, type PlanCheck } from "./plan-check.js";
export { publishedTimingOf } from "./published-timing.js";
export { PersistedState } from "./persisted-state.js";
export { PED_BEGIN_DONT_WALK } from "./hires.js";
export type { AreaVehicle } from "./detectors.js";

