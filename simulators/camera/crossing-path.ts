import { exitLeg, type Turn } from "../traffic/index.js";
import { approachPoint, legPoint, rightOf, type ApproachLayout, type IntersectionLayout, type Vec } from "./layout.js";

const STEP_M = 0.25;
const CURVE_SAMPLES = 96;
/** Control-arm length of a cubic Bézier that approximates a quarter ellipse. */
const QUARTER_ARC_ARM = 0.5523;

/**
 * The path a vehicle's front follows from its lane's stop line through the box and out along its
 * exit leg, by distance: 0 at the stop line, negative upstream on its lane. Sampled once, every
 * STEP_M, so a lookup per frame is an index and a lerp.
 */
export class CrossingPath {
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  /** Length of the sampled part; beyond it the path runs straight on. */
  readonly lengthM: number;

  constructor(
    private readonly start: Vec,
    private readonly startDirection: Vec,
    points: readonly Vec[],
  ) {
    const cumulative = new Float64Array(points.length);
    for (let i = 1; i < points.length; i++) {
      cumulative[i] = cumulative[i - 1] + Math.hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y);
    }
    this.lengthM = cumulative[points.length - 1];
    const n = Math.floor(this.lengthM / STEP_M) + 1;
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
    let k = 1;
    for (let i = 0; i < n; i++) {
      const s = i * STEP_M;
      while (k < points.length - 1 && cumulative[k] < s) k++;
      const span = cumulative[k] - cumulative[k - 1];
      const f = span > 0 ? Math.min(1, Math.max(0, (s - cumulative[k - 1]) / span)) : 0;
      this.xs[i] = points[k - 1].x + (points[k].x - points[k - 1].x) * f;
      this.ys[i] = points[k - 1].y + (points[k].y - points[k - 1].y) * f;
    }
  }

  /** The point `s` metres along the path; `out` is filled and returned (no allocation per call). */
  pointAt(s: number, out: Vec): Vec {
    if (s <= 0) {
      out.x = this.start.x + this.startDirection.x * s;
      out.y = this.start.y + this.startDirection.y * s;
      return out;
    }
    const last = this.xs.length - 1;
    const f = s / STEP_M;
    if (f >= last) {
      // Straight on past the sampled end, along the last step's direction.
      const dx = this.xs[last] - this.xs[last - 1];
      const dy = this.ys[last] - this.ys[last - 1];
      const norm = Math.hypot(dx, dy) || 1;
      const extra = s - last * STEP_M;
      out.x = this.xs[last] + (dx / norm) * extra;
      out.y = this.ys[last] + (dy / norm) * extra;
      return out;
    }
    const i = Math.floor(f);
    const t = f - i;
    out.x = this.xs[i] + (this.xs[i + 1] - this.xs[i]) * t;
    out.y = this.ys[i] + (this.ys[i + 1] - this.ys[i]) * t;
    return out;
  }
}

function add(p: Vec, d: Vec, k: number): Vec {
  return { x: p.x + d.x * k, y: p.y + d.y * k };
}

function dot(a: Vec, b: Vec): number {
  return a.x * b.x + a.y * b.y;
}

function cubic(p0: Vec, c1: Vec, c2: Vec, p3: Vec, t: number): Vec {
  const m = 1 - t;
  const a = m * m * m;
  const b = 3 * m * m * t;
  const c = 3 * m * t * t;
  const d = t * t * t;
  return { x: a * p0.x + b * c1.x + c * c2.x + d * p3.x, y: a * p0.y + b * c1.y + c * c2.y + d * p3.y };
}

/** Which outbound lane of the exit leg a movement from `lane` ends in: lefts the innermost, rights the outermost. */
function exitLane(a: ApproachLayout, lane: number, turn: Turn, outboundLanes: number): number {
  if (turn === "left") return 0;
  if (turn === "right") return outboundLanes - 1;
  const leftBays = a.laneTurns.filter((t) => t.length === 1 && t[0] === "left").length;
  return Math.min(outboundLanes - 1, Math.max(0, lane - leftBays));
}

/** The path of a `turn` from `lane` of approach `a`: straight through the crosswalk, a curve across the box, then out along the exit leg until well outside the view. */
export function crossingPath(layout: IntersectionLayout, a: ApproachLayout, lane: number, turn: Turn): CrossingPath {
  const w = layout.laneWidthM;
  const lateralM = (lane + 0.5) * w;
  const stop = approachPoint(a, 0, lateralM);
  const entry = approachPoint(a, layout.setbackM, lateralM);
  const heading = turn === "through" ? a.u : turn === "left" ? { x: -a.r.x, y: -a.r.y } : a.r;
  const leg = exitLeg(a.leg, turn);
  const road = layout.legs.find((l) => l.leg === leg);
  const outbound = Math.max(1, road?.outboundLanes ?? 1);
  const medianLanes = road?.medianLanes ?? 0;
  const exit = add(legPoint(layout.box, leg, 0), rightOf(heading), (medianLanes + exitLane(a, lane, turn, outbound) + 0.5) * w);
  const delta = { x: exit.x - entry.x, y: exit.y - entry.y };
  const armIn = turn === "through" ? Math.abs(dot(delta, a.u)) / 3 : QUARTER_ARC_ARM * Math.abs(dot(delta, a.u));
  const armOut = turn === "through" ? Math.abs(dot(delta, heading)) / 3 : QUARTER_ARC_ARM * Math.abs(dot(delta, heading));
  const c1 = add(entry, a.u, armIn);
  const c2 = add(exit, heading, -armOut);
  const { view } = layout;
  const tailM = (view.width + view.height) * view.metersPerPixel + layout.setbackM;
  const points: Vec[] = [stop, entry];
  for (let i = 1; i < CURVE_SAMPLES; i++) points.push(cubic(entry, c1, c2, exit, i / CURVE_SAMPLES));
  points.push(exit, add(exit, heading, tailM));
  return new CrossingPath(stop, a.u, points);
}
