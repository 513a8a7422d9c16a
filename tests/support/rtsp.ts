import { spawn, spawnSync } from "node:child_process";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { FixedTimeSignals, TrafficSimulation, loadScenario } from "../../simulators/traffic/index.js";
import { CameraRenderer } from "../../simulators/camera/index.js";
import type { CameraConfig, RawRgbFrame } from "../../edge/inference/index.js";
import { freePort, managed, waitForPort, type ManagedServer } from "./servers.js";
import { onCi } from "./shared.js";

const PYTHON = "/usr/bin/python3";
const SERVER_SCRIPT = join(import.meta.dirname, "rtsp-server.py");
const RTSP_PACKAGES = "gir1.2-gst-rtsp-server-1.0 python3-gst-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad";

function probe(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: "ignore", timeout: 20_000 });
  return result.status === 0;
}

/** GStreamer's RTSP server (through Python) and ffmpeg: skip off CI with the install command, fail on CI. */
export const rtspTools = ((): { skip: boolean; reason: string } => {
  const ffmpeg = probe("ffmpeg", ["-hide_banner", "-version"]);
  const gst = probe(PYTHON, [
    "-c",
    "import gi; gi.require_version('GstRtspServer','1.0'); gi.require_version('Gst','1.0'); from gi.repository import Gst, GstRtspServer; Gst.init(None); assert Gst.ElementFactory.find('rtph264pay') and Gst.ElementFactory.find('qtdemux') and Gst.ElementFactory.find('h264parse')",
  ]);
  const missing = [...(ffmpeg ? [] : ["ffmpeg"]), ...(gst ? [] : [RTSP_PACKAGES])];
  return {
    skip: missing.length > 0 && !onCi,
    reason: missing.length === 0 ? "" : `RTSP test tools missing: install them with 'apt-get install ${missing.join(" ")}'`,
  };
})();

export interface RtspServer extends ManagedServer {
  /** The stream's URL, with credentials when given. */
  streamUrl(credentials?: { username: string; password: string }): string;
}

/** A real RTSP server (gst-rtsp-server) on 127.0.0.1 streaming `file` (H.264 MP4) at `/cam`; restartable on the same port. */
export async function startRtspServer(file: string, auth?: { username: string; password: string }): Promise<RtspServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "rtsp-"));
  const args = [SERVER_SCRIPT, "--file", file, "--port", String(port), ...(auth ? ["--user", auth.username, "--password", auth.password] : [])];
  const server = await managed(
    "rtsp-server",
    port,
    `rtsp://127.0.0.1:${port}/cam`,
    dir,
    () => spawn(PYTHON, args, { stdio: ["ignore", "pipe", "pipe"] }),
    () => waitForPort(port, 20_000),
  );
  return Object.assign(server, {
    streamUrl: (c?: { username: string; password: string }) =>
      c ? `rtsp://${encodeURIComponent(c.username)}:${encodeURIComponent(c.password)}@127.0.0.1:${port}/cam` : `rtsp://127.0.0.1:${port}/cam`,
  });
}

export interface RenderedClip {
  /** PNG frames, `frame-00000.png` on, for the folder source. */
  framesDir: string;
  /** The same frames as H.264 in MP4, at `fps`. */
  mp4: string;
  camera: CameraConfig;
  /** The empty road: the virtual-loop model's starting background. */
  background: RawRgbFrame;
  frameCount: number;
}

export interface ClipOptions {
  scenario?: string;
  intersectionId?: string;
  /** Simulated seconds of traffic (rendered at 5 frames a simulated second). */
  simulatedS: number;
  /** Simulated seconds run first without rendering, so the clip starts with traffic on the road. */
  warmUpS?: number;
  /** Empty-road frames before the traffic: a live stream's first frames may be lost while it starts. */
  leadInFrames?: number;
  /** Empty-road frames after the traffic: losing the stream's last frames then changes no count. */
  leadOutFrames?: number;
  /** Playback rate of the MP4. */
  fps: number;
  width?: number;
  height?: number;
  /** Loop the clip this many times in the MP4 (for streams that must outlast a test). */
  repeat?: number;
}

/** Frames of the project's own renderer (simulated traffic), as PNGs and as an H.264 MP4 made with ffmpeg. */
export async function renderClip(dir: string, options: ClipOptions): Promise<RenderedClip> {
  const scenario = await loadScenario(options.scenario ?? "single");
  const intersectionId = options.intersectionId ?? "main-oak";
  const sim = new TrafficSimulation(scenario, new FixedTimeSignals(scenario));
  const renderer = new CameraRenderer(scenario, intersectionId, { width: options.width ?? 640, height: options.height ?? 360 });
  const framesDir = join(dir, "frames");
  await mkdir(framesDir, { recursive: true });
  const background = renderer.emptyFrame(0);
  let index = 0;
  const write = async (frame: RawRgbFrame): Promise<void> => {
    const name = join(framesDir, `frame-${String(index++).padStart(5, "0")}.png`);
    await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).png({ compressionLevel: 1 }).toFile(name);
  };
  for (let i = 0; i < (options.leadInFrames ?? 0); i++) await write(background);
  const warmUpS = options.warmUpS ?? 0;
  while (sim.timeS < warmUpS - 1e-9) sim.step(0.2);
  while (sim.timeS < warmUpS + options.simulatedS - 1e-9) {
    const crossings = sim.step(0.2);
    await write(renderer.render(sim.snapshot(), crossings).frame);
  }
  for (let i = 0; i < (options.leadOutFrames ?? 0); i++) await write(background);
  const mp4 = join(dir, "clip.mp4");
  await encodeH264(framesDir, mp4, options.fps, options.repeat ?? 1);
  return { framesDir, mp4, camera: renderer.camera, background, frameCount: index };
}

/** PNG frames to an H.264 MP4 with ffmpeg, as a camera would encode them (4:2:0, a keyframe every second), at a high quality so that compression flips no loop. */
export async function encodeH264(framesDir: string, mp4: string, fps: number, repeat = 1): Promise<void> {
  const input = [...(repeat > 1 ? ["-stream_loop", String(repeat - 1)] : []), "-framerate", String(fps), "-i", join(framesDir, "frame-%05d.png")];
  const result = spawnSync(
    "ffmpeg",
    ["-hide_banner", "-loglevel", "error", "-y", ...input, "-c:v", "libx264", "-preset", "veryfast", "-crf", "6", "-pix_fmt", "yuv420p", "-g", String(Math.max(1, Math.round(fps))), mp4],
    { encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`ffmpeg could not encode ${mp4}: ${result.stderr}`);
}
