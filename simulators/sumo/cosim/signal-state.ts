import type { SignalState } from "../../../protocol/index.js";
import type { SumoIntersectionConfig } from "../config/index.js";

const RIGHT_OF_WAY = new Set(["G", "g", "y", "Y"]);

/**
 * The SUMO state string for the controller's signal groups: a green link shows 'g' (yield) when a
 * link it gives way to is green or yellow (its traffic may still be crossing: a left carried green
 * through the opposing through's yellow yields, as SUMO's programs show it, "yyyg"), 'G'
 * otherwise; yellow 'y'; red, flashing red and dark 'r'
 * (an all-way stop has no SUMO light state; red is the safe reading); flashing yellow 'o'.
 */
export function sumoStateOf(config: Pick<SumoIntersectionConfig, "links" | "fixedLinks" | "yields">, groups: Readonly<Record<string, SignalState>>): string {
  const n = config.yields.length;
  const state: string[] = new Array<string>(n).fill("r");
  const green = new Set<number>();
  const moving = new Set<number>();
  for (const [group, links] of Object.entries(config.links)) {
    const s = groups[group] ?? "R";
    for (const i of links) {
      if (s === "G") green.add(i);
      if (s === "G" || s === "Y") moving.add(i);
      state[i] = s === "Y" ? "y" : s === "FY" ? "o" : "r";
    }
  }
  for (const i of green) state[i] = config.yields[i]!.some((j) => moving.has(j)) ? "g" : "G";
  for (const f of config.fixedLinks) state[f.index] = f.state;
  return state.join("");
}

/**
 * An observer independent of the controller: reads the states SUMO itself shows and counts link
 * pairs that cross (the junction's foes) showing right of way together where the net's own
 * program never does.
 */
export class ConflictObserver {
  violations = 0;

  constructor(private readonly forbidden: ReadonlyMap<string, readonly (readonly [number, number])[]>) {}

  /** Check one light's state; returns the conflicting pairs seen. */
  observe(tlsId: string, state: string): number {
    let n = 0;
    for (const [a, b] of this.forbidden.get(tlsId) ?? []) if (RIGHT_OF_WAY.has(state[a]!) && RIGHT_OF_WAY.has(state[b]!)) n++;
    this.violations += n;
    return n;
  }
}
