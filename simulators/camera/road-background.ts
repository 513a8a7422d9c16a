import { Prng } from "../traffic/index.js";
import type { PixelRect } from "./camera-zones.js";
import { hash32 } from "./hash.js";
import { SIDEWALK_M, legPoint, outboundSideLanes, rightOf, toPixel, type IntersectionLayout, type LegRoad, type Vec } from "./layout.js";
import { fillEllipse, fillRect, type RgbCanvas } from "./raster.js";
import { ASPHALT_RGB, STATIC_SHADOW_FACTOR, type Rgb } from "./vehicle-look.js";

const GROUND: Rgb = [96, 112, 78];
const CONCRETE: Rgb = [176, 173, 165];
const WHITE_PAINT: Rgb = [226, 226, 220];
const YELLOW_PAINT: Rgb = [214, 178, 52];
const CANOPY: Rgb = [46, 84, 40];
const CANOPY_TOP: Rgb = [62, 104, 52];
/** Static grain of the surfaces, ± levels. */
const GRAIN = 4;
const TREES_PER_LEG = 2;

function worldRect(layout: IntersectionLayout, a: Vec, b: Vec): PixelRect {
  const p = toPixel(layout.view, a);
  const q = toPixel(layout.view, b);
  return { x0: Math.min(p.x, q.x), y0: Math.min(p.y, q.y), x1: Math.max(p.x, q.x), y1: Math.max(p.y, q.y) };
}

/** A point of a leg: `alongM` from its stop-line position towards the box, `lateralM` to the inbound driver's right. */
function legLocal(layout: IntersectionLayout, leg: LegRoad, alongM: number, lateralM: number): Vec {
  const o = legPoint(layout.box, leg.leg, layout.setbackM);
  const r = rightOf(leg.inbound);
  return { x: o.x + leg.inbound.x * alongM + r.x * lateralM, y: o.y + leg.inbound.y * alongM + r.y * lateralM };
}

function legRect(layout: IntersectionLayout, leg: LegRoad, fromM: number, toM: number, leftM: number, rightM: number): PixelRect {
  return worldRect(layout, legLocal(layout, leg, fromM, leftM), legLocal(layout, leg, toM, rightM));
}

/**
 * The empty intersection seen from above, before lighting and sensor noise: drawn once per
 * renderer, then copied into every frame. Trees' shadows (with `shadows`) are part of it: they do
 * not move, so background subtraction learns them like the paint.
 */
export function drawRoadBackground(layout: IntersectionLayout, seed: number, shadows: boolean): Uint8Array {
  const { view, box, laneWidthM: w, setbackM } = layout;
  const canvas: RgbCanvas = { data: new Uint8Array(view.width * view.height * 3), width: view.width, height: view.height };
  const farM = (view.width + view.height) * view.metersPerPixel;
  const lineM = Math.max(0.3, 1.05 * view.metersPerPixel);

  fillRect(canvas, { x0: 0, y0: 0, x1: view.width, y1: view.height }, GROUND);
  const plazaM = setbackM + SIDEWALK_M;
  fillRect(canvas, worldRect(layout, { x: box.minX - plazaM, y: box.minY - plazaM }, { x: box.maxX + plazaM, y: box.maxY + plazaM }), CONCRETE);
  for (const leg of layout.legs) {
    const inM = leg.inboundLanes * w;
    const outM = outboundSideLanes(leg) * w;
    fillRect(canvas, legRect(layout, leg, -farM, setbackM, -outM - SIDEWALK_M, inM + SIDEWALK_M), CONCRETE);
  }
  for (const leg of layout.legs) {
    fillRect(canvas, legRect(layout, leg, -farM, setbackM, -outboundSideLanes(leg) * w, leg.inboundLanes * w), ASPHALT_RGB);
  }
  fillRect(canvas, worldRect(layout, { x: box.minX, y: box.minY }, { x: box.maxX, y: box.maxY }), ASPHALT_RGB);

  for (const leg of layout.legs) drawLegMarkings(canvas, layout, leg, farM, lineM);
  if (shadows) drawTrees(canvas, layout, seed, farM);

  const data = canvas.data;
  for (let p = 0, i = 0; i < data.length; p++, i += 3) {
    const grain = (hash32(p, seed) % (2 * GRAIN + 1)) - GRAIN;
    data[i] = Math.max(0, Math.min(255, data[i] + grain));
    data[i + 1] = Math.max(0, Math.min(255, data[i + 1] + grain));
    data[i + 2] = Math.max(0, Math.min(255, data[i + 2] + grain));
  }
  return data;
}

