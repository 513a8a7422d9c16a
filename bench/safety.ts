/**
 * Safety benchmark against hostile time, plans and commands.
 *
 *   npm run bench:safety -- [--runs 10000] [--seed 42]
 *
 * 1. Randomized controller drills (edge/agent/controller/test-support/time-drill.ts): the wall
 *    clock steps either way, by up to ten years, independently of the monotonic clock, while plans
 *    (any validity, skewed stamps) and commands (holds with and without durations, flash, resume,
 *    clear-fault, garbage) arrive; an observer on the monotonic clock checks every output.
 * 2. The hub attacks, against a real hub (embedded broker, API) on a clock the bench drives: one
 *    device's measures stamped ten years ahead, a huge seq with a future ts, a set-plan valid
 *    "forever", a hold without a duration (delivered over MQTT to a real controller and run out).
 *
 * Prints what it found, then one JSON line:
 * {"bench":"safety","runs":N,"conflicts":0,"shortenedClearances":0,"frozenHeadsS":0,"maxPlanValiditySeen":S,"futureTsAccepted":0}
 * Target: every count 0 and maxPlanValiditySeen (s) within the configured maximum (900 s).
 * Exits 1 when a target is missed.
 */
import fc from "fast-check";
import mqtt, { type MqttClient } from "mqtt";
import { ControllerCore } from "../edge/agent/controller/index.js";
import { DRILL_LIMITS, drillCase, runDrill } from "../edge/agent/controller/test-support/time-drill.js";
import { fourPhaseConfig } from "../edge/agent/controller/test-support/fixtures.js";
import { buildApi } from "../hub/api/app.js";
import { TIMING } from "../hub/api/test-fixtures.js";
import { Hub } from "../hub/hub.js";
import { publishControllerConfigs } from "../hub/test-support/controller-config.js";
import { measuresAt as benchMeasures, T0, TEN_YEARS_MS, timeAttackHubConfig } from "../hub/test-support/time-attack-hub.js";
import { decodeMessage, encodeMessage, type Command, type Measures, type Plan } from "../protocol/index.js";

function parseArgs(argv: string[]): { runs: number; seed: number } {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const runs = Number(get("runs") ?? 10_000);
  const seed = Number(get("seed") ?? Date.now() % 2_147_483_647);
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs: expected a positive whole number");
  if (!Number.isInteger(seed)) throw new Error("--seed: expected a whole number");
  return { runs, seed };
}

interface Totals {
  runs: number;
  conflicts: number;
  shortenedClearances: number;
  frozenHeadsS: number;
  maxPlanValiditySeen: number;
  futureTsAccepted: number;
}

function drills(runs: number, seed: number, totals: Totals): string[] {
  const examples: string[] = [];
  const batch = 500;
  let other = 0;
  for (let done = 0; done < runs; done += batch) {
    const cases = fc.sample(drillCase, { numRuns: Math.min(batch, runs - done), seed: seed + done });
    for (const c of cases) {
      const o = runDrill(c);
      totals.runs++;
      totals.conflicts += o.conflicts;
      totals.shortenedClearances += o.shortenedClearances;
      totals.frozenHeadsS = Math.max(totals.frozenHeadsS, o.frozenHeadsS);
      totals.maxPlanValiditySeen = Math.max(totals.maxPlanValiditySeen, o.maxPlanValiditySeenS);
      totals.futureTsAccepted += o.futureTsAccepted;
      other += o.other.length;
      if (o.violations.length > 0 && examples.length < 5) examples.push(`${JSON.stringify(c).slice(0, 300)}… → ${o.violations.slice(0, 3).join("; ")}`);
    }
  }
  if (other > 0) examples.unshift(`${other} other broken rules (unbounded holds, remote clear-fault, bad events)`);
  return examples;
}

// ---- hub attacks -------------------------------------------------------------------------------

const OPERATOR_TOKEN = "bench-operator-token-0123456789";
const hubConfig = () =>
  timeAttackHubConfig({
    operator: { name: "bench", token: OPERATOR_TOKEN },
    passwords: ["bench-x1-secret", "bench-x2-secret"],
    timing: { ...TIMING, planValidityS: 300 },
  });
const measuresAt = (intersectionId: string, seq: number, ts: number): Measures => benchMeasures(intersectionId, seq, ts, "bench");

async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

