import { canonicalJson } from "../../../protocol/config-hash.js";
import { specHash } from "./spec-hash.js";
import { countPixels, rasterizeZones } from "./rasterize.js";
import { zoneMembership, zonePixelIndex } from "./zone-pixels.js";
import { parseVirtualLoopSpec, type VirtualLoopSpec, type VirtualLoopSpecInput } from "./spec.js";
import {
  FLOAT,
  floatTensor,
  floatValueInfo,
  int64Tensor,
  intAttr,
  intsAttr,
  node,
  onnx,
  uint8Tensor,
  type GraphProto,
  type ModelProto,
} from "./onnx-builders.js";

export const VIRTUAL_LOOP_PRODUCER = "traffic-signals virtual-loop";
/**
 * Graph input and output names, shared by the builder and the runner. `frame` is the whole
 * [1, 3, H, W] image; `background` and `next_background` are [3, K]: the background of the K pixels
 * inside any zone (`zonePixelIndex` order), since nothing outside the zones is ever read.
 */
export const VirtualLoopIo = {
  frame: "frame",
  background: "background",
  freeze: "freeze",
  occupancy: "occupancy",
  occupied: "occupied",
  nextBackground: "next_background",
} as const;

/**
 * Bumped whenever the graph's structure changes for the same spec, so a model cached by an older
 * build is not reused (it is part of the cache file name and the metadata).
 * 2: zone pixels gathered after the input; background in and out is [3, K] zone pixels only.
 */
export const VIRTUAL_LOOP_GRAPH_VERSION = 2;

const OPSET = 13;
/** IR 7 is the version that goes with opset 13. */
const IR_VERSION = 7;

/**
 * The smallest whole number of foreground pixels that makes a zone occupied. Comparing integer
 * counts avoids float rounding flipping a zone exactly at `occupiedFraction`.
 */
function minForegroundPixels(zonePixels: number, occupiedFraction: number): number {
  return Math.max(1, Math.ceil(occupiedFraction * zonePixels - 1e-9));
}

/** Shapes of the graph's inputs and outputs for a spec; K is the number of pixels inside any zone. */
export function virtualLoopIoShapes(spec: VirtualLoopSpec, zonePixelCount: number) {
  return {
    frame: [1, 3, spec.height, spec.width],
    background: [3, zonePixelCount],
    freeze: [spec.zones.length],
    occupancy: [spec.zones.length],
    occupied: [spec.zones.length],
    nextBackground: [3, zonePixelCount],
  } as const;
}

