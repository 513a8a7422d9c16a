import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/**
 * V8's sampling heap profiler, keeping the samples of objects that outlived their first scavenge:
 * those collected by a major collection or still live at the end (`includeObjectsCollectedByMajorGC`),
 * not those a scavenge freed. What it reports is what the young generation promotes, by the site
 * that allocated it. `stop` returns the top sites (self MB per second of sampling) and, when `out`
 * ends in `.heapprofile`, writes the profile for DevTools.
 */
export async function startPromotionProfile(intervalBytes = 32 * 1024, depth = Number(process.env.PROFILE_DEPTH ?? 3)): Promise<{ stop: (out: string, seconds: number) => Promise<string> }> {
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.enable");
  await session.post("HeapProfiler.startSampling", { samplingInterval: intervalBytes, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false } as never);
  return {
    async stop(out, seconds) {
      const { profile } = (await session.post("HeapProfiler.stopSampling")) as unknown as { profile: { head: ProfileNode } };
      session.disconnect();
      if (out.endsWith(".heapprofile")) writeFileSync(out, JSON.stringify(profile));
      const bySite = new Map<string, number>();
      const stack: string[] = [];
      const walk = (n: ProfileNode): void => {
        const f = n.callFrame;
        const here = `${f.functionName || "(anon)"} ${f.url.replace(/^.*\/wt-\d+\//, "")}:${f.lineNumber + 1}`;
        stack.push(here);
        if (n.selfSize > 0) {
          const key = stack.slice(-depth).reverse().join(" < ");
          bySite.set(key, (bySite.get(key) ?? 0) + n.selfSize);
        }
        for (const c of n.children) walk(c);
        stack.pop();
      };
      walk(profile.head);
      const total = [...bySite.values()].reduce((a, b) => a + b, 0);
      const top = [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 40);
      return `promoted (sampled, outlived a scavenge): ${(total / 1e6 / seconds).toFixed(2)} MB/s\n${top.map(([k, v]) => `${(v / 1e6 / seconds).toFixed(3).padStart(7)} MB/s  ${k}`).join("\n")}\n`;
    },
  };
}
