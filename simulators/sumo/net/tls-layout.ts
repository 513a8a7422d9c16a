import type { NetConnection, NetTlLogic, SumoNet } from "./read-net.js";

/** One controlled link (SUMO's link index of a light): from which lane to where, and its junction's right-of-way row. */
export interface TlsLink {
  index: number;
  fromEdge: string;
  fromLane: string;
  toEdge: string;
  dir: string;
  junctionId: string;
  /** Row in its junction's <request> table. */
  requestIndex: number;
}

/** Links of one incoming edge that show the same signal in every phase of the net's program. */
export interface LinkGroup {
  id: string;
  fromEdge: string;
  links: number[];
  /** Movement letters of its links (SUMO's `dir`: s, r, l, t, L, R). */
  dirs: string;
}

/** A green phase of the net's program, with the change interval that follows it. */
export interface ProgramPhase {
  /** Link indices showing G (protected) and g (permissive) in it. */
  protectedLinks: number[];
  permissiveLinks: number[];
  greenS: number;
  minDurS?: number;
  maxDurS?: number;
  yellowS: number;
  allRedS: number;
  /** The program's green phases (indices into `program.phase`) it is made of: consecutive ones showing the same links merge. */
  programPhases: number[];
}

export interface TlsLayout {
  tlsId: string;
  program: NetTlLogic;
  links: TlsLink[];
  groups: LinkGroup[];
  /** Links never green in the program: they keep the program's first character. */
  fixedLinks: { index: number; state: string }[];
  phases: ProgramPhase[];
  /** Link pairs that cross (the junction's foes) and that the program never shows with the right of way together. */
  forbiddenLinkPairs: [number, number][];
  /** yields[i]: the links link i must give way to when both are green (the junction's response row). */
  yields: number[][];
  /** A junction of the light, its position and the larger side of its outline's bounding box (m): the width a vehicle crosses, for clearance times. */
  position: { x: number; y: number };
  junctionWidthM: number;
  /** Speed limit (m/s) of each incoming lane of a controlled link. */
  laneSpeed: Record<string, number>;
  laneLength: Record<string, number>;
}

const GREEN = new Set(["G", "g"]);
const RIGHT_OF_WAY = new Set(["G", "g", "y", "Y"]);

/** Bit `j` of a SUMO right-of-way string (the last character is link 0). */
function bit(row: string, j: number): boolean {
  return row[row.length - 1 - j] === "1";
}

/** A signal group or approach id the project's schemas accept: letters, digits, _ - . and at most 64 characters. */
export function safeId(raw: string, taken: Set<string>): string {
  const base = raw.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 58) || "x";
  let id = base;
  for (let k = 2; taken.has(id); k++) id = `${base}-${k}`;
  taken.add(id);
  return id;
}

/** Which of the net's programs runs a light: SUMO starts the one loaded last. */
export function programOf(net: SumoNet, tlsId: string): NetTlLogic {
  const programs = net.tlLogic.filter((t) => t.id === tlsId);
  const program = programs.at(-1);
  if (!program) throw new Error(`net: traffic light "${tlsId}" has no <tlLogic>`);
  return program;
}

/**
 * A light's layout from the net: its links, their grouping into signal groups, the green phases
 * of its program with their change intervals, and which links cross. Pure; throws when the net
 * and the program disagree (a link index with no connection, a state of the wrong length).
 */
