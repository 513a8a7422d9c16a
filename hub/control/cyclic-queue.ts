/**
 * The queue a signal makes by itself. An approach that is served in time still queues during its
 * red: by Little's law its mean queue is its arrival rate times its mean delay, and Webster's
 * uniform delay d1 = C (1 − λ)² / (2 (1 − y)) gives that delay for green ratio λ = g / C and flow
 * ratio y. Only what the detectors see above that is a residual queue (demand the last greens did
 * not serve). Counting the whole mean queue as unserved demand counts every vehicle twice (once in
 * the flow, once in the queue): Y rises, the cycle grows, the red queues grow with it, and the
 * cycle climbs to its maximum on a network that is not saturated.
 */

/** Webster's uniform delay (s/veh) at cycle `cycleS`, green ratio `greenRatio` and flow ratio `flowRatio` (< 1). */
export function uniformDelayS(cycleS: number, greenRatio: number, flowRatio: number): number {
  const lambda = Math.min(1, Math.max(0, greenRatio));
  // At or past capacity the uniform term stops at its saturated value (HCM caps x at 1).
  const y = Math.min(flowRatio, lambda, 0.99);
  return (cycleS * (1 - lambda) ** 2) / (2 * (1 - y));
}

/** Mean queue (vehicles) a signal alone makes on an approach: flow × uniform delay (Little's law). */
export function cyclicQueueVeh(flowVehPerHour: number, cycleS: number, greenRatio: number, flowRatio: number): number {
  return (flowVehPerHour / 3600) * uniformDelayS(cycleS, greenRatio, flowRatio);
}

/** The measured mean queue less the cyclic one: what the greens left behind. */
export function residualQueueVeh(measuredQueueVeh: number, flowVehPerHour: number, cycleS: number, greenRatio: number, flowRatio: number): number {
  return Math.max(0, measuredQueueVeh - cyclicQueueVeh(flowVehPerHour, cycleS, greenRatio, flowRatio));
}
