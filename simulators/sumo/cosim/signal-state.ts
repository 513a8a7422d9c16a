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

/**
 * An observer of the change intervals SUMO shows, independent of any controller: per light, the
 * shortest yellow a link showed and the shortest red clearance, the time from a link's yellow
 * ending to a link that crosses it (a forbidden pair) turning green.
 */
export class ClearanceObserver {
  private readonly partners = new Map<string, Map<number, number[]>>();
  private readonly last = new Map<string, string>();
  /** Per light: link → when its yellow began, when its red began after a yellow. */
  private readonly yellowFrom = new Map<string, Map<number, number>>();
  private readonly redFrom = new Map<string, Map<number, number>>();
  readonly minYellowS = new Map<string, number>();
  readonly minRedClearanceS = new Map<string, number>();

  constructor(forbidden: ReadonlyMap<string, readonly (readonly [number, number])[]>) {
    for (const [id, pairs] of forbidden) {
      const m = new Map<number, number[]>();
      for (const [a, b] of pairs) {
        m.set(a, [...(m.get(a) ?? []), b]);
        m.set(b, [...(m.get(b) ?? []), a]);
      }
      this.partners.set(id, m);
      this.yellowFrom.set(id, new Map());
      this.redFrom.set(id, new Map());
    }
  }

  /** One light's state at time `tS` (seconds). */
  observe(tlsId: string, tS: number, state: string): void {
    const prev = this.last.get(tlsId);
    this.last.set(tlsId, state);
    const yellowFrom = this.yellowFrom.get(tlsId);
    const redFrom = this.redFrom.get(tlsId);
    if (prev === undefined || !yellowFrom || !redFrom) return;
    const min = (m: Map<string, number>, v: number): void => void m.set(tlsId, Math.min(m.get(tlsId) ?? Infinity, v));
    for (let i = 0; i < state.length; i++) {
      const was = prev[i]!;
      const now = state[i]!;
      if (was === now) continue;
      if (now === "y" || now === "Y") yellowFrom.set(i, tS);
      if ((was === "y" || was === "Y") && yellowFrom.has(i)) min(this.minYellowS, tS - yellowFrom.get(i)!);
      if ((was === "y" || was === "Y") && now === "r") redFrom.set(i, tS);
      if ((now === "G" || now === "g") && was !== "G" && was !== "g") {
        redFrom.delete(i);
        for (const j of this.partners.get(tlsId)?.get(i) ?? []) {
          const from = redFrom.get(j);
          if (from !== undefined) min(this.minRedClearanceS, tS - from);
        }
      }
    }
  }
}
