import { CMD, DOMAIN, GET, SET, SUBSCRIBE, SUBSCRIPTION_BEGIN, SUBSCRIPTION_END, SUBSCRIPTION_RESPONSE, VAR, type Domain } from "./constants.js";
import { statusOnly, TraciConnection, type TraciCommand } from "./connection.js";
import { ByteReader, ByteWriter, type TraciValue } from "./storage.js";

/** Subscribed values after a step: domain → object id → variable id → value. */
export class SubscriptionResults {
  private readonly byResponse = new Map<number, Map<string, Map<number, TraciValue>>>();

  add(responseId: number, objectId: string, values: Map<number, TraciValue>): void {
    let objects = this.byResponse.get(responseId);
    if (!objects) this.byResponse.set(responseId, (objects = new Map()));
    objects.set(objectId, values);
  }

  /** The values of one subscribed object, or undefined when SUMO sent none for it this step. */
  of(domain: Domain, objectId: string): ReadonlyMap<number, TraciValue> | undefined {
    return this.byResponse.get(SUBSCRIPTION_RESPONSE + DOMAIN[domain])?.get(objectId);
  }

  get size(): number {
    let n = 0;
    for (const objects of this.byResponse.values()) n += objects.size;
    return n;
  }
}

/** One variable subscription response: object id, then each variable's status and typed value. */
function readSubscription(r: ByteReader, into: SubscriptionResults): { responseId: number; objectId: string } {
  r.commandLength();
  const responseId = r.ubyte();
  const objectId = r.string();
  const n = r.ubyte();
  const values = new Map<number, TraciValue>();
  for (let i = 0; i < n; i++) {
    const varId = r.ubyte();
    const status = r.ubyte();
    const value = r.typed();
    if (status !== 0) throw new Error(`traci: subscription of 0x${varId.toString(16)} on "${objectId}" failed: ${String(value)}`);
    values.set(varId, value);
  }
  into.add(responseId, objectId, values);
  return { responseId, objectId };
}

/** A signal's controlled links: for each link index, its [incoming lane, outgoing lane, internal lane] triples. */
export type ControlledLinks = [string, string, string][][];

/**
 * The TraCI commands this project needs, over one connection. `step` sends any queued light
 * states with the step, so a simulation step is one round trip however many lights there are.
 */
export class TraciClient {
  private queuedSets: TraciCommand<void>[] = [];

  constructor(private readonly connection: TraciConnection) {}

  static async connect(port: number, host?: string): Promise<TraciClient> {
    return new TraciClient(await TraciConnection.open(port, host));
  }

  async getVersion(): Promise<{ apiVersion: number; sumoVersion: string }> {
    const [v] = await this.connection.send([
      {
        id: CMD.getVersion,
        payload: Buffer.alloc(0),
        read: (r) => {
          r.commandLength();
          r.ubyte();
          return { apiVersion: r.int(), sumoVersion: r.string() };
        },
      },
    ] as const);
    return v;
  }

  /** Needed only when several clients share one SUMO (`--num-clients`). */
  async setOrder(order: number): Promise<void> {
    await this.connection.send([statusOnly(CMD.setOrder, new ByteWriter().int(order).toBuffer())] as const);
  }

  /** Subscribe to variables of one object for the whole run; returns their values now. */
  async subscribe(domain: Domain, objectId: string, variables: readonly number[]): Promise<ReadonlyMap<number, TraciValue>> {
    const w = new ByteWriter().double(SUBSCRIPTION_BEGIN).double(SUBSCRIPTION_END).string(objectId).ubyte(variables.length);
    for (const v of variables) w.ubyte(v);
    const into = new SubscriptionResults();
    await this.connection.send([{ id: SUBSCRIBE + DOMAIN[domain], payload: w.toBuffer(), read: (r) => readSubscription(r, into) }] as const);
    return into.of(domain, objectId) ?? new Map();
  }

  /** Read one variable of one object. */
  async get(domain: Domain, variable: number, objectId: string): Promise<TraciValue> {
    const [value] = await this.connection.send([
      {
        id: GET + DOMAIN[domain],
        payload: new ByteWriter().ubyte(variable).string(objectId).toBuffer(),
        read: (r) => {
          r.commandLength();
          r.ubyte();
          r.ubyte();
          r.string();
          return r.typed();
        },
      },
    ] as const);
    return value;
  }

  async getRedYellowGreenState(tlsId: string): Promise<string> {
    const v = await this.get("trafficLight", VAR.tlRedYellowGreenState, tlsId);
    if (typeof v !== "string") throw new Error(`traci: state of "${tlsId}" is not a string`);
    return v;
  }

  async getControlledLinks(tlsId: string): Promise<ControlledLinks> {
    const v = await this.get("trafficLight", VAR.tlControlledLinks, tlsId);
    // Compound: number of link indices, then per index (integer count, then that many string lists).
    if (!Array.isArray(v)) throw new Error(`traci: controlled links of "${tlsId}" are not a compound`);
    const items = v.slice(1) as TraciValue[];
    const out: ControlledLinks = [];
    for (let i = 0; i < items.length; ) {
      const n = items[i++] as number;
      const links: [string, string, string][] = [];
      for (let k = 0; k < n; k++) links.push(items[i++] as [string, string, string]);
      out.push(links);
    }
    return out;
  }

  /** Set a light's state now (one round trip). */
  async setRedYellowGreenState(tlsId: string, state: string): Promise<void> {
    await this.connection.send([setStateCommand(tlsId, state)] as const);
  }

  /** Queue a light's state, sent with the next step in the same message. */
  queueRedYellowGreenState(tlsId: string, state: string): void {
    this.queuedSets.push(setStateCommand(tlsId, state));
  }

  /** Advance one step (or to `targetS`), sending queued states first; returns every subscribed value. */
  async step(targetS = 0): Promise<SubscriptionResults> {
    const results = new SubscriptionResults();
    const step: TraciCommand<void> = {
      id: CMD.simulationStep,
      payload: new ByteWriter().double(targetS).toBuffer(),
      read: (r) => {
        const n = r.int();
        for (let i = 0; i < n; i++) readSubscription(r, results);
      },
    };
    const commands = [...this.queuedSets, step];
    this.queuedSets = [];
    await this.connection.send(commands);
    return results;
  }

  /** Ask SUMO to end the simulation (it writes its outputs and exits), then close the socket. */
  async close(): Promise<void> {
    try {
      await this.connection.send([statusOnly(CMD.close, Buffer.alloc(0))] as const);
    } finally {
      this.connection.close();
    }
  }
}

function setStateCommand(tlsId: string, state: string): TraciCommand<void> {
  return statusOnly(SET + DOMAIN.trafficLight, new ByteWriter().ubyte(VAR.tlRedYellowGreenState).string(tlsId).typedString(state).toBuffer());
}

