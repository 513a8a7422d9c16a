import { join } from "node:path";
import { PersistedState } from "./controller/index.js";
import { readControllerState, writeControllerState } from "./controller-state-file.js";

/**
 * A technician's reset on site, as a cabinet MMU's reset button: clears the latched conflict fault
 * in `stateDir/controller.json`, whatever `remoteClearFault` says. Run it with the agent stopped
 * (a running agent keeps its latch in memory and writes it back). Returns what it did, in words.
 */
export function clearFaultOnSite(stateDir: string): { cleared: boolean; message: string } {
  const path = join(stateDir, "controller.json");
  const stored = readControllerState(path);
  if (stored.kind === "absent") return { cleared: false, message: `${path}: no saved controller state, so no latched fault` };
  if (stored.kind === "unreadable") return { cleared: false, message: `${stored.error}: the agent starts in flash with it; move it aside to start afresh` };
  const parsed = PersistedState.safeParse(stored.snapshot);
  if (!parsed.success) return { cleared: false, message: `${path}: not a controller state the agent can read; move it aside to start afresh` };
  const state = parsed.data;
  if (state.fault === null) return { cleared: false, message: `${path}: no fault is latched` };
  writeControllerState(path, { ...state, fault: null });
  return { cleared: true, message: `${path}: cleared the fault latched at ${new Date(state.fault.atMs).toISOString()} (${state.fault.message})` };
}