interface AttackResult {
  name: string;
  refused: boolean;
  detail: string;
}

async function hubAttacks(totals: Totals): Promise<AttackResult[]> {
  let nowMs = T0;
  const hub = await Hub.start(hubConfig(), { now: () => nowMs });
  // The hub plans only against a controller's published timing, as its agents would send at connect.
  await publishControllerConfigs(hub, "north", ["x1", "x2"]);
  const app = await buildApi(hub);
  const clients: MqttClient[] = [];
  const results: AttackResult[] = [];
  try {
    const connect = async (id: string): Promise<MqttClient> => {
      const c = await mqtt.connectAsync(hub.brokerUrl, { username: `dev-${id}`, password: `bench-${id}-secret`, clientId: `edge-${id}`, reconnectPeriod: 0 });
      clients.push(c);
      return c;
    };
    const publish = (c: MqttClient, m: Measures) => {
      const { topic, body } = encodeMessage("north", "measures", m);
      return c.publishAsync(topic, body, { qos: 1 });
    };
    const x1 = await connect("x1");
    const x2 = await connect("x2");
    const plans: Plan[] = [];
    const commands: Command[] = [];
    for (const [client, id] of [[x1, "x1"], [x2, "x2"]] as const) {
      await client.subscribeAsync([`traffic/v1/north/${id}/plan`, `traffic/v1/north/${id}/command`], { qos: 1 });
      client.on("message", (topic, payload) => {
        const d = decodeMessage(topic, payload);
        if (d.ok && d.kind === "plan") plans.push(d.payload);
        if (d.ok && d.kind === "command") commands.push(d.payload);
      });
    }

    // 1. One device ten years ahead; its corridor partner measures normally for ten minutes.
    const accepted = () => hub.metrics().ingest.messages.measures;
    for (let seq = 1; seq <= 100; seq++) await publish(x1, measuresAt("x1", seq, T0 + TEN_YEARS_MS + seq * 5000));
    for (let k = 0; k < 120; k++) {
      nowMs = T0 + k * 5000;
      await publish(x2, measuresAt("x2", k + 1, nowMs));
    }
    await until("x2's measures", () => accepted() >= 120);
    const futureAccepted = accepted() - 120;
    totals.futureTsAccepted += Math.max(0, futureAccepted);
    const skewAlarms = hub.alarms.list({ all: true }).filter((a) => a.type === "clock-skew" && a.intersectionId === "x1").length;
    await until("the corridor's plans", () => plans.length >= 2);
    const longestS = Math.max(...plans.map((p) => (p.validUntil - p.ts) / 1000));
    // A plan stamped later than the hub's clock would mean a device's ts moved the planning time.
    totals.futureTsAccepted += plans.filter((p) => p.ts > nowMs).length;
    totals.maxPlanValiditySeen = Math.max(totals.maxPlanValiditySeen, longestS);
    results.push({
      name: "future-ts measures from one device",
      refused: futureAccepted === 0 && skewAlarms === 1 && plans.length >= 10,
      detail: `${hub.metrics().ingest.rejects.clock_skew} rejected as clock_skew, ${skewAlarms} alarm, ${plans.length} corridor plans on the hub's clock (longest valid ${longestS} s)`,
    });

    // 2. A huge seq with a future ts, then the device's normal messages.
    const before = { stale: hub.metrics().ingest.rejects.stale, accepted: accepted() };
    await publish(x2, measuresAt("x2", Number.MAX_SAFE_INTEGER, nowMs + TEN_YEARS_MS));
    for (let k = 121; k <= 130; k++) await publish(x2, measuresAt("x2", k, nowMs + (k - 120) * 10));
    await until("x2's later measures", () => accepted() >= before.accepted + 10 || hub.metrics().ingest.rejects.stale > before.stale);
    const stale = hub.metrics().ingest.rejects.stale - before.stale;
    const hugeAccepted = hub.store.get("x2")?.measures?.seq === Number.MAX_SAFE_INTEGER ? 1 : 0;
    totals.futureTsAccepted += hugeAccepted;
    results.push({ name: "huge seq with a future ts", refused: stale === 0 && hugeAccepted === 0, detail: `later messages stale: ${stale}, x2's latest seq ${hub.store.get("x2")?.measures?.seq}` });

    // 3. set-plan valid "forever".
    const post = async (payload: object) => app.inject({ method: "POST", url: "/api/intersections/x1/commands", headers: { authorization: `Bearer ${OPERATOR_TOKEN}` }, payload });
    const forever = await post({ action: "set-plan", plan: { planId: "forever", cycleS: 90, offsetS: 0, splitsS: { "2": 55, "4": 35 }, reason: "bench", validUntil: 8_640_000_000_000_000 } });
    if (forever.statusCode === 202) totals.maxPlanValiditySeen = Math.max(totals.maxPlanValiditySeen, (8_640_000_000_000_000 - nowMs) / 1000);
    results.push({ name: "set-plan with validUntil 8640000000000000", refused: forever.statusCode === 422, detail: `HTTP ${forever.statusCode}: ${(forever.json() as { details?: string[] }).details?.join("; ") ?? ""}` });

    // 4. A hold without a duration, delivered over MQTT to a controller, which runs it out.
    const hold = await post({ action: "hold", phase: 2 });
    await until("the hold at the device", () => commands.some((c) => c.command.action === "hold"));
    const command = commands.find((c) => c.command.action === "hold")!;
    const controller = new ControllerCore(fourPhaseConfig({ limits: { ...DRILL_LIMITS } }), { monoMs: 0, wallMs: nowMs });
    controller.command(command.commandId, command.command, { monoMs: 0, wallMs: nowMs }, command.ts);
    let manualMs = 0;
    for (let monoMs = 100; monoMs <= 3_600_000; monoMs += 100) {
      controller.tick({ monoMs, wallMs: nowMs + monoMs });
      if (controller.state().mode === "manual") manualMs += 100;
    }
    const holdLimitMs = (DRILL_LIMITS.maxHoldS + 120) * 1000;
    totals.frozenHeadsS = Math.max(totals.frozenHeadsS, Math.max(0, manualMs - holdLimitMs) / 1000);
    results.push({
      name: "hold without durationS",
      refused: hold.statusCode === 202 && command.command.action === "hold" && command.command.durationS === DRILL_LIMITS.maxHoldS && manualMs <= holdLimitMs,
      detail: `sent with durationS ${command.command.action === "hold" ? command.command.durationS : "?"}; the controller held for ${manualMs / 1000} s`,
    });
  } finally {
    for (const c of clients) await c.endAsync(true);
    await app.close();
    await hub.stop();
  }
  return results;
}

