import type { CommandAck } from "../../protocol/index.js";

/** A command and what the edge answered: the contract's record. */
export type { CommandState, TrackedCommand } from "../api/contract.js";
import type { TrackedCommand } from "../api/contract.js";

/**
 * Operator commands and what the edge answered. A command the edge has not acknowledged within
 * `answerTimeoutMs` is marked unanswered (the agent may be offline); a later ack still updates it.
 */
export class CommandTracker {
  private readonly commands = new Map<string, TrackedCommand>();
  private readonly order: string[] = [];

  constructor(
    readonly limit = 5000,
    private readonly answerTimeoutMs = 15_000,
    /** Every new or changed command (the hub's state store keeps them across restarts). */
    private readonly onChange: (command: TrackedCommand) => void = () => undefined,
  ) {}

  /** Commands kept from an earlier run, oldest first. */
  restore(commands: readonly TrackedCommand[]): void {
    for (const c of commands) {
      if (this.commands.has(c.commandId)) continue;
      this.commands.set(c.commandId, { ...c });
      this.order.push(c.commandId);
    }
    while (this.order.length > this.limit) this.commands.delete(this.order.shift()!);
  }

  sent(command: Omit<TrackedCommand, "state" | "updatedAtMs">): TrackedCommand {
    const tracked: TrackedCommand = { ...command, state: "sent", updatedAtMs: command.sentAtMs };
    this.commands.set(command.commandId, tracked);
    this.order.push(command.commandId);
    while (this.order.length > this.limit) this.commands.delete(this.order.shift()!);
    this.onChange(tracked);
    return tracked;
  }

  /** An ack from `…/events`; returns the updated command, or undefined for an unknown id. */
  ack(intersectionId: string, ack: CommandAck): TrackedCommand | undefined {
    const c = this.commands.get(ack.commandId);
    if (!c || c.intersectionId !== intersectionId) return undefined;
    // "completed" and "rejected" are final; an "accepted" arriving late does not undo them.
    if (c.state === "completed" || (c.state === "rejected" && ack.result !== "completed")) return c;
    c.state = ack.result;
    if (ack.reason !== undefined) c.reason = ack.reason;
    c.updatedAtMs = ack.ts;
    this.onChange(c);
    return c;
  }

  /** Commands past their answer time with no ack; marks and returns them. */
  expire(nowMs: number): TrackedCommand[] {
    const out: TrackedCommand[] = [];
    for (const c of this.commands.values()) {
      if (c.state === "sent" && nowMs - c.sentAtMs > this.answerTimeoutMs) {
        c.state = "unanswered";
        c.reason = `no acknowledgement from the agent within ${this.answerTimeoutMs / 1000} s`;
        c.updatedAtMs = nowMs;
        out.push(c);
        this.onChange(c);
      }
    }
    return out;
  }

  get(commandId: string): TrackedCommand | undefined {
    return this.commands.get(commandId);
  }

  /** Newest first. */
  list(intersectionId?: string, limit = 50): TrackedCommand[] {
    const out: TrackedCommand[] = [];
    for (let i = this.order.length - 1; i >= 0 && out.length < limit; i--) {
      const c = this.commands.get(this.order[i]!);
      if (c && (intersectionId === undefined || c.intersectionId === intersectionId)) out.push(c);
    }
    return out;
  }
}
