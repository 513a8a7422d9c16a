import type { CameraConfig, SnapshotGeometry } from "../../protocol/index.js";
import type { Ingest } from "../ingest/index.js";
import type { ChangeFeed } from "./changes.js";

/** A camera an agent or simulator offers to operators: its zones (to draw) and its latest frame. */
export interface CameraSource {
  /** Zones and lines to draw: a simulator's camera configuration, or the geometry of an agent's snapshot. */
  camera: CameraConfig | SnapshotGeometry;
  /** The newest frame as JPEG, or null when none is available right now. */
  latestJpeg: () => Promise<Buffer | null>;
}

/** The cameras operators can look through: agents' snapshots, or a simulator's camera registered in process. */
export class Cameras {
  private readonly sources = new Map<string, CameraSource>();
  /** Cameras made from agents' snapshots (as opposed to a simulator's, registered in process). */
  private readonly fromAgents = new WeakSet<CameraSource>();

  constructor(private readonly changes: ChangeFeed) {}

  /** A field agent's camera: the latest snapshot is what the intersection view shows. A simulator's camera registered in process is left alone. */
  follow(ingest: Ingest): void {
    ingest.onSnapshot((snapshot) => {
      const id = snapshot.intersectionId;
      const current = this.sources.get(id);
      if (current !== undefined && !this.fromAgents.has(current)) return;
      const jpeg = Buffer.from(snapshot.jpegBase64, "base64");
      const source: CameraSource = { camera: snapshot.geometry, latestJpeg: async () => jpeg };
      this.fromAgents.add(source);
      this.sources.set(id, source);
      this.changes.emit(id, "status");
    });
  }

  /** Offer an intersection's camera to the API; returns a function that withdraws it. */
  register(intersectionId: string, source: CameraSource): () => void {
    this.sources.set(intersectionId, source);
    this.changes.emit(intersectionId, "status");
    return () => {
      if (this.sources.get(intersectionId) !== source) return;
      this.sources.delete(intersectionId);
      this.changes.emit(intersectionId, "status");
    };
  }

  get(intersectionId: string): CameraSource | undefined {
    return this.sources.get(intersectionId);
  }

  stop(): void {}
}
