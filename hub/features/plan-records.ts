import type { Plan } from "../../protocol/index.js";
import type { PlanExplanation } from "../control/index.js";
import { TextRing } from "../tsdb/index.js";

export interface PlanRecord {
  plan: Plan;
  explanation: PlanExplanation | null;
  source: "adaptive" | "override";
}

export interface PlanRecordBounds {
  /** Plans kept per intersection, newest first out. */
  recordsPerIntersection: number;
  /** Explanations (about 1 KB each) kept per intersection: its newest plans have theirs, older ones keep their reason only. */
  explanationsPerIntersection: number;
}

/** Whole-hub budgets behind `planRecordBoundsFor`: about 35 MB of plans and 15 MB of explanations as text when full (up to 1.5 times that in buffers). */
const BUDGET = { records: 100_000, explanations: 10_000 };
const MAX = { records: 200, explanations: 20 };

/** Per-intersection bounds for a hub of `intersections`: 200 plans and 20 explanations each up to 500 intersections, fewer beyond. */
export function planRecordBoundsFor(intersections: number): PlanRecordBounds {
  const n = Math.max(1, intersections);
  const fit = (budget: number, max: number, min: number): number => Math.max(min, Math.min(max, Math.floor(budget / n)));
  return { recordsPerIntersection: fit(BUDGET.records, MAX.records, 5), explanationsPerIntersection: fit(BUDGET.explanations, MAX.explanations, 1) };
}

type Stored = { ts: number; plan: Plan; source: PlanRecord["source"] };
type StoredExplanation = { ts: number; seq: number; explanation: PlanExplanation };

/**
 * The plans the hub sent, with where each came from and, for the newest, why (for the API), kept
 * packed as JSON text (`TextRing`) and parsed when read. As JS objects, 5,000 intersections'
 * records (a plan every 10 s each, explanations of about 1 KB) grew the live heap by hundreds of
 * megabytes over a run, and every old-space marking had to trace them.
 */
export class PlanRecords {
  private readonly byIntersection = new Map<string, { records: TextRing<Stored>; explanations: TextRing<StoredExplanation> }>();

  constructor(readonly bounds: PlanRecordBounds) {}

  add(record: PlanRecord): void {
    const id = record.plan.intersectionId;
    let kept = this.byIntersection.get(id);
    if (kept === undefined) {
      kept = {
        // A plan's seq is the hub's own counter, unique per plan: the same seq is the same plan.
        records: new TextRing<Stored>(this.bounds.recordsPerIntersection, (r) => String(r.plan.seq)),
        explanations: new TextRing<StoredExplanation>(this.bounds.explanationsPerIntersection, (e) => String(e.seq)),
      };
      this.byIntersection.set(id, kept);
    }
    const ts = record.plan.ts;
    kept.records.insert({ ts, plan: record.plan, source: record.source });
    if (record.explanation !== null) kept.explanations.insert({ ts, seq: record.plan.seq, explanation: record.explanation });
  }

  /** Bytes of text buffers and their indexes held (the planned fill, for benches and sizing). */
  get bytes(): number {
    let bytes = 0;
    for (const kept of this.byIntersection.values()) bytes += kept.records.bufferBytes + kept.records.indexBytes + kept.explanations.bufferBytes + kept.explanations.indexBytes;
    return bytes;
  }

  /** The newest `limit` records of an intersection, newest first; an explanation where one is still kept. */
  latest(intersectionId: string, limit: number): PlanRecord[] {
    const kept = this.byIntersection.get(intersectionId);
    if (kept === undefined || !(limit > 0)) return [];
    const records = kept.records.latest(limit);
    // Explained plans are a subset of the records in the same order, so the newest `limit` records
    // can only have explanations among the newest `limit` explanations.
    const explanations = new Map(kept.explanations.latest(Math.min(limit, this.bounds.explanationsPerIntersection)).map((e) => [e.seq, e.explanation]));
    const explained = this.bounds.explanationsPerIntersection;
    return records.reverse().map((r, i) => ({ plan: r.plan, explanation: i < explained ? (explanations.get(r.plan.seq) ?? null) : null, source: r.source }));
  }
}
