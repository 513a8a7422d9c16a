import { readFile } from "node:fs/promises";
import { XMLParser } from "fast-xml-parser";
import { z } from "zod";
import { parseOrThrow } from "../../../protocol/index.js";

/**
 * The parts of a SUMO network (.net.xml) that signal control needs: lanes of the edges, the
 * junctions' right-of-way tables, the connections a light controls and its programs. Other
 * elements and attributes are ignored (a net file has many).
 */
const num = z.coerce.number();
const text = z.coerce.string();

export const NetLane = z.object({ id: text, index: z.coerce.number().int(), length: num, speed: num });
export const NetEdge = z.object({ id: text, from: text.optional(), to: text.optional(), function: text.optional(), lane: z.array(NetLane).default([]) });
export const NetRequest = z.object({ index: z.coerce.number().int(), response: text, foes: text });
export const NetJunction = z.object({
  id: text,
  type: text,
  x: num,
  y: num,
  incLanes: text.default(""),
  intLanes: text.default(""),
  shape: text.optional(),
  request: z.array(NetRequest).default([]),
});
export const NetConnection = z.object({
  from: text,
  to: text,
  fromLane: z.coerce.number().int(),
  toLane: z.coerce.number().int(),
  via: text.optional(),
  tl: text.optional(),
  linkIndex: z.coerce.number().int().optional(),
  dir: text.default("s"),
});
export const NetPhase = z.object({ duration: num, state: text, minDur: num.optional(), maxDur: num.optional() });
export const NetTlLogic = z.object({ id: text, type: text.default("static"), programID: text, offset: num.default(0), phase: z.array(NetPhase).min(1) });
export const SumoNet = z.object({
  edge: z.array(NetEdge).default([]),
  junction: z.array(NetJunction).default([]),
  connection: z.array(NetConnection).default([]),
  tlLogic: z.array(NetTlLogic).default([]),
});
export type NetLane = z.infer<typeof NetLane>;
export type NetEdge = z.infer<typeof NetEdge>;
export type NetJunction = z.infer<typeof NetJunction>;
export type NetConnection = z.infer<typeof NetConnection>;
export type NetPhase = z.infer<typeof NetPhase>;
export type NetTlLogic = z.infer<typeof NetTlLogic>;
export type SumoNet = z.infer<typeof SumoNet>;

const LISTS = new Set(["edge", "lane", "junction", "request", "connection", "tlLogic", "phase"]);

/** Parse a net file's text; throws a ValidationError naming the element and field that is wrong. */
export function parseNet(xml: string): SumoNet {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", parseAttributeValue: false, isArray: (name) => LISTS.has(name) });
  const doc = parser.parse(xml) as { net?: unknown };
  if (typeof doc.net !== "object" || doc.net === null) throw new Error("not a SUMO network: no <net> element");
  return parseOrThrow(SumoNet, doc.net, "net");
}

export async function readNet(path: string): Promise<SumoNet> {
  return parseNet(await readFile(path, "utf8"));
}
