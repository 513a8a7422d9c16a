import { describe, expect, it } from "vitest";
import { deviceIdentity, publishDenial, serviceIdentity, subscribeDenial } from "./acl.js";

const device = deviceIdentity("cam-a", "north", "i-1");

describe("device ACL", () => {
  it.each(["measures", "signal", "events", "status"])("lets a device publish its own %s", (kind) => {
    expect(publishDenial(device, `traffic/v1/north/i-1/${kind}`)).toBeNull();
  });

  it.each([
    ["another intersection's measures", "traffic/v1/north/i-2/measures"],
    ["its own id in another region", "traffic/v1/south/i-1/measures"],
    ["its own plan (hub to edge)", "traffic/v1/north/i-1/plan"],
    ["its own command (hub to edge)", "traffic/v1/north/i-1/command"],
    ["a longer topic", "traffic/v1/north/i-1/measures/extra"],
    ["outside the root", "other/north/i-1/measures"],
    ["$SYS", "$SYS/broker/clients"],
  ])("refuses a device publishing to %s", (_what, topic) => {
    expect(publishDenial(device, topic)).toMatch(/cam-a may publish only to traffic\/v1\/north\/i-1\//);
  });

  it("lets a device subscribe to exactly its own plan and command", () => {
    expect(subscribeDenial(device, "traffic/v1/north/i-1/plan")).toBeNull();
    expect(subscribeDenial(device, "traffic/v1/north/i-1/command")).toBeNull();
  });

  it.each([
    "traffic/v1/north/i-2/plan",
    "traffic/v1/north/+/plan",
    "traffic/v1/north/i-1/#",
    "traffic/v1/#",
    "#",
    "traffic/v1/north/i-1/measures",
  ])("refuses a device subscribing to %s", (filter) => {
    expect(subscribeDenial(device, filter)).toMatch(/may subscribe only/);
  });
});

describe("service ACL", () => {
  const hub = serviceIdentity("hub");

  it("lets the hub publish and subscribe anything under traffic/v1/", () => {
    expect(publishDenial(hub, "traffic/v1/north/i-2/plan")).toBeNull();
    expect(subscribeDenial(hub, "traffic/v1/+/+/measures")).toBeNull();
    expect(subscribeDenial(hub, "traffic/v1/#")).toBeNull();
  });

  it("keeps the hub out of everything else", () => {
    expect(publishDenial(hub, "$SYS/x")).toMatch(/only under traffic\/v1\//);
    expect(subscribeDenial(hub, "#")).toMatch(/only under traffic\/v1\//);
    expect(subscribeDenial(hub, "traffic/#")).toMatch(/only under traffic\/v1\//);
  });
});
