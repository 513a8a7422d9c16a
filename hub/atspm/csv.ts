import type { EventLog } from "./event-log.js";

/**
 * ATSPM's import format: `SignalId,Timestamp,EventCode,EventParam`, one event a line, timestamps
 * as `YYYY-MM-DD HH:mm:ss.f` (ATSPM's controller logs carry tenths; we keep milliseconds) in UTC.
 */
export function toAtspmCsv(signalId: string, log: EventLog): string {
  const lines: string[] = ["SignalId,Timestamp,EventCode,EventParam"];
  const id = /[",\n]/.test(signalId) ? `"${signalId.replaceAll('"', '""')}"` : signalId;
  for (let i = 0; i < log.length; i++) {
    const iso = new Date(log.tsMs[i]).toISOString();
    lines.push(`${id},${iso.slice(0, 10)} ${iso.slice(11, 23)},${log.code[i]},${log.param[i]}`);
  }
  return lines.join("\n") + "\n";
}
