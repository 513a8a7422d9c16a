/**
 * Legs of a four-leg intersection. An approach is named by the leg it comes from: traffic on
 * approach N comes from the north and heads south.
 */
export const LEGS = ["N", "E", "S", "W"] as const;
export type Leg = (typeof LEGS)[number];

export const TURNS = ["through", "left", "right"] as const;
export type Turn = (typeof TURNS)[number];

/** Index of a leg in clockwise order (N 0, E 1, S 2, W 3). */
export function legIndex(leg: Leg): number {
  return LEGS.indexOf(leg);
}

export function oppositeLeg(leg: Leg): Leg {
  return LEGS[(legIndex(leg) + 2) % 4];
}

/**
 * The leg a movement leaves by. Heading south from N, a left turn heads east: left exits by the
 * next leg clockwise, right by the previous one, through by the opposite one.
 */
export function exitLeg(approach: Leg, turn: Turn): Leg {
  const i = legIndex(approach);
  if (turn === "through") return LEGS[(i + 2) % 4];
  if (turn === "left") return LEGS[(i + 1) % 4];
  return LEGS[(i + 3) % 4];
}