export function tlsLayout(net: SumoNet, tlsId: string): TlsLayout {
  const program = programOf(net, tlsId);
  const n = program.phase[0]!.state.length;
  for (const p of program.phase) {
    if (p.state.length !== n) throw new Error(`net: program of "${tlsId}" has states of ${n} and ${p.state.length} links`);
  }
  const connections = net.connection.filter((c): c is NetConnection & { linkIndex: number } => c.tl === tlsId && c.linkIndex !== undefined);
  const edgeById = new Map(net.edge.map((e) => [e.id, e]));
  const junctionOfEdge = (edgeId: string): string => edgeById.get(edgeId)?.to ?? "";
  const junctions = new Map(net.junction.map((j) => [j.id, j]));
  const links: TlsLink[] = [];
  for (const c of connections) {
    if (c.linkIndex >= n) throw new Error(`net: the program of traffic light "${tlsId}" has states for ${n} links, but its connection ${c.from} → ${c.to} is link ${c.linkIndex}`);
    if (links[c.linkIndex]) continue; // a link index shared by several connections: the first names it
    const junctionId = junctionOfEdge(c.from);
    const junction = junctions.get(junctionId);
    const intLanes = junction?.intLanes.split(" ").filter(Boolean) ?? [];
    const viaIndex = c.via === undefined ? -1 : intLanes.indexOf(c.via);
    links[c.linkIndex] = {
      index: c.linkIndex,
      fromEdge: c.from,
      fromLane: `${c.from}_${c.fromLane}`,
      toEdge: c.to,
      dir: c.dir,
      junctionId,
      requestIndex: viaIndex >= 0 ? viaIndex : c.linkIndex,
    };
  }
  for (let i = 0; i < n; i++) if (!links[i]) throw new Error(`net: link ${i} of traffic light "${tlsId}" has no <connection>`);

  const column = (i: number): string => program.phase.map((p) => p.state[i]).join("");
  const taken = new Set<string>();
  const groups: LinkGroup[] = [];
  const fixedLinks: { index: number; state: string }[] = [];
  const byKey = new Map<string, LinkGroup>();
  for (const link of links) {
    const col = column(link.index);
    if (![...col].some((s) => GREEN.has(s))) {
      fixedLinks.push({ index: link.index, state: col[0]! });
      continue;
    }
    const key = `${link.fromEdge}\u0000${col}`;
    const g = byKey.get(key);
    if (g) {
      g.links.push(link.index);
      if (!g.dirs.includes(link.dir)) g.dirs += link.dir;
    } else {
      const group: LinkGroup = { id: "", fromEdge: link.fromEdge, links: [link.index], dirs: link.dir };
      byKey.set(key, group);
      groups.push(group);
    }
  }
  for (const g of groups) g.id = safeId(`${g.fromEdge}.${[...g.dirs].sort().join("")}`, taken);

  const phases: ProgramPhase[] = [];
  program.phase.forEach((p, k) => {
    const isGreen = [...p.state].some((s) => GREEN.has(s)) && !/[yY]/.test(p.state);
    if (!isGreen) return;
    const protectedLinks = links.filter((l) => p.state[l.index] === "G").map((l) => l.index);
    const permissiveLinks = links.filter((l) => p.state[l.index] === "g").map((l) => l.index);
    let yellowS = 0;
    let allRedS = 0;
    for (let j = k + 1; j < k + program.phase.length; j++) {
      const q = program.phase[j % program.phase.length]!;
      if ([...q.state].some((s) => GREEN.has(s)) && !/[yY]/.test(q.state)) break;
      if (/[yY]/.test(q.state)) yellowS += q.duration;
      else allRedS += q.duration;
    }
    const prev = phases.at(-1);
    const same = prev && k > 0 && sameSet(prev.protectedLinks, protectedLinks) && sameSet(prev.permissiveLinks, permissiveLinks) && prev.yellowS === 0;
    if (same) {
      prev.greenS += p.duration;
      prev.programPhases.push(k);
      prev.yellowS = yellowS;
      prev.allRedS = allRedS;
      return;
    }
    phases.push({
      protectedLinks,
      permissiveLinks,
      greenS: p.duration,
      ...(p.minDur !== undefined ? { minDurS: p.minDur } : {}),
      ...(p.maxDur !== undefined ? { maxDurS: p.maxDur } : {}),
      yellowS,
      allRedS,
      programPhases: [k],
    });
  });
  if (phases.length === 0) throw new Error(`net: program of "${tlsId}" has no green phase`);

  const together = new Set<string>();
  for (const p of program.phase) {
    const on = links.filter((l) => RIGHT_OF_WAY.has(p.state[l.index]!)).map((l) => l.index);
    for (const a of on) for (const b of on) if (a < b) together.add(`${a},${b}`);
  }
  const forbiddenLinkPairs: [number, number][] = [];
  const yields: number[][] = links.map(() => []);
  for (const a of links) {
    const row = junctions.get(a.junctionId)?.request.find((r) => r.index === a.requestIndex);
    if (!row) continue;
    for (const b of links) {
      if (b.index === a.index || b.junctionId !== a.junctionId) continue;
      if (bit(row.response, b.requestIndex)) yields[a.index]!.push(b.index);
      if (a.index < b.index && bit(row.foes, b.requestIndex) && !together.has(`${a.index},${b.index}`)) forbiddenLinkPairs.push([a.index, b.index]);
    }
  }
  // A foes table is symmetric in principle; take the other row too, so one-sided entries still count.
  for (const b of links) {
    const row = junctions.get(b.junctionId)?.request.find((r) => r.index === b.requestIndex);
    if (!row) continue;
    for (const a of links) {
      if (a.index >= b.index || a.junctionId !== b.junctionId) continue;
      if (bit(row.foes, a.requestIndex) && !together.has(`${a.index},${b.index}`) && !forbiddenLinkPairs.some(([x, y]) => x === a.index && y === b.index)) {
        forbiddenLinkPairs.push([a.index, b.index]);
      }
    }
  }

  const junctionIds = [...new Set(links.map((l) => l.junctionId))];
  const main = junctions.get(junctionIds[0] ?? tlsId) ?? junctions.get(tlsId);
  const laneSpeed: Record<string, number> = {};
  const laneLength: Record<string, number> = {};
  for (const l of links) {
    const lane = edgeById.get(l.fromEdge)?.lane.find((x) => x.id === l.fromLane);
    if (lane) {
      laneSpeed[l.fromLane] = lane.speed;
      laneLength[l.fromLane] = lane.length;
    }
  }
  return {
    tlsId,
    program,
    links,
    groups,
    fixedLinks,
    phases,
    forbiddenLinkPairs,
    yields,
    position: { x: main?.x ?? 0, y: main?.y ?? 0 },
    junctionWidthM: shapeWidthM(main?.shape),
    laneSpeed,
    laneLength,
  };
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** The larger side of a junction outline's bounding box, 20 m when it has none. */
function shapeWidthM(shape: string | undefined): number {
  const points = (shape ?? "")
    .split(" ")
    .filter(Boolean)
    .map((p) => p.split(",").map(Number) as [number, number]);
  if (points.length < 2) return 20;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
}

/** The group id of each link index (undefined for a link never green). */
export function groupOfLink(layout: TlsLayout): (string | undefined)[] {
  const out: (string | undefined)[] = layout.links.map(() => undefined);
  for (const g of layout.groups) for (const i of g.links) out[i] = g.id;
  return out;
}

/** Every tls id the net's junctions and connections use, in the net's order. */
export function trafficLightIds(net: SumoNet): string[] {
  return [...new Set(net.connection.flatMap((c) => (c.tl !== undefined ? [c.tl] : [])))].filter((id) => net.tlLogic.some((t) => t.id === id));
}
