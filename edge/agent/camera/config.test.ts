import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../protocol/index.js";
import { CameraSourceConfig, createCameraSource, FolderSource, HttpSnapshotSource, MjpegSource, parseCameraSourceConfig, PushSource } from "./index.js";

describe("CameraSourceConfig", () => {
  it("fills in defaults", () => {
    expect(parseCameraSourceConfig({ type: "folder", path: "/recordings/north" })).toEqual({ type: "folder", path: "/recordings/north", fps: 5, loop: true });
    expect(parseCameraSourceConfig({ type: "mjpeg", url: "http://cam.local/video" })).toEqual({
      type: "mjpeg",
      url: "http://cam.local/video",
      fps: 5,
      timeoutMs: 10_000,
    });
    expect(CameraSourceConfig.parse({ type: "http-snapshot", url: "https://cam.local/snap.jpg" })).toMatchObject({ fps: 2, timeoutMs: 5000 });
  });

  it("names every bad field in its error", () => {
    const parse = (): unknown => parseCameraSourceConfig({ type: "mjpeg", url: "ftp://cam.local/video", fps: 0 }, "intersection.camera");
    expect(parse).toThrow(ValidationError);
    expect(parse).toThrow(/intersection\.camera\.url: expected an http:\/\/ or https:\/\/ URL/);
    expect(parse).toThrow(/intersection\.camera\.fps: Too small/);
  });

  it("takes rtsp and v4l2 cameras, refusing a wrong scheme, half a frame size and an unknown hardware decoder", () => {
    expect(parseCameraSourceConfig({ type: "rtsp", url: "rtsp://cam/stream1" })).toMatchObject({ fps: 5, transport: "tcp", hwaccel: "none", timeoutMs: 10_000 });
    expect(() => parseCameraSourceConfig({ type: "rtsp", url: "http://cam/stream1" })).toThrow(/camera\.url: expected an rtsp:\/\/ or rtsps:\/\/ URL/);
    expect(() => parseCameraSourceConfig({ type: "rtsp", url: "rtsp://cam/s", width: 640 })).toThrow(/camera\.height: give both width and height/);
    expect(() => parseCameraSourceConfig({ type: "rtsp", url: "rtsp://cam/s", hwaccel: "nvdec" })).toThrow(/camera\.hwaccel: /);
    expect(() => parseCameraSourceConfig({ type: "rtsp", url: "rtsp://cam/s", password: "x" })).toThrow(/camera\.password: a password needs a username/);
    expect(parseCameraSourceConfig({ type: "v4l2", device: "/dev/video0", inputFormat: "mjpeg", videoSize: "1280x720" })).toMatchObject({ fps: 5 });
    expect(() => parseCameraSourceConfig({ type: "v4l2", device: "video0" })).toThrow(/camera\.device: expected a device path/);
  });

  it("names an unknown source type, a misspelt key and a password without a username", () => {
    expect(() => parseCameraSourceConfig({ type: "onvif", url: "rtsp://cam" })).toThrow(/^camera\.type: /);
    expect(() => parseCameraSourceConfig({ type: "mjpeg", url: "http://cam/v", timeout: 5 })).toThrow(/camera: Unrecognized key: "timeout"/);
    expect(() => parseCameraSourceConfig({ type: "http-snapshot", url: "http://cam/s", password: "x" })).toThrow(
      /camera\.password: a password needs a username/,
    );
  });
});

describe("createCameraSource", () => {
  it("makes the source the config asks for", async () => {
    const sources = [
      createCameraSource({ type: "folder", path: "/nowhere" }),
      createCameraSource({ type: "http-snapshot", url: "http://127.0.0.1:9/snap" }),
      createCameraSource({ type: "mjpeg", url: "http://127.0.0.1:9/video" }),
      createCameraSource({ type: "simulator" }),
    ];
    expect(sources.map((s) => s.constructor)).toEqual([FolderSource, HttpSnapshotSource, MjpegSource, PushSource]);
    for (const source of sources) await source.close();
  });

  it("gives the simulator a source it can push frames into", async () => {
    const source = createCameraSource({ type: "simulator" });
    source.push(Uint8Array.of(1, 2, 3), 42);
    for await (const frame of source.frames(new AbortController().signal)) {
      expect(frame).toEqual({ frame: Uint8Array.of(1, 2, 3), tMs: 42 });
      break;
    }
  });

  it("refuses a bad config before making anything", () => {
    expect(() => createCameraSource({ type: "folder", path: "" })).toThrow(/camera\.path: /);
  });
});