function buildGraph(spec: VirtualLoopSpec): GraphProto {
  const { width, height } = spec;
  const zones = spec.zones.length;
  const masks = rasterizeZones(spec);
  const index = zonePixelIndex(masks);
  const zonePixels = masks.map(countPixels);
  const shapes = virtualLoopIoShapes(spec, index.length);
  const io = VirtualLoopIo;

  const initializer = [
    int64Tensor("zone_pixel_index", [index.length], index),
    // Pixel→zone membership [K, zones], stored as uint8 (a quarter of the file) and cast to float
    // in the graph; ORT folds the cast and the transpose at load time.
    uint8Tensor("zone_mask_u8", [index.length, zones], zoneMembership(masks, index)),
    floatTensor("zone_pixels", [zones], zonePixels),
    floatTensor(
      "min_foreground_pixels",
      [zones],
      zonePixels.map((n) => minForegroundPixels(n, spec.occupiedFraction)),
    ),
    floatTensor("diff_threshold", [], [spec.diffThreshold]),
    floatTensor("background_alpha", [], [spec.backgroundAlpha]),
    floatTensor("half", [], [0.5]),
    floatTensor("one", [], [1]),
    int64Tensor("shape_channel_rows", [2], [3, width * height]),
    int64Tensor("shape_zones", [1], [zones]),
    int64Tensor("shape_zone_row", [2], [1, zones]),
  ];

  const nodes = [
    node("Cast", ["zone_mask_u8"], "zone_mask", [intAttr("to", FLOAT)]),
    node("Transpose", ["zone_mask"], "zone_mask_by_zone", [intsAttr("perm", [1, 0])]),
    // Only pixels inside some zone matter: gather them once, work on [3, K] from here on.
    node("Reshape", [io.frame, "shape_channel_rows"], "frame_rows"),
    node("Gather", ["frame_rows", "zone_pixel_index"], "zone_frame", [intAttr("axis", 1)]),
    // Foreground: max over RGB of |frame − background| above the threshold.
    node("Sub", ["zone_frame", io.background], "delta"),
    node("Abs", ["delta"], "abs_delta"),
    node("ReduceMax", ["abs_delta"], "max_delta", [intsAttr("axes", [0]), intAttr("keepdims", 1)]),
    node("Greater", ["max_delta", "diff_threshold"], "foreground_bool"),
    node("Cast", ["foreground_bool"], "foreground", [intAttr("to", FLOAT)]),
    // One MatMul counts every zone's foreground pixels: [1, K] × [K, zones].
    node("MatMul", ["foreground", "zone_mask"], "foreground_pixels_row"),
    node("Reshape", ["foreground_pixels_row", "shape_zones"], "foreground_pixels"),
    node("Div", ["foreground_pixels", "zone_pixels"], io.occupancy),
    node("GreaterOrEqual", ["foreground_pixels", "min_foreground_pixels"], "occupied_bool"),
    node("Cast", ["occupied_bool"], io.occupied, [intAttr("to", FLOAT)]),
    // Hold the background under zones that are occupied and asked to freeze: [1, zones] × [zones, K].
    node("Greater", [io.freeze, "half"], "freeze_bool"),
    node("And", ["occupied_bool", "freeze_bool"], "hold_bool"),
    node("Cast", ["hold_bool"], "hold", [intAttr("to", FLOAT)]),
    node("Reshape", ["hold", "shape_zone_row"], "hold_row"),
    node("MatMul", ["hold_row", "zone_mask_by_zone"], "holds_per_pixel"),
    node("Min", ["holds_per_pixel", "one"], "held"),
    node("Sub", ["one", "held"], "learning"),
    node("Mul", ["learning", "background_alpha"], "rate"),
    node("Mul", ["delta", "rate"], "background_step"),
    node("Add", [io.background, "background_step"], io.nextBackground),
  ];

  return {
    name: "virtual_loop",
    node: nodes,
    initializer,
    input: [
      floatValueInfo(io.frame, shapes.frame),
      floatValueInfo(io.background, shapes.background),
      floatValueInfo(io.freeze, shapes.freeze),
    ],
    output: [
      floatValueInfo(io.occupancy, shapes.occupancy),
      floatValueInfo(io.occupied, shapes.occupied),
      floatValueInfo(io.nextBackground, shapes.nextBackground),
    ],
  };
}

/**
 * Generate the virtual-loop ONNX model: inductive loops painted on the image, from background
 * subtraction. Deterministic: the same spec gives the same bytes, so the hash can name a cache file.
 */
export function buildVirtualLoopModel(input: VirtualLoopSpecInput): Uint8Array {
  const spec = parseVirtualLoopSpec(input);
  const model: ModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: OPSET }],
    producerName: "traffic-signals",
    graph: buildGraph(spec),
    metadataProps: [
      { key: "producer", value: VIRTUAL_LOOP_PRODUCER },
      { key: "graph_version", value: String(VIRTUAL_LOOP_GRAPH_VERSION) },
      { key: "zones", value: JSON.stringify(spec.zones.map((z) => z.id)) },
      { key: "spec_sha256", value: specHash(spec) },
      { key: "spec", value: canonicalJson(spec) },
    ],
  };
  return onnx.ModelProto.encode(model).finish();
}
