import { z } from "zod";
import { AlarmRecord, History, IntersectionDetail, IntersectionSummary, Me, Performance, PlanOverrideBody, PlanOverrideResult, PlanRecord, TrackedCommand, type CameraZones, type CommandAction } from "./contract.js";

/** A refused or failed request, with the hub's error code and the fields it named. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

function detailText(item: unknown): string {
  if (typeof item === "string") return item;
  if (typeof item === "object" && item !== null) {
    const path = "path" in item ? String((item as { path: unknown }).path) : "";
    const message = "message" in item ? String((item as { message: unknown }).message) : JSON.stringify(item);
    return path ? `${path}: ${message}` : message;
  }
  return String(item);
}

/** An override as the operator writes it: the plan less `validUntil`, plus how long it holds. */
export type PlanOverride = z.input<typeof PlanOverrideBody>;

/** An answer that does not match the API's schema (a hub of another version, say). */
export class ContractError extends Error {
  override name = "ContractError";
}

/** The hub's REST API with the operator's bearer token. */
export class HubApi {
  constructor(
    private readonly token: string,
    private readonly base = "",
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  me(): Promise<Me> {
    return this.json(Me, "GET", "/api/me");
  }
  intersections(): Promise<IntersectionSummary[]> {
    return this.json(z.array(IntersectionSummary), "GET", "/api/intersections");
  }
  detail(id: string): Promise<IntersectionDetail> {
    return this.json(IntersectionDetail, "GET", `/api/intersections/${encodeURIComponent(id)}`);
  }
  history(id: string, sinceMs: number): Promise<History> {
    return this.json(History, "GET", `/api/intersections/${encodeURIComponent(id)}/history?sinceMs=${Math.floor(sinceMs)}`);
  }
  /** ATSPM measures over [fromMs, toMs); without them, the last hour of events the hub holds. */
  performance(id: string, range: { fromMs: number; toMs: number } | null = null): Promise<Performance> {
    const query = range === null ? "" : `?fromMs=${Math.floor(range.fromMs)}&toMs=${Math.floor(range.toMs)}`;
    return this.json(Performance, "GET", `/api/intersections/${encodeURIComponent(id)}/performance${query}`);
  }
  /** Where the ATSPM CSV export of a range is (the browser downloads it with the token in a header, so via fetch). */
  async eventsCsv(id: string, range: { fromMs: number; toMs: number }): Promise<Blob> {
    const res = await this.fetchFn(`${this.base}/api/intersections/${encodeURIComponent(id)}/events.csv?fromMs=${Math.floor(range.fromMs)}&toMs=${Math.floor(range.toMs)}`, { headers: this.headers() });
    if (!res.ok) throw await this.errorOf(res);
    return res.blob();
  }
  plans(id: string, limit = 20): Promise<PlanRecord[]> {
    return this.json(z.array(PlanRecord), "GET", `/api/intersections/${encodeURIComponent(id)}/plans?limit=${limit}`);
  }
  sendCommand(id: string, action: CommandAction): Promise<TrackedCommand> {
    return this.json(TrackedCommand, "POST", `/api/intersections/${encodeURIComponent(id)}/commands`, action);
  }
  /** The zone editor's save (admin): the whole camera configuration, checked by the hub and sent to the agent. */
  saveCamera(id: string, camera: CameraZones): Promise<TrackedCommand> {
    return this.json(TrackedCommand, "PUT", `/api/intersections/${encodeURIComponent(id)}/camera`, camera);
  }
  command(commandId: string): Promise<TrackedCommand> {
    return this.json(TrackedCommand, "GET", `/api/commands/${encodeURIComponent(commandId)}`);
  }
  overridePlan(id: string, body: PlanOverride): Promise<z.infer<typeof PlanOverrideResult>> {
    return this.json(PlanOverrideResult, "PUT", `/api/intersections/${encodeURIComponent(id)}/plan-override`, body);
  }
  releasePlan(id: string): Promise<void> {
    return this.json(null, "DELETE", `/api/intersections/${encodeURIComponent(id)}/plan-override`);
  }
  alarms(): Promise<AlarmRecord[]> {
    return this.json(z.array(AlarmRecord), "GET", "/api/alarms");
  }
  acknowledgeAlarm(alarmId: string): Promise<AlarmRecord> {
    return this.json(AlarmRecord, "POST", `/api/alarms/${encodeURIComponent(alarmId)}/ack`, {});
  }

  /** The latest camera frame as a Blob, or null when the intersection has none (404). */
  async cameraFrame(id: string): Promise<Blob | null> {
    const res = await this.fetchFn(`${this.base}/api/intersections/${encodeURIComponent(id)}/camera.jpg`, { headers: this.headers() });
    if (res.status === 404) return null;
    if (!res.ok) throw await this.errorOf(res);
    return res.blob();
  }

  /** The websocket URL (browsers cannot set headers on a websocket: the token goes in the query). */
  liveUrl(location: { protocol: string; host: string }): string {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}${this.base}/api/live?token=${encodeURIComponent(this.token)}`;
  }

  private headers(body = false): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, ...(body ? { "content-type": "application/json" } : {}) };
  }

  /** A request whose answer is checked against the API's schema for it (`null`: no body expected). */
  private async json<S extends z.ZodType | null>(schema: S, method: string, path: string, body?: unknown): Promise<S extends z.ZodType ? z.infer<S> : void> {
    type Result = S extends z.ZodType ? z.infer<S> : void;
    const res = await this.fetchFn(`${this.base}${path}`, {
      method,
      headers: this.headers(body !== undefined),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw await this.errorOf(res);
    if (schema === null || res.status === 204) return undefined as Result;
    const result = schema.safeParse(await res.json());
    if (!result.success) throw new ContractError(`${method} ${path}: the answer does not match the API's contract: ${result.error.issues[0]?.message ?? "invalid"} at ${result.error.issues[0]?.path.join(".") ?? ""}`);
    return result.data as Result;
  }

  private async errorOf(res: Response): Promise<ApiError> {
    let code = `http_${res.status}`;
    let message = res.statusText || `HTTP ${res.status}`;
    let details: string[] = [];
    try {
      const body: unknown = await res.json();
      if (typeof body === "object" && body !== null) {
        const b = body as { error?: unknown; message?: unknown; details?: unknown };
        if (typeof b.error === "string") code = b.error;
        if (typeof b.message === "string") message = b.message;
        if (Array.isArray(b.details)) details = b.details.map(detailText);
      }
    } catch {
      // Not JSON: keep the status text.
    }
    return new ApiError(res.status, code, message, details);
  }
}
