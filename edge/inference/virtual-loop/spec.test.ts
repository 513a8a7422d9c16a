import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../protocol/index.js";
import { buildVirtualLoopModel } from "./build-model.js";
import { rasterizeZones } from "./rasterize.js";
import { parseVirtualLoopSpec, type VirtualLoopSpecInput } from "./spec.js";
import { specHash } from "./spec-hash.js";

const square = (x: number, y: number, size: number): [number, number][] => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
];

const base: VirtualLoopSpecInput = {
  width: 64,
  height: 36,
  zones: [
    { id: "north-stop", polygon: square(4, 4, 10) },
    { id: "south-stop", polygon: square(30, 20, 8) },
  ],
};

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error("expected a ValidationError");
}

describe("VirtualLoopSpec", () => {
  it("fills in the documented defaults", () => {
    const spec = parseVirtualLoopSpec(base);
    expect(spec.diffThreshold).toBe(30);
    expect(spec.occupiedFraction).toBe(0.25);
    expect(spec.backgroundAlpha).toBe(0.05);
  });

  it("names the zone's polygon when it has only 2 points", () => {
    const bad = { ...base, zones: [base.zones[0], { id: "line", polygon: [[0, 0], [5, 5]] }] };
    expect(messageOf(() => parseVirtualLoopSpec(bad))).toContain(
      "virtualLoop.zones[1].polygon: polygon needs at least 3 points, got 2",
    );
  });

  it("names width when it is 0", () => {
    expect(messageOf(() => parseVirtualLoopSpec({ ...base, width: 0 }))).toMatch(/^virtualLoop\.width: /);
  });

  it("names the second of two zones with the same id", () => {
    const bad = { ...base, zones: [base.zones[0], { ...base.zones[1], id: "north-stop" }] };
    expect(messageOf(() => parseVirtualLoopSpec(bad))).toContain('virtualLoop.zones[1].id: duplicate zone id "north-stop"');
  });

  it("rejects a zone that lies outside the image, naming it", () => {
    const bad = { ...base, zones: [base.zones[0], { id: "off-screen", polygon: square(100, 100, 10) }] };
    const expected = 'virtualLoop.zones[1].polygon: zone "off-screen" covers no pixel centre';
    expect(messageOf(() => rasterizeZones(parseVirtualLoopSpec(bad)))).toContain(expected);
    expect(messageOf(() => buildVirtualLoopModel(bad))).toContain(expected);
  });

  it("rejects a sliver zone that covers no pixel centre", () => {
    const sliver = { id: "sliver", polygon: [[10.6, 2], [11.4, 2], [11.4, 30], [10.6, 30]] as [number, number][] };
    expect(messageOf(() => rasterizeZones(parseVirtualLoopSpec({ ...base, zones: [sliver] })))).toContain(
      'zones[0].polygon: zone "sliver"',
    );
  });
});

describe("specHash", () => {
  it("is the same whether defaults are written out or left to the schema, in any key order", () => {
    const explicit = { occupiedFraction: 0.25, backgroundAlpha: 0.05, diffThreshold: 30, ...base };
    expect(specHash(explicit)).toBe(specHash(base));
    expect(specHash(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes when a zone moves, a threshold changes or zones are reordered", () => {
    const hashes = new Set([
      specHash(base),
      specHash({ ...base, zones: [{ id: "north-stop", polygon: square(5, 4, 10) }, base.zones[1]] }),
      specHash({ ...base, diffThreshold: 31 }),
      specHash({ ...base, zones: [base.zones[1], base.zones[0]] }),
      specHash({ ...base, width: 65 }),
    ]);
    expect(hashes.size).toBe(5);
  });
});
