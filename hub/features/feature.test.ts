import { describe, expect, it } from "vitest";
import { Features } from "./feature.js";

describe("features", () => {
  it("stop newest first, and one that fails to stop does not keep the others running", async () => {
    const stopped: string[] = [];
    const failures: string[] = [];
    const features = new Features((name) => failures.push(name));
    features.add("link", { stop: () => void stopped.push("link") });
    features.add("recording", {
      stop: async () => {
        stopped.push("recording");
        throw new Error("disk gone");
      },
    });
    features.add("planning", { stop: () => void stopped.push("planning") });
    await features.stop();
    expect(stopped).toEqual(["planning", "recording", "link"]);
    expect(failures).toEqual(["recording"]);
    await features.stop();
    expect(stopped).toHaveLength(3);
  });
});
