/** One point of a demand profile: flow at a time since the start of the run. */
export interface FlowPoint {
  tS: number;
  vehPerHour: number;
}

/**
 * Flow at `tS` from a piecewise-linear profile (points in increasing `tS`); held flat before the
 * first point and after the last, so a profile may cover only part of the run.
 */
export function flowAt(profile: readonly FlowPoint[], tS: number): number {
  if (profile.length === 0) return 0;
  if (tS <= profile[0].tS) return profile[0].vehPerHour;
  for (let i = 1; i < profile.length; i++) {
    const b = profile[i];
    if (tS <= b.tS) {
      const a = profile[i - 1];
      const share = (tS - a.tS) / (b.tS - a.tS);
      return a.vehPerHour + share * (b.vehPerHour - a.vehPerHour);
    }
  }
  return profile[profile.length - 1].vehPerHour;
}
