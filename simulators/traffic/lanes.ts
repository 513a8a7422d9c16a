import type { Turn } from "./geometry.js";
import type { LaneCounts } from "./scenario.js";

/**
 * The turns each lane serves, lane 0 nearest the median: exclusive left lanes, then through
 * lanes, then exclusive right lanes. Without an exclusive lane, lefts share the inner through
 * lane and rights the outer one.
 */
export function laneTurns(lanes: LaneCounts): Turn[][] {
  const out: Turn[][] = [];
  for (let i = 0; i < lanes.left; i++) out.push(["left"]);
  for (let i = 0; i < lanes.through; i++) {
    const turns: Turn[] = ["through"];
    if (i === 0 && lanes.left === 0) turns.push("left");
    if (i === lanes.through - 1 && lanes.right === 0) turns.push("right");
    out.push(turns);
  }
  for (let i = 0; i < lanes.right; i++) out.push(["right"]);
  return out;
}
