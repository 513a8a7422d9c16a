import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sumoBinary } from "../../../tests/support/servers.js";
import { ByteReader, ByteWriter, encodeCommand, launchSumo, TraciError, VAR, type SumoProcess } from "./index.js";

const net = fileURLToPath(new URL("../scenarios/arterial.net.xml", import.meta.url));

describe("TraCI framing", () => {
  it("frames a short command with a 1-byte length and a long one with 0 and a 4-byte length", () => {
    expect([...encodeCommand(0x02, Buffer.from([1, 2, 3]))]).toEqual([5, 0x02, 1, 2, 3]);
    const long = encodeCommand(0xc2, Buffer.alloc(300, 7));
    expect(long[0]).toBe(0);
    expect(long.readInt32BE(1)).toBe(306);
    expect(long[5]).toBe(0xc2);
    expect(long.length).toBe(306);
  });

  it("decodes typed values as SUMO writes them (compound of int, string list, double)", () => {
    const w = new ByteWriter().ubyte(0x0f).int(3).ubyte(0x09).int(-4).ubyte(0x0e).int(2).string("a").string("bé").ubyte(0x0b).double(1.5);
    expect(new ByteReader(w.toBuffer()).typed()).toEqual([-4, ["a", "bé"], 1.5]);
  });

  it("refuses a truncated answer and an unknown type", () => {
    expect(() => new ByteReader(Buffer.from([0x09, 0, 0])).typed()).toThrow(/truncated/);
    expect(() => new ByteReader(Buffer.from([0x55])).typed()).toThrow(/unsupported value type 0x55/);
  });
});

describe.skipIf(sumoBinary.skip)(`TraCI against a real sumo ${sumoBinary.reason}`, () => {
  let sumo: SumoProcess;
  beforeAll(async () => {
    sumo = await launchSumo(["-n", net, "--no-step-log", "--step-length", "1", "--seed", "1", "--end", "100"]);
  });
  afterAll(async () => {
    await sumo?.close();
  });

  it("reports its version", async () => {
    const v = await sumo.client.getVersion();
    expect(v.apiVersion).toBeGreaterThanOrEqual(20);
    expect(v.sumoVersion).toMatch(/SUMO/);
  });

  it("steps, with subscribed values in the step's one answer, and sets a light's state sent with the step", async () => {
    const initial = await sumo.client.subscribe("simulation", "", [VAR.time]);
    const tl = await sumo.client.subscribe("trafficLight", "B0", [VAR.tlRedYellowGreenState]);
    const state = tl.get(VAR.tlRedYellowGreenState) as string;
    expect(state).toMatch(/^[GgyrRu]+$/);
    const links = await sumo.client.getControlledLinks("B0");
    expect(links).toHaveLength(state.length);
    expect(links[0]![0]).toHaveLength(3);
    const allRed = "r".repeat(state.length);
    sumo.client.queueRedYellowGreenState("B0", allRed);
    const results = await sumo.client.step();
    expect(results.of("simulation", "")?.get(VAR.time)).toBe((initial.get(VAR.time) as number) + 1);
    expect(results.of("trafficLight", "B0")?.get(VAR.tlRedYellowGreenState)).toBe(allRed);
    expect(await sumo.client.getRedYellowGreenState("B0")).toBe(allRed);
  });

  it("answers a bad command with a TraciError and goes on", async () => {
    await expect(sumo.client.setRedYellowGreenState("no-such-light", "r")).rejects.toBeInstanceOf(TraciError);
    const results = await sumo.client.step();
    expect(results.of("simulation", "")?.get(VAR.time)).toBeGreaterThan(1);
  });
});
