import { describe, expect, it } from "vitest";
import { summary } from "../state/test-summaries.js";
import { asLiveMessage } from "./contract.js";

describe("the dashboard's contract", () => {
  it("takes live messages the API's schema accepts, with every field the hub sends (signalTs, cycleSecond)", () => {
    const update = { type: "update", intersections: [summary("a", { signalTs: 5_000, cycleSecond: 17 })] };
    const message = asLiveMessage(JSON.parse(JSON.stringify(update)));
    expect(message?.type === "update" && message.intersections[0]?.cycleSecond).toBe(17);
    expect(asLiveMessage({ type: "hello", role: "operator", serverTimeMs: 1 })).toEqual({ type: "hello", role: "operator", serverTimeMs: 1 });
  });

  it("drops a message that does not match the schema instead of rendering it", () => {
    const { signalTs: _dropped, ...withoutSignalTs } = summary("a");
    expect(asLiveMessage({ type: "update", intersections: [withoutSignalTs] })).toBeNull();
    expect(asLiveMessage({ type: "hello", role: "superuser", serverTimeMs: 1 })).toBeNull();
    expect(asLiveMessage({ type: "gossip" })).toBeNull();
  });
});
