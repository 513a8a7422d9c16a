import { pino, type Logger } from "pino";
import { describe, expect, it } from "vitest";
import { ThrottledLog } from "./throttled-log.js";

function capture(): { lines: Record<string, unknown>[]; logger: Logger } {
  const lines: Record<string, unknown>[] = [];
  const logger: Logger = pino({ level: "warn" }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { lines, logger };
}

describe("ThrottledLog", () => {
  it("logs the first of a kind, then at most one per interval with the count it skipped", () => {
    const { lines, logger } = capture();
    let nowMs = 0;
    const log = new ThrottledLog(logger, 1000, () => nowMs);
    for (let i = 0; i < 100; i++) log.warn("bad_json", { i }, "message rejected");
    log.warn("invalid", {}, "message rejected");
    nowMs = 1000;
    log.warn("bad_json", { i: 100 }, "message rejected");
    expect(lines.map((l) => [l.i, l.unloggedSince])).toEqual([
      [0, 0],
      [undefined, 0],
      [100, 99],
    ]);
  });
});
