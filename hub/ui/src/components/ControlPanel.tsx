import { useEffect, useState } from "preact/hooks";
import type { CommandAction, IntersectionDetail, TrackedCommand } from "../net/contract.js";
import { ApiError, type HubApi, type PlanOverride } from "../net/hub-api.js";
import type { LiveStore } from "../state/live-store.js";
import { clockTime } from "../view/time-format.js";
import { ConfirmDialog } from "./ConfirmDialog.js";

type Pending =
  | { kind: "command"; action: CommandAction; title: string; text: string; danger: boolean }
  | { kind: "override"; body: PlanOverride; title: string; text: string }
  | { kind: "release"; title: string; text: string };

const FINAL_STATES = new Set(["completed", "rejected", "unanswered"]);
const POLL_MS = 1000;
const POLL_LIMIT = 30;

function actionText(a: CommandAction): string {
  switch (a.action) {
    case "hold":
      return `hold phase ${a.phase}${a.durationS ? ` for ${a.durationS} s` : ""}`;
    case "set-plan":
      return `set plan ${a.plan.planId}`;
    default:
      return a.action;
  }
}

const STATE_TEXT: Record<TrackedCommand["state"], string> = {
  sent: "sent, waiting for the edge…",
  accepted: "accepted by the edge",
  completed: "completed by the edge",
  rejected: "refused by the edge",
  unanswered: "no answer from the edge",
};

/**
 * Operator control of one intersection. Every action asks for confirmation, then follows the
 * edge's answer (live stream, and polling `/api/commands/:id` as a fallback) until it is final.
 * Rendered only for operators and admins: a viewer sees no control at all.
 */
