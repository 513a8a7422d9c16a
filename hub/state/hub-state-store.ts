import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { PlanBody } from "../../protocol/index.js";
import type { AlarmRecord } from "../services/alarm-board.js";
import { AuditEntry } from "../api/contract.js";
import type { TrackedCommand } from "../services/command-tracker.js";

/** The file in the data directory. */
export const STATE_FILE = "hub-state.sqlite";

/**
 * What the hub must not forget across a restart, in SQLite (better-sqlite3, WAL): operator
 * overrides, alarms not yet acknowledged, tracked commands, and the audit log, which is append-only
 * (triggers refuse UPDATE and DELETE). Synchronous calls: each is one small indexed write, well
 * under a millisecond, far rarer than telemetry (operator actions and alarm changes).
 */
export class HubStateStore {
  private readonly db: Database.Database;
  private readonly statements;

  private constructor(db: Database.Database) {
    this.db = db;
    this.statements = {
      putOverride: db.prepare("INSERT INTO overrides (intersection_id, plan) VALUES (?, ?) ON CONFLICT(intersection_id) DO UPDATE SET plan = excluded.plan"),
      deleteOverride: db.prepare("DELETE FROM overrides WHERE intersection_id = ?"),
      overrides: db.prepare("SELECT intersection_id AS id, plan FROM overrides"),
      putAlarm: db.prepare("INSERT INTO alarms (id, record) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record"),
      deleteAlarm: db.prepare("DELETE FROM alarms WHERE id = ?"),
      alarms: db.prepare("SELECT record FROM alarms"),
      putCommand: db.prepare("INSERT INTO commands (id, sent_at_ms, record) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record"),
      commands: db.prepare("SELECT record FROM commands ORDER BY sent_at_ms, rowid"),
      trimCommands: db.prepare("DELETE FROM commands WHERE rowid NOT IN (SELECT rowid FROM commands ORDER BY sent_at_ms DESC, rowid DESC LIMIT ?)"),
      appendAudit: db.prepare("INSERT INTO audit (entry) VALUES (?)"),
      recentAudit: db.prepare("SELECT entry FROM (SELECT seq, entry FROM audit ORDER BY seq DESC LIMIT ?) ORDER BY seq"),
      auditCount: db.prepare("SELECT count(*) AS n FROM audit"),
    };
  }

  /** Open (creating) the store in `dataDir`. */
  static open(dataDir: string): HubStateStore {
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(join(dataDir, STATE_FILE));
    db.pragma("journal_mode = WAL");
    // NORMAL in WAL mode: a power cut may lose the last transactions, never corrupt the file.
    db.pragma("synchronous = NORMAL");
    db.exec(`
      CREATE TABLE IF NOT EXISTS overrides (intersection_id TEXT PRIMARY KEY, plan TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS alarms (id TEXT PRIMARY KEY, record TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS commands (id TEXT PRIMARY KEY, sent_at_ms INTEGER NOT NULL, record TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL);
      CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `);
    return new HubStateStore(db);
  }

  saveOverride(intersectionId: string, plan: PlanBody): void {
    this.statements.putOverride.run(intersectionId, JSON.stringify(plan));
  }

  deleteOverride(intersectionId: string): void {
    this.statements.deleteOverride.run(intersectionId);
  }

  /** Overrides still valid at `nowMs` (expired ones are deleted). A row that no longer parses is skipped. */
  overrides(nowMs: number): { intersectionId: string; plan: PlanBody }[] {
    const out: { intersectionId: string; plan: PlanBody }[] = [];
    for (const row of this.statements.overrides.all() as { id: string; plan: string }[]) {
      const plan = PlanBody.safeParse(safeJson(row.plan));
      if (plan.success && plan.data.validUntil > nowMs) out.push({ intersectionId: row.id, plan: plan.data });
      else this.deleteOverride(row.id);
    }
    return out;
  }

  /** Keep an alarm while an operator still has to see it; forget it once acknowledged and cleared. */
  saveAlarm(alarm: AlarmRecord): void {
    if (alarm.acknowledgedBy !== null && !alarm.active) this.statements.deleteAlarm.run(alarm.id);
    else this.statements.putAlarm.run(alarm.id, JSON.stringify(alarm));
  }

  deleteAlarm(id: string): void {
    this.statements.deleteAlarm.run(id);
  }

  /** Many alarm changes in one transaction (null: the record is gone). */
  writeAlarms(changes: Iterable<[string, AlarmRecord | null]>): void {
    this.db.transaction(() => {
      for (const [id, alarm] of changes) {
        if (alarm === null) this.deleteAlarm(id);
        else this.saveAlarm(alarm);
      }
    })();
  }

  alarms(): AlarmRecord[] {
    return (this.statements.alarms.all() as { record: string }[]).map((r) => JSON.parse(r.record) as AlarmRecord);
  }

  saveCommand(command: TrackedCommand): void {
    this.statements.putCommand.run(command.commandId, command.sentAtMs, JSON.stringify(command));
  }

  /** Oldest first. */
  commands(): TrackedCommand[] {
    return (this.statements.commands.all() as { record: string }[]).map((r) => JSON.parse(r.record) as TrackedCommand);
  }

  /** Keep the newest `keep` commands (the tracker's own bound). */
  trimCommands(keep: number): void {
    this.statements.trimCommands.run(keep);
  }

  appendAudit(entry: AuditEntry): void {
    this.statements.appendAudit.run(JSON.stringify(entry));
  }

  /** The newest `limit` audit entries, oldest first. */
  recentAudit(limit: number): AuditEntry[] {
    const out: AuditEntry[] = [];
    for (const row of this.statements.recentAudit.all(limit) as { entry: string }[]) {
      const entry = AuditEntry.safeParse(safeJson(row.entry));
      if (entry.success) out.push(entry.data);
    }
    return out;
  }

  auditCount(): number {
    return (this.statements.auditCount.get() as { n: number }).n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