function drawLegMarkings(canvas: RgbCanvas, layout: IntersectionLayout, leg: LegRoad, farM: number, lineM: number): void {
  const w = layout.laneWidthM;
  const inM = leg.inboundLanes * w;
  const outM = outboundSideLanes(leg) * w;
  const medianM = leg.medianLanes * w;
  const half = lineM / 2;
  if (leg.inboundLanes > 0 && leg.outboundLanes > 0) {
    fillRect(canvas, legRect(layout, leg, -farM, 0, -half, half), YELLOW_PAINT);
    // A painted median's far edge.
    if (medianM > 0) fillRect(canvas, legRect(layout, leg, -farM, 0, -medianM - half, -medianM + half), YELLOW_PAINT);
  }
  // Lane lines: solid on the last 20 m before the stop line, dashed (3 m every 12 m) further out.
  const laneLines: number[] = [];
  for (let k = 1; k < leg.inboundLanes; k++) laneLines.push(k * w);
  for (let k = 1; k < leg.outboundLanes; k++) laneLines.push(-medianM - k * w);
  for (const lateralM of laneLines) {
    fillRect(canvas, legRect(layout, leg, -20, -0.5, lateralM - half, lateralM + half), WHITE_PAINT);
    for (let along = -20 - 9; along > -farM; along -= 12) {
      fillRect(canvas, legRect(layout, leg, along - 3, along, lateralM - half, lateralM + half), WHITE_PAINT);
    }
  }
  if (leg.inboundLanes > 0) {
    fillRect(canvas, legRect(layout, leg, -0.5, 0, 0, inM), WHITE_PAINT);
    // Oil stains where stopped engines stand: static, faint, real.
    for (let lane = 0; lane < leg.inboundLanes; lane++) {
      const centre = toPixel(layout.view, legLocal(layout, leg, -2.2, (lane + 0.5) * w));
      const rAlong = 0.7 / layout.view.metersPerPixel;
      const rAcross = 0.45 / layout.view.metersPerPixel;
      const vertical = leg.inbound.x === 0;
      fillEllipse(canvas, centre.x, centre.y, vertical ? rAcross : rAlong, vertical ? rAlong : rAcross, { factor: 0.9 });
    }
  }
  // Crosswalk: two transverse lines, outside the count loops' strip.
  const { setbackM } = layout;
  fillRect(canvas, legRect(layout, leg, 0.5, 0.8, -outM, inM), WHITE_PAINT);
  fillRect(canvas, legRect(layout, leg, setbackM - 0.8, setbackM - 0.5, -outM, inM), WHITE_PAINT);
}

/** Street trees on the sidewalks; the sun stands to the north-west, so shadows fall south-east onto the road. */
function drawTrees(canvas: RgbCanvas, layout: IntersectionLayout, seed: number, farM: number): void {
  const prng = new Prng(seed ^ 0x7ee5);
  const w = layout.laneWidthM;
  const mpp = layout.view.metersPerPixel;
  const trees: { at: Vec; radiusM: number }[] = [];
  for (const leg of layout.legs) {
    for (let k = 0; k < TREES_PER_LEG; k++) {
      const along = -8 - prng.next() * Math.min(60, farM);
      const side = prng.next() < 0.5 ? -1 : 1;
      const edgeM = side > 0 ? leg.inboundLanes * w + SIDEWALK_M / 2 : -(outboundSideLanes(leg) * w + SIDEWALK_M / 2);
      trees.push({ at: legLocal(layout, leg, along, edgeM), radiusM: 1.6 + prng.next() * 1.2 });
    }
  }
  for (const t of trees) {
    const c = toPixel(layout.view, { x: t.at.x + t.radiusM * 1.1, y: t.at.y + t.radiusM * 0.9 });
    const r = (t.radiusM * 1.2) / mpp;
    fillEllipse(canvas, c.x, c.y, r, r, { factor: STATIC_SHADOW_FACTOR });
  }
  for (const t of trees) {
    const c = toPixel(layout.view, t.at);
    fillEllipse(canvas, c.x, c.y, t.radiusM / mpp, t.radiusM / mpp, CANOPY);
    fillEllipse(canvas, c.x - (0.3 * t.radiusM) / mpp, c.y - (0.3 * t.radiusM) / mpp, (0.5 * t.radiusM) / mpp, (0.5 * t.radiusM) / mpp, CANOPY_TOP);
  }
}
