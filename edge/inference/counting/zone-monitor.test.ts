import { describe, expect, it } from "vitest";
import { ZoneMonitor } from "./zone-monitor.js";
import type { CountingZone, TrackedVehicle } from "./types.js";

const queueZone: CountingZone = {
  id: "NQ",
  approachId: "N",
  kind: "queue",
  polygon: [
    [0, 100],
    [200, 100],
    [200, 300],
    [0, 300],
  ],
  lanes: 2,
};
const presenceZone: CountingZone = { ...queueZone, id: "NP", kind: "presence" };

function vehicle(id: number, cx: number, bottom: number, speedPxPerFrame: number, extra: Partial<TrackedVehicle> = {}): TrackedVehicle {
  return {
    id,
    box: { x1: cx - 20, y1: bottom - 30, x2: cx + 20, y2: bottom },
    className: "car",
    confirmed: true,
    misses: 0,
    velocity: { x: 0, y: speedPxPerFrame },
    ...extra,
  };
}

describe("ZoneMonitor", () => {
  it("reports presence, vehicle count and occupancy of every zone", () => {
    const monitor = new ZoneMonitor([queueZone, presenceZone]);
    const [q, p] = monitor.update([vehicle(1, 50, 150, 0), vehicle(2, 150, 250, 5), vehicle(3, 400, 250, 0)]);
    expect(q).toMatchObject({ zoneId: "NQ", approachId: "N", kind: "queue", present: true, vehicles: 2, occupied: 1 });
    expect(p).toMatchObject({ zoneId: "NP", present: true, vehicles: 2, occupied: 1 });
    const [empty] = monitor.update([vehicle(3, 400, 250, 0)]);
    expect(empty).toMatchObject({ present: false, vehicles: 0, queueVeh: 0, occupied: 0 });
  });

  it("queues only stopped vehicles, and only in queue zones", () => {
    const monitor = new ZoneMonitor([queueZone, presenceZone], { stoppedSpeedPxPerFrame: 1 });
    const [q, p] = monitor.update([vehicle(1, 50, 150, 0.3), vehicle(2, 150, 250, 0.5), vehicle(3, 100, 200, 4)]);
    expect(q.queueVeh).toBe(2);
    expect(p.queueVeh).toBe(0);
  });

  it("places a vehicle by its ground point, not its box", () => {
    const monitor = new ZoneMonitor([queueZone]);
    // The box reaches 30 px into the zone from below, but the wheels are outside.
    const [q] = monitor.update([{ ...vehicle(1, 50, 330, 0), box: { x1: 30, y1: 270, x2: 70, y2: 330 } }]);
    expect(q.present).toBe(false);
  });

  it("ignores unconfirmed tracks and tracks lost for too long, unless told otherwise", () => {
    const tracks = [vehicle(1, 50, 150, 0, { confirmed: false }), vehicle(2, 150, 250, 0, { misses: 3 }), vehicle(3, 100, 200, 0, { misses: 2 })];
    expect(new ZoneMonitor([queueZone]).update(tracks)[0].vehicles).toBe(1);
    expect(new ZoneMonitor([queueZone], { confirmedOnly: false, maxMisses: 3 }).update(tracks)[0].vehicles).toBe(3);
  });
});
