import { useEffect, useState } from "preact/hooks";
import type { CameraZones } from "../net/contract.js";
import type { HubApi } from "../net/hub-api.js";

const REFRESH_MS = 2000;

/**
 * The latest camera frame, refreshed, with the camera's zones and counting lines drawn over it in
 * image pixels. Fetched with the bearer token (an <img src> cannot carry it) into an object URL.
 */
export function CameraView({ api, id, available, zones }: { api: HubApi; id: string; available: boolean; zones: CameraZones | undefined }) {
  const [url, setUrl] = useState<string | null>(null);
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    if (!available) return;
    let current: string | null = null;
    let stopped = false;
    async function refresh(): Promise<void> {
      try {
        const blob = await api.cameraFrame(id);
        if (stopped) return;
        if (!blob) {
          setMessage("The agent has not sent a frame yet.");
          return;
        }
        const next = URL.createObjectURL(blob);
        if (current) URL.revokeObjectURL(current);
        current = next;
        setUrl(next);
        setMessage(null);
      } catch (err) {
        if (!stopped) setMessage(`Frame not available: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
      if (current) URL.revokeObjectURL(current);
    };
  }, [api, id, available]);

  if (!available) return <p class="muted">This intersection provides no camera frames.</p>;
  const w = zones?.width ?? size?.w ?? 640;
  const h = zones?.height ?? size?.h ?? 360;
  return (
    <div class="camera" style={{ aspectRatio: `${w} / ${h}` }}>
      {url && (
        <img
          src={url}
          alt="Latest camera frame"
          data-testid="camera-frame"
          onLoad={(e) => {
            const img = e.currentTarget as HTMLImageElement;
            setSize({ w: img.naturalWidth, h: img.naturalHeight });
          }}
        />
      )}
      {zones && (
        <svg class="camera-overlay" viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" aria-label="Zones and counting lines">
          {zones.approaches.map((a) => (
            <g key={a.id}>
              {a.zones.map((z) => (
                <g key={z.id}>
                  <polygon points={z.polygon.map((p) => p.join(",")).join(" ")} class={`zone zone-${z.kind}`} />
                  <text x={z.polygon[0]?.[0] ?? 0} y={(z.polygon[0]?.[1] ?? 0) - 4} class="zone-label">
                    {z.id}
                  </text>
                </g>
              ))}
              {a.lines.map((l) => (
                <line key={l.id} x1={l.from[0]} y1={l.from[1]} x2={l.to[0]} y2={l.to[1]} class="count-line" />
              ))}
            </g>
          ))}
        </svg>
      )}
      {message && <p class="camera-message muted">{message}</p>}
    </div>
  );
}
