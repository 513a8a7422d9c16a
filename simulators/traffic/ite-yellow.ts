const PERCEPTION_REACTION_S = 1;
const DECELERATION_MPS2 = 3.05;
const GRAVITY_MPS2 = 9.81;
const MIN_YELLOW_S = 3;
const MAX_YELLOW_S = 6;

/**
 * ITE change interval: y = t + v / (2a + 2Gg), with t = 1 s, a = 3.05 m/s², v the approach
 * speed and G the grade (+ uphill, as a fraction). Rounded up to 0.1 s and kept within 3–6 s,
 * the range agencies use (an MMU latches on yellows below 2.7 s).
 */
export function iteYellowS(speedKmh: number, gradePercent = 0): number {
  if (!Number.isFinite(speedKmh) || speedKmh < 0) throw new RangeError(`speedKmh must be a non-negative number, got ${speedKmh}`);
  const speedMps = speedKmh / 3.6;
  const braking = 2 * DECELERATION_MPS2 + 2 * (gradePercent / 100) * GRAVITY_MPS2;
  if (braking <= 0) throw new RangeError(`gradePercent ${gradePercent} leaves no braking deceleration`);
  const yellowS = PERCEPTION_REACTION_S + speedMps / braking;
  // The small epsilon keeps an exact 3.3 from rounding up to 3.4 through float noise.
  const roundedUpS = Math.ceil(yellowS * 10 - 1e-9) / 10;
  return Math.min(MAX_YELLOW_S, Math.max(MIN_YELLOW_S, roundedUpS));
}
