import { EDGE_TO_HUB, HUB_TO_EDGE, TOPIC_ROOT, topicFor } from "../../protocol/index.js";

/**
 * Who a connected client is. A device is pinned to one intersection; a service (the hub's
 * account, or an anonymous client where that is allowed) may use anything under the topic root.
 */
export type Identity = DeviceIdentity | ServiceIdentity;

export interface DeviceIdentity {
  kind: "device";
  username: string;
  region: string;
  intersectionId: string;
  /** Exact topics, no wildcards: `traffic/v1/{region}/{id}/{measures|signal|events|status}`. */
  publishTopics: ReadonlySet<string>;
  /** Exact topics, no wildcards: its own `…/plan` and `…/command`. */
  subscribeTopics: ReadonlySet<string>;
}

export interface ServiceIdentity {
  kind: "service";
  username: string | null;
}

export function deviceIdentity(username: string, region: string, intersectionId: string): DeviceIdentity {
  return {
    kind: "device",
    username,
    region,
    intersectionId,
    publishTopics: new Set(EDGE_TO_HUB.map((kind) => topicFor(region, intersectionId, kind))),
    subscribeTopics: new Set(HUB_TO_EDGE.map((kind) => topicFor(region, intersectionId, kind))),
  };
}

export function serviceIdentity(username: string | null): ServiceIdentity {
  return { kind: "service", username };
}

const ROOT_PREFIX = `${TOPIC_ROOT}/`;

/** Why `identity` may not publish to `topic`, or null when it may. */
export function publishDenial(identity: Identity, topic: string): string | null {
  if (identity.kind === "service") {
    return topic.startsWith(ROOT_PREFIX) ? null : `may publish only under ${ROOT_PREFIX}`;
  }
  if (identity.publishTopics.has(topic)) return null;
  return `device ${identity.username} may publish only to ${TOPIC_ROOT}/${identity.region}/${identity.intersectionId}/{${EDGE_TO_HUB.join(",")}}`;
}

/** Why `identity` may not subscribe to `filter`, or null when it may. Devices get no wildcards. */
export function subscribeDenial(identity: Identity, filter: string): string | null {
  if (identity.kind === "service") {
    return filter.startsWith(ROOT_PREFIX) ? null : `may subscribe only under ${ROOT_PREFIX}`;
  }
  if (identity.subscribeTopics.has(filter)) return null;
  return `device ${identity.username} may subscribe only to ${TOPIC_ROOT}/${identity.region}/${identity.intersectionId}/{${HUB_TO_EDGE.join(",")}}`;
}
