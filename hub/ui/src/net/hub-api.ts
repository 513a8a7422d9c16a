import type { AlarmRecord, CameraZones, CommandAction, History, IntersectionDetail, IntersectionSummary, Me, Performance, Plan, PlanBody, PlanRecord, TrackedCommand } from "./contract.js";

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
export type PlanOverride = Omit<PlanBody, "validUntil"> & { durationS: number };

/** The hub's REST API with the operator's bearer token. */
export class HubApi {
  constructor(
    private readonly token: string,
    private readonly base = "",
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  me(): Promise<Me> {
    return this.json("GET", "/api/me");
  }
  intersections(): Promise<IntersectionSummary[]> {
    return this.json("GET", "/api/intersections");
  }
  detail(id: string): Promise<IntersectionDetail> {
    return this.json("GET", `/api/intersections/${encodeURIComponent(id)}`);
  }
  history(id: string, sinceMs: number): Promise<History> {
    return this.json("GET", `/api/intersections/${encodeURIComponent(id)}/history?sinceMs=${Math.floor(sinceMs)}`);
  }
  /** ATSPM measures over [fromMs, toMs); without them, the last hour of events the hub holds. */
  performance(id: string, range: { fromMs: number; toMs: number } | null = null): Promise<Performance> {
    const query = range === null ? "" : `?fromMs=${Math.floor(range.fromMs)}&toMs=${Math.floor(range.toMs)}`;
    return this.json("GET", `/api/intersections/${encodeURIComponent(id)}/performance${query}`);
  }
  /** Where the ATSPM CSV export of a range is (the browser downloads it with the token in a header, so via fetch). */
  async eventsCsv(id: string, range: { fromMs: number; toMs: number }): Promise<Blob> {
    const res = await this.fetchFn(`${this.base}/api/intersections/${encodeURIComponent(id)}/events.csv?fromMs=${Math.floor(range.fromMs)}&toMs=${Math.floor(range.toMs)}`, { headers: this.headers() });
    if (!res.ok) throw await this.errorOf(res);
    return res.blob();
  }
  plans(id: string, limit = 20): Promise<PlanRecord[]> {
    return this.json("GET", `/api/intersections/${encodeURIComponent(id)}/plans?limit=${limit}`);
  }
  sendCommand(id: string, action: CommandAction): Promise<TrackedCommand> {
    return this.json("POST", `/api/intersections/${encodeURIComponent(id)}/commands`, action);
  }
  /** The zone editor's save (admin): the whole camera configuration, checked by the hub and sent to the agent. */
  saveCamera(id: string, camera: CameraZones): Promise<TrackedCommand> {
    return this.json("PUT", `/api/intersections/${encodeURIComponent(id)}/camera`, camera);
  }
  command(commandId: string): Promise<TrackedCommand> {
    return this.json("GET", `/api/commands/${encodeURIComponent(commandId)}`);
  }
  overridePlan(id: string, body: PlanOverride): Promise<{ plan: Plan }> {
    return this.json("PUT", `/api/intersections/${encodeURIComponent(id)}/plan-override`, body);
  }
  releasePlan(id: string): Promise<void> {
    return this.json("DELETE", `/api/intersections/${encodeURIComponent(id)}/plan-override`);
  }
  alarms(): Promise<AlarmRecord[]> {
    return this.json("GET", "/api/alarms");
  }
  acknowledgeAlarm(alarmId: string): Promise<AlarmRecord> {
    return this.json("POST", `/api/alarms/${encodeURIComponent(alarmId)}/ack`, {});
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

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetchFn(`${this.base}${path}`, {
      method,
      headers: this.headers(body !== undefined),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw await this.errorOf(res);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
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
