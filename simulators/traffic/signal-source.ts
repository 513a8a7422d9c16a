import type { SignalState } from "../../protocol/index.js";
import type { Leg, Turn } from "./geometry.js";

/**
 * Where the simulation's signals come from: a fixed-time plan in tests, the edge controller in a
 * closed loop. Called once per movement per step; the answer holds for the whole step.
 * G and Y and R mean what they say; anything else (FY, FR, DK) makes drivers treat the
 * intersection as an all-way stop.
 */
export interface SignalSource {
  stateOf(intersectionId: string, approach: Leg, turn: Turn, tS: number): SignalState;
}