export function ControlPanel({ api, store, detail }: { api: HubApi; store: LiveStore; detail: IntersectionDetail }) {
  const id = detail.intersectionId;
  const phases = detail.phases.map((p) => p.phase);
  const [holdPhase, setHoldPhase] = useState<number>(phases[0] ?? 1);
  const [holdS, setHoldS] = useState("");
  const [pending, setPending] = useState<Pending | null>(null);
  const [feedback, setFeedback] = useState<{ ok: boolean; text: string; details?: string[] } | null>(null);
  const [tracking, setTracking] = useState<string[]>([]);

  // Poll each tracked command until the edge's answer is final (the live stream usually wins).
  useEffect(() => {
    if (tracking.length === 0) return;
    let polls = 0;
    const timer = setInterval(() => {
      polls++;
      for (const commandId of tracking) {
        const known = store.commands.get(commandId);
        if (known && FINAL_STATES.has(known.state)) continue;
        api.command(commandId).then((c) => store.trackCommand(c), () => undefined);
      }
      if (polls >= POLL_LIMIT || tracking.every((c) => FINAL_STATES.has(store.commands.get(c)?.state ?? "sent"))) setTracking([]);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [tracking, api, store]);

  const planSplits = detail.plan?.splitsS ?? {};
  const [cycleS, setCycleS] = useState(String(detail.plan?.cycleS ?? detail.cycleS ?? 90));
  const [offsetS, setOffsetS] = useState(String(detail.plan?.offsetS ?? 0));
  const [splits, setSplits] = useState<Record<string, string>>(() => Object.fromEntries(phases.map((p) => [String(p), String(planSplits[String(p)] ?? "")])));
  const [durationMin, setDurationMin] = useState("30");
  const [reason, setReason] = useState("");

  function ask(p: Pending): void {
    setFeedback(null);
    setPending(p);
  }

  function askCommand(action: CommandAction, danger = false): void {
    ask({ kind: "command", action, title: `Send "${actionText(action)}"?`, text: `This goes to the controller at ${detail.name ?? id} now.`, danger });
  }

  function askOverride(event: Event): void {
    event.preventDefault();
    const splitsS: Record<string, number> = {};
    for (const [phase, value] of Object.entries(splits)) if (value.trim() !== "") splitsS[phase] = Number(value);
    const body: PlanOverride = {
      planId: `manual-${Date.now().toString(36)}`,
      cycleS: Number(cycleS),
      offsetS: Number(offsetS),
      splitsS,
      durationS: Math.round(Number(durationMin) * 60),
      reason: reason.trim() || "operator override",
      policy: "manual",
    };
    ask({ kind: "override", body, title: "Override the plan?", text: `Cycle ${body.cycleS} s, splits ${Object.entries(splitsS).map(([p, s]) => `Φ${p} ${s} s`).join(", ")}, offset ${body.offsetS} s, held for ${durationMin} min.` });
  }

  async function confirm(): Promise<void> {
    const p = pending;
    setPending(null);
    if (!p) return;
    try {
      if (p.kind === "command") {
        const tracked = await api.sendCommand(id, p.action);
        store.trackCommand(tracked);
        setTracking((t) => [...t, tracked.commandId]);
        setFeedback({ ok: true, text: `Command ${actionText(p.action)} sent (${tracked.commandId}); the edge's answer shows under Commands.` });
      } else if (p.kind === "override") {
        const { plan } = await api.overridePlan(id, p.body);
        setFeedback({ ok: true, text: `Plan ${plan.planId} sent; the controller applies it at the next cycle boundary.` });
      } else {
        await api.releasePlan(id);
        setFeedback({ ok: true, text: "Override released; adaptive planning resumes." });
      }
    } catch (err) {
      if (err instanceof ApiError) setFeedback({ ok: false, text: `${err.status === 422 ? "The plan was refused" : "Refused"}: ${err.message}`, details: err.details });
      else setFeedback({ ok: false, text: `Failed: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  const commands = store.commandsOf(id).slice(0, 8);
  return (
    <section class="card control" aria-label="Control" data-testid="control-panel">
      <h2>Control</h2>
      <div class="control-row">
        <label>
          Phase
          <select value={holdPhase} onChange={(e) => setHoldPhase(Number((e.currentTarget as HTMLSelectElement).value))} data-testid="hold-phase">
            {phases.map((p) => (
              <option key={p} value={p}>
                Φ{p}
              </option>
            ))}
          </select>
        </label>
        <label>
          for (s, optional)
          <input type="number" min="1" max="3600" value={holdS} onInput={(e) => setHoldS((e.currentTarget as HTMLInputElement).value)} class="narrow" />
        </label>
        <button type="button" data-testid="hold" onClick={() => askCommand({ action: "hold", phase: holdPhase, ...(holdS.trim() ? { durationS: Number(holdS) } : {}) })}>
          Hold phase
        </button>
      </div>
      <div class="control-row">
        <button type="button" class="danger" data-testid="flash" onClick={() => askCommand({ action: "flash" }, true)}>
          Flash
        </button>
        <button type="button" data-testid="resume" onClick={() => askCommand({ action: "resume" })}>
          Resume
        </button>
        <button type="button" data-testid="clear-fault" onClick={() => askCommand({ action: "clear-fault" })}>
          Clear fault
        </button>
      </div>
      <form class="override" onSubmit={askOverride}>
        <h3>Plan override {detail.planSource === "override" && <span class="badge">override active</span>}</h3>
        <div class="control-row">
          <label>
            Cycle (s)
            <input type="number" min="20" max="300" step="1" required value={cycleS} onInput={(e) => setCycleS((e.currentTarget as HTMLInputElement).value)} class="narrow" />
          </label>
          <label>
            Offset (s)
            <input type="number" min="0" max="299" step="1" required value={offsetS} onInput={(e) => setOffsetS((e.currentTarget as HTMLInputElement).value)} class="narrow" />
          </label>
          {phases.map((p) => (
            <label key={p}>
              Φ{p} split (s)
              <input
                type="number"
                min="1"
                max="300"
                step="0.5"
                value={splits[String(p)] ?? ""}
                onInput={(e) => setSplits({ ...splits, [String(p)]: (e.currentTarget as HTMLInputElement).value })}
                class="narrow"
              />
            </label>
          ))}
          <label>
            Hold for (min)
            <input type="number" min="1" max="1440" required value={durationMin} onInput={(e) => setDurationMin((e.currentTarget as HTMLInputElement).value)} class="narrow" />
          </label>
        </div>
        <div class="control-row">
          <label class="grow">
            Reason
            <input type="text" maxLength={200} value={reason} placeholder="e.g. stadium event" onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <button type="submit">Override plan</button>
          <button type="button" onClick={() => ask({ kind: "release", title: "Release the override?", text: "The hub's adaptive plan takes over again." })}>
            Release
          </button>
        </div>
      </form>
      {feedback && (
        <div class={feedback.ok ? "feedback ok" : "feedback error"} role="status" data-testid="control-feedback">
          {feedback.text}
          {feedback.details && feedback.details.length > 0 && (
            <ul>
              {feedback.details.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <h3>Commands</h3>
      {commands.length === 0 ? (
        <p class="muted">None sent recently.</p>
      ) : (
        <ul class="command-list" data-testid="commands">
          {commands.map((c) => (
            <li key={c.commandId} class={`command state-${c.state}`} data-command-id={c.commandId} data-state={c.state}>
              <span class="command-time">{clockTime(c.sentAtMs)}</span>
              <span class="command-action">{actionText(c.action)}</span>
              <span class="command-state">
                {STATE_TEXT[c.state]}
                {c.reason ? `: ${c.reason}` : ""}
              </span>
              <span class="muted">{c.issuedBy}</span>
            </li>
          ))}
        </ul>
      )}
      {pending && (
        <ConfirmDialog
          title={pending.title}
          confirmLabel={pending.kind === "release" ? "Release" : "Send"}
          danger={pending.kind === "command" && pending.danger}
          onConfirm={() => void confirm()}
          onCancel={() => setPending(null)}
        >
          <p>{pending.text}</p>
          <p class="muted">The action is recorded in the audit log under your name.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
