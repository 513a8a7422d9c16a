/**
 * `bench:inference -- --source rtsp`: a 1280×720 H.264 RTSP camera at 10 fps (gst-rtsp-server on
 * 127.0.0.1) through the whole edge pipeline, ffmpeg's decoding included, against the same frames
 * as an MJPEG stream at 10 fps, measured in the same run. Both sources run at the camera's rate, so
 * `ratioToMjpeg` says whether the RTSP path keeps up where MJPEG does. CPU is the agent's plus
 * ffmpeg's (from /proc), as cores busy on average; peak RSS is the agent's plus ffmpeg's.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FfmpegSource, createCameraSource, type CameraSource } from "../edge/agent/camera/index.js";
import type { CameraConfig, VehicleCounter } from "../edge/inference/index.js";

export const CAMERA_FPS = 10;
const CLOCK_TICKS = 100;

export interface RtspBenchFixture {
  url: string;
  close(): Promise<void>;
}

/** Encodes the frames as a 10 fps H.264 clip (`seconds` long) and serves it over RTSP. */
export async function startRtspCamera(root: string, jpegs: Buffer[], seconds: number): Promise<RtspBenchFixture> {
  const dir = await mkdtemp(join(tmpdir(), "bench-rtsp-"));
  for (let i = 0; i < jpegs.length; i++) await writeFile(join(dir, `f-${i}.jpg`), jpegs[i]!);
  const loops = Math.ceil((seconds * CAMERA_FPS) / jpegs.length);
  const mp4 = join(dir, "clip.mp4");
  const encoded = spawnSync(
    "ffmpeg",
    ["-hide_banner", "-loglevel", "error", "-y", "-stream_loop", String(loops - 1), "-framerate", String(CAMERA_FPS), "-i", join(dir, "f-%d.jpg"), "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", String(CAMERA_FPS * 2), "-b:v", "4M", mp4],
    { encoding: "utf8" },
  );
  if (encoded.status !== 0) throw new Error(`ffmpeg could not make the H.264 clip: ${encoded.stderr}`);
  const server: ChildProcess = spawn("/usr/bin/python3", [join(root, "tests/support/rtsp-server.py"), "--file", mp4], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  server.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    server.stdout?.on("data", (d: Buffer) => {
      const m = /READY (\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    server.once("exit", (code) => reject(new Error(`RTSP server exited with ${code}: ${stderr} (apt-get install gir1.2-gst-rtsp-server-1.0 python3-gst-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad)`)));
  });
  return {
    url: `rtsp://127.0.0.1:${port}/cam`,
    async close() {
      server.kill("SIGTERM");
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An MJPEG camera on 127.0.0.1 sending the frames in turn at 10 fps. */
export async function startMjpegCamera(jpegs: Buffer[]): Promise<{ url: string; close(): Promise<void> }> {
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "multipart/x-mixed-replace; boundary=frame" });
    let i = 0;
    const timer = setInterval(() => {
      const jpeg = jpegs[i++ % jpegs.length]!;
      res.write(`--frame\r\ncontent-type: image/jpeg\r\ncontent-length: ${jpeg.length}\r\n\r\n`);
      res.write(jpeg);
      res.write("\r\n");
    }, 1000 / CAMERA_FPS);
    timers.add(timer);
    res.on("close", () => {
      clearInterval(timer);
      timers.delete(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/video.mjpg`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** utime + stime (seconds) and peak RSS (MB) of a process, from /proc; zeros when it is gone. */
function procUsage(pid: number | null): { cpuS: number; peakRssMb: number } {
  if (pid === null) return { cpuS: 0, peakRssMb: 0 };
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuS = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return { cpuS, peakRssMb: hwm ? Number(hwm[1]) / 1024 : 0 };
  } catch {
    return { cpuS: 0, peakRssMb: 0 };
  }
}

export interface SourceRun {
  fps: number;
  frames: number;
  /** Cores busy on average (agent + ffmpeg). */
  cpuCores: number;
  ffmpegPeakRssMb: number;
}

/** Frames through the whole pipeline for `seconds`, after a warm-up of 2 s of frames (connection, probing, start-up burst). */
export async function runSource(counter: VehicleCounter, source: CameraSource, seconds: number): Promise<SourceRun> {
  const stop = new AbortController();
  let frames = 0;
  let start = 0;
  let cpuStart = process.cpuUsage();
  let ffmpegCpuStart = 0;
  let ffmpegEnd = { cpuS: 0, peakRssMb: 0 };
  const ffmpeg = source instanceof FfmpegSource ? source : null;
  let warmUpEnds = Infinity;
  let timer: NodeJS.Timeout | undefined;
  // A camera that never sends still ends the run.
  const giveUp = setTimeout(() => stop.abort(), 30_000 + seconds * 1000);
  for await (const _report of counter.processStream(source.frames(stop.signal))) {
    if (warmUpEnds === Infinity) warmUpEnds = performance.now() + 2000;
    if (start === 0 && performance.now() >= warmUpEnds) {
      start = performance.now();
      cpuStart = process.cpuUsage();
      ffmpegCpuStart = procUsage(ffmpeg?.ffmpegPid ?? null).cpuS;
      timer = setTimeout(() => stop.abort(), seconds * 1000);
      continue;
    }
    if (start > 0) frames++;
    if (stop.signal.aborted) break;
    // Read ffmpeg's figures while it still runs.
    if (ffmpeg) ffmpegEnd = procUsage(ffmpeg.ffmpegPid);
  }
  clearTimeout(timer);
  clearTimeout(giveUp);
  const elapsedS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  await source.close();
  const agentCpuS = (cpu.user + cpu.system) / 1e6;
  const ffmpegCpuS = Math.max(0, ffmpegEnd.cpuS - ffmpegCpuStart);
  return { fps: frames / elapsedS, frames, cpuCores: (agentCpuS + ffmpegCpuS) / elapsedS, ffmpegPeakRssMb: ffmpegEnd.peakRssMb };
}

export function rtspSource(url: string, camera: CameraConfig): CameraSource {
  return createCameraSource({ type: "rtsp", url, fps: CAMERA_FPS }, { frameSize: { width: camera.width, height: camera.height } });
}

export function mjpegSource(url: string): CameraSource {
  return createCameraSource({ type: "mjpeg", url, fps: CAMERA_FPS });
}