const { runs, seed } = parseArgs(process.argv.slice(2));
const totals: Totals = { runs: 0, conflicts: 0, shortenedClearances: 0, frozenHeadsS: 0, maxPlanValiditySeen: 0, futureTsAccepted: 0 };
const started = performance.now();
const examples = drills(runs, seed, totals);
const drillS = (performance.now() - started) / 1000;
console.log(`controller drills: ${totals.runs} runs (seed ${seed}) in ${drillS.toFixed(1)} s`);
console.log(`  conflicts ${totals.conflicts}, shortened clearances ${totals.shortenedClearances}, frozen heads ${totals.frozenHeadsS} s, plan ran at most ${totals.maxPlanValiditySeen.toFixed(1)} s after the last good plan (backup time ${DRILL_LIMITS.backupTimeS} s), future ts accepted ${totals.futureTsAccepted}`);
for (const e of examples) console.log(`  ! ${e}`);
const attacks = await hubAttacks(totals);
for (const a of attacks) console.log(`hub attack: ${a.name}: ${a.refused ? "refused" : "NOT REFUSED"} (${a.detail})`);
const result = {
  bench: "safety",
  runs: totals.runs,
  conflicts: totals.conflicts,
  shortenedClearances: totals.shortenedClearances,
  frozenHeadsS: totals.frozenHeadsS,
  maxPlanValiditySeen: Math.round(totals.maxPlanValiditySeen * 10) / 10,
  futureTsAccepted: totals.futureTsAccepted,
};
const ok =
  examples.length === 0 &&
  attacks.every((a) => a.refused) &&
  result.conflicts === 0 &&
  result.shortenedClearances === 0 &&
  result.frozenHeadsS === 0 &&
  result.futureTsAccepted === 0 &&
  result.maxPlanValiditySeen <= DRILL_LIMITS.maxPlanValidityS;
console.log(JSON.stringify(result));
process.exitCode = ok ? 0 : 1;
