import { HIRES } from "../../protocol/index.js";
import type { EventLog } from "./event-log.js";
import type { PedestrianDelay } from "./schemas.js";

/** Indiana 45: pedestrian call registered (param: phase), as the controller logs it on a push-button press. */
export const PED_CALL_REGISTERED = HIRES.pedCallRegistered;

export function pedestrianDelay(log: EventLog): PedestrianDelay[] {
  const waitingSince = new Map<number, number>();
  const out = new Map<number, PedestrianDelay>();
  const { tsMs, code, param } = log;
  for (let i = 0; i < log.length; i++) {
    const c = code[i];
    if (c === PED_CALL_REGISTERED) {
      if (!waitingSince.has(param[i])) waitingSince.set(param[i], tsMs[i]);
    } else if (c === HIRES.pedBeginWalk) {
      const since = waitingSince.get(param[i]);
      if (since === undefined) continue;
      waitingSince.delete(param[i]);
      let d = out.get(param[i]);
      if (d === undefined) out.set(param[i], (d = { phase: param[i], walkMs: [], delayS: [], averageDelayS: 0, maxDelayS: 0 }));
      d.walkMs.push(tsMs[i]);
      d.delayS.push((tsMs[i] - since) / 1000);
    }
  }
  return [...out.values()]
    .sort((a, b) => a.phase - b.phase)
    .map((d) => ({ ...d, averageDelayS: d.delayS.reduce((a, b) => a + b, 0) / d.delayS.length, maxDelayS: d.delayS.reduce((a, b) => Math.max(a, b), 0) }));
}
