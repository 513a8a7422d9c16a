import { describe, expect, it } from "vitest";
import { redactCredentials, rtspArgs, rtspLabel, rtspUrlWithCredentials, v4l2Args } from "./ffmpeg-args.js";

const out = { fps: 5, width: 1280, height: 720 };

describe("ffmpeg command lines", () => {
  it("asks for TCP, a socket timeout in microseconds and raw RGB at the agent's rate and size", () => {
    const args = rtspArgs({ url: "rtsp://cam/s1", transport: "tcp", timeoutMs: 4000, hwaccel: "none" }, out);
    expect(args.join(" ")).toContain("-rtsp_transport tcp -timeout 4000000");
    expect(args.join(" ")).toContain("-vf fps=5,scale=1280:720 -f rawvideo -pix_fmt rgb24 pipe:1");
    expect(args).not.toContain("-hwaccel");
  });

  it("puts the hardware decoder before the input", () => {
    const args = rtspArgs({ url: "rtsp://cam/s1", transport: "tcp", timeoutMs: 4000, hwaccel: "v4l2m2m", decoder: "h264_v4l2m2m" }, out);
    expect(args.indexOf("-hwaccel")).toBeLessThan(args.indexOf("-i"));
    expect(args.slice(args.indexOf("-c:v"), args.indexOf("-c:v") + 2)).toEqual(["-c:v", "h264_v4l2m2m"]);
  });

  it("escapes credentials into the URL and keeps them out of labels and logged lines", () => {
    const url = rtspUrlWithCredentials({ url: "rtsp://cam:554/s1", username: "ad min", password: "p@ss:/w" });
    expect(new URL(url).username).toBe("ad%20min");
    expect(decodeURIComponent(new URL(url).password)).toBe("p@ss:/w");
    expect(rtspLabel(url)).toBe("rtsp://cam:554/s1");
    expect(redactCredentials(`[rtsp @ 0x1] ${url}: Server returned 401`)).toBe("[rtsp @ 0x1] rtsp://***@cam:554/s1: Server returned 401");
  });

  it("reads a V4L2 camera with the format, size and rate asked of it", () => {
    const args = v4l2Args({ device: "/dev/video0", inputFormat: "mjpeg", videoSize: "1280x720", captureFps: 30, hwaccel: "none" }, out);
    expect(args.join(" ")).toContain("-f v4l2 -input_format mjpeg -video_size 1280x720 -framerate 30 -i /dev/video0");
  });
});
