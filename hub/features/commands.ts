import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { CommandAction } from "../../protocol/index.js";
import type { HubLimits } from "../config.js";
import type { Ingest } from "../ingest/index.js";
import type { BrokerConnection } from "../link/index.js";
import type { Actor } from "../services/actor.js";
import type { AuditLog } from "../services/audit-log.js";
import { CommandTracker, type TrackedCommand } from "../services/command-tracker.js";
import type { HubStateStore } from "../state/index.js";
import type { Alarms } from "./alarms.js";
import type { ChangeFeed } from "./changes.js";
import type { Intersections } from "./intersections.js";
import type { Planning } from "./planning.js";

/** An operator command the hub refused to send, with each reason. */
export class CommandRefused extends Error {
  override name = "CommandRefused";
  constructor(
    message: string,
    readonly errors: string[],
  ) {
    super(message);
  }
}

export interface CommandsDeps {
  connection: BrokerConnection;
  intersections: Intersections;
  /** Checks a `set-plan`'s plan as an override is checked. */
  planning: Pick<Planning, "checkOperatorPlan">;
  alarms: Pick<Alarms, "occurrence">;
  audit: AuditLog;
  changes: ChangeFeed;
  state: HubStateStore | null;
  limits: HubLimits;
  answerTimeoutMs: number;
  nextSeq: () => number;
  now: () => number;
  log: Logger;
}

/** Operator commands: checked, sent to the agent, audited, and tracked until the edge acknowledges them. */
export class Commands {
  private readonly tracker: CommandTracker;
  private sentCount = 0;

  constructor(private readonly deps: CommandsDeps) {
    const { state, log } = deps;
    this.tracker = new CommandTracker(
      5000,
      deps.answerTimeoutMs,
      state
        ? (c: TrackedCommand) => {
            try {
              state.saveCommand(c);
            } catch (err) {
              log.error({ err }, "hub state store write failed");
            }
          }
        : undefined,
    );
    if (state) {
      state.trimCommands(this.tracker.limit);
      this.tracker.restore(state.commands());
    }
  }

  /** The edge's acks update the commands they answer. */
  follow(ingest: Ingest): void {
    ingest.onEvents((e) => {
      for (const event of e.events) {
        if (event.type === "ack" && this.tracker.ack(e.intersectionId, event)) this.deps.changes.emit(e.intersectionId, "command");
      }
    });
  }

  /**
   * Send an operator command to an intersection's agent; the edge's acks update it. A `set-plan`
   * passes the same check as an override (rules, and a `validUntil` within `limits.maxPlanValidityS`);
   * a `hold` without a duration gets `limits.maxHoldS`, and a longer one is refused. Throws
   * `CommandRefused` (audited) for either.
   */
  async send(intersectionId: string, requested: CommandAction, actor: Actor): Promise<TrackedCommand> {
    const { audit, intersections, connection, changes } = this.deps;
    const region = intersections.regionOf(intersectionId);
    const nowMs = this.deps.now();
    const checked = this.check(intersectionId, requested, nowMs);
    if (!checked.ok) {
      audit.append({ ts: nowMs, actor: actor.name, role: actor.role, action: `command.${requested.action}`, intersectionId, details: { ...requested }, result: "refused", reason: checked.errors.join("; ") });
      throw new CommandRefused(`command ${requested.action} refused`, checked.errors);
    }
    const action = checked.action;
    const commandId = `c${nowMs.toString(36)}${randomBytes(3).toString("hex")}`;
    const issuedBy = `${actor.role}:${actor.name}`;
    try {
      await connection.publish(region, "command", { ts: nowMs, seq: this.deps.nextSeq(), intersectionId, commandId, issuedBy, command: action });
    } catch (err) {
      audit.append({ ts: nowMs, actor: actor.name, role: actor.role, action: `command.${action.action}`, intersectionId, details: { ...action }, result: "failed", reason: (err as Error).message });
      throw err;
    }
    this.sentCount++;
    const tracked = this.tracker.sent({ commandId, intersectionId, action, issuedBy, sentAtMs: nowMs });
    audit.append({ ts: nowMs, actor: actor.name, role: actor.role, action: `command.${action.action}`, intersectionId, details: { commandId, ...action }, result: "ok" });
    changes.emit(intersectionId, "command");
    return tracked;
  }

  get(commandId: string): TrackedCommand | undefined {
    return this.tracker.get(commandId);
  }

  /** Newest first. */
  list(intersectionId?: string, limit = 50): TrackedCommand[] {
    return this.tracker.list(intersectionId, limit);
  }

  get limit(): number {
    return this.tracker.limit;
  }

  get sent(): number {
    return this.sentCount;
  }

  /** Once a second: a command nobody answered in time is marked, and alarmed. */
  tick(nowMs: number): void {
    for (const c of this.tracker.expire(nowMs)) {
      this.deps.alarms.occurrence("command-unanswered", c.intersectionId, `command ${c.action.action} (${c.commandId}) not acknowledged`, nowMs);
      this.deps.changes.emit(c.intersectionId, "command");
    }
  }

  stop(): void {}

  /** A command as it will be sent (a hold gets its bounded duration), or why it is refused. */
  private check(intersectionId: string, action: CommandAction, nowMs: number): { ok: true; action: CommandAction } | { ok: false; errors: string[] } {
    const { maxHoldS, maxPlanValidityS } = this.deps.limits;
    if (action.action === "hold") {
      if (action.durationS === undefined) return { ok: true, action: { ...action, durationS: maxHoldS } };
      if (action.durationS > maxHoldS) return { ok: false, errors: [`durationS: ${action.durationS} s is longer than the ${maxHoldS} s a hold may last`] };
    }
    if (action.action === "set-plan") {
      const check = this.deps.planning.checkOperatorPlan(intersectionId, action.plan, nowMs, maxPlanValidityS);
      if (!check.ok) return check;
    }
    return { ok: true, action };
  }
}
