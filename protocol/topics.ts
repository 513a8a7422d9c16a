/**
 * MQTT topic names: `traffic/v1/{region}/{intersectionId}/{kind}`.
 * Ids are single topic levels, so they may not hold `/`, `+`, `#` or be empty.
 */
export const TOPIC_ROOT = "traffic/v1";

export const TOPIC_KINDS = ["measures", "signal", "events", "status", "plan", "command", "snapshot", "config"] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];

/** Kinds an edge agent publishes; the hub publishes the rest. */
export const EDGE_TO_HUB: readonly TopicKind[] = ["measures", "signal", "events", "status", "snapshot", "config"];
export const HUB_TO_EDGE: readonly TopicKind[] = ["plan", "command"];

/** The longest id: a topic level, a time-series tag, a history key. */
export const ID_MAX_LENGTH = 64;
/** Letters, digits, `_`, `-`, `.`; 1–64 characters. Safe as a topic level and as an InfluxDB tag. */
export const ID_PATTERN = new RegExp(`^[A-Za-z0-9_.-]{1,${ID_MAX_LENGTH}}$`);

export interface TopicAddress {
  region: string;
  intersectionId: string;
  kind: TopicKind;
}

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

function assertId(what: string, id: string): void {
  if (!isValidId(id)) {
    throw new Error(`${what} must match ${ID_PATTERN} (letters, digits, _ - .; 1–64 chars), got ${JSON.stringify(id)}`);
  }
}

export function topicFor(region: string, intersectionId: string, kind: TopicKind): string {
  assertId("region", region);
  assertId("intersectionId", intersectionId);
  return `${TOPIC_ROOT}/${region}/${intersectionId}/${kind}`;
}

/** Subscription filter; `+` stands for any region or intersection. */
export function topicFilter(region: string | "+", intersectionId: string | "+", kind: TopicKind | "+"): string {
  if (region !== "+") assertId("region", region);
  if (intersectionId !== "+") assertId("intersectionId", intersectionId);
  return `${TOPIC_ROOT}/${region}/${intersectionId}/${kind}`;
}

export type TopicParse = { ok: true; address: TopicAddress } | { ok: false; error: string };

export function parseTopic(topic: string): TopicParse {
  const parts = topic.split("/");
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) {
    return { ok: false, error: `topic ${JSON.stringify(topic)}: expected ${TOPIC_ROOT}/{region}/{intersectionId}/{kind}` };
  }
  const [, , region, intersectionId, kind] = parts as [string, string, string, string, string];
  if (!isValidId(region)) return { ok: false, error: `topic ${JSON.stringify(topic)}: bad region ${JSON.stringify(region)}` };
  if (!isValidId(intersectionId)) {
    return { ok: false, error: `topic ${JSON.stringify(topic)}: bad intersectionId ${JSON.stringify(intersectionId)}` };
  }
  if (!(TOPIC_KINDS as readonly string[]).includes(kind)) {
    return { ok: false, error: `topic ${JSON.stringify(topic)}: unknown kind ${JSON.stringify(kind)}, expected one of ${TOPIC_KINDS.join(", ")}` };
  }
  return { ok: true, address: { region, intersectionId, kind: kind as TopicKind } };
}
