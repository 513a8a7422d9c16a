import type { ControllerEvent } from "../net/contract.js";

const HIRES_NAMES: Record<number, string> = {
  1: "phase begin green",
  4: "phase gap out",
  5: "phase max out",
  6: "phase force off",
  8: "phase begin yellow",
  9: "phase end yellow",
  10: "phase begin red clearance",
  11: "phase end red clearance",
  21: "ped begin walk",
  22: "ped begin clearance",
  81: "detector off",
  82: "detector on",
  131: "pattern change",
  132: "cycle length change",
};

/** A controller event in words an operator reads (hi-res codes by their Indiana names). */
export function eventText(e: ControllerEvent): string {
  switch (e.type) {
    case "hires": {
      const name = HIRES_NAMES[e.code] ?? (e.code >= 134 && e.code <= 149 ? `split change (phase ${e.code - 133})` : `event ${e.code}`);
      const subject = e.code === 81 || e.code === 82 ? "detector" : e.code === 131 ? "pattern" : e.code === 132 ? "cycle" : e.code >= 134 && e.code <= 149 ? "split" : "phase";
      return `${name} (${subject} ${e.param})`;
    }
    case "ack":
      return `command ${e.commandId} ${e.result}${e.reason ? `: ${e.reason}` : ""}`;
    case "alarm":
      return `alarm ${e.alarm}: ${e.message}`;
  }
}
