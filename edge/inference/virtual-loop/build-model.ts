import { canonicalJson, specHash } from "./spec-hash.js";
import { countPixels, rasterizeZones } from "./rasterize.js";
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
/** Graph input and output names, shared by the builder and the runner. */
export const VirtualLoopIo = {
  frame: "frame",
  background: "background",
  freeze: "freeze",
  occupancy: "occupancy",
  occupied: "occupied",
  nextBackground: "next_background",
} as const;

const OPSET = 13;
/** IR 7 is the version that goes with opset 13. */
const IR_VERSION = 7;

/**
 * Pixel→zone membership as a row-major [pixels, zones] 0/1 matrix. Stored as uint8 (a quarter of the
 * file) and cast to float once in the graph; ORT folds that cast at load time.
 */
function zoneMatrix(masks: readonly Uint8Array[], pixels: number): Uint8Array {
  const zones = masks.length;
  const matrix = new Uint8Array(pixels * zones);
  masks.forEach((mask, z) => {
    for (let p = 0; p < pixels; p++) matrix[p * zones + z] = mask[p];
  });
  return matrix;
}

/**
 * The smallest whole number of foreground pixels that makes a zone occupied. Comparing integer
 * counts avoids float rounding flipping a zone exactly at `occupiedFraction`.
 */
function minForegroundPixels(zonePixels: number, occupiedFraction: number): number {
  return Math.max(1, Math.ceil(occupiedFraction * zonePixels - 1e-9));
}

function buildGraph(spec: VirtualLoopSpec): GraphProto {
  const { width, height } = spec;
  const pixels = width * height;
  const zones = spec.zones.length;
  const masks = rasterizeZones(spec);
  const zonePixels = masks.map(countPixels);
  const io = VirtualLoopIo;

  const initializer = [
    uint8Tensor("zone_mask_u8", [pixels, zones], zoneMatrix(masks, pixels)),
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
    int64Tensor("shape_pixel_row", [2], [1, pixels]),
    int64Tensor("shape_zones", [1], [zones]),
    int64Tensor("shape_zone_column", [2], [zones, 1]),
    int64Tensor("shape_pixel_plane", [4], [1, 1, height, width]),
  ];

  const nodes = [
    node("Cast", ["zone_mask_u8"], "zone_mask", [intAttr("to", FLOAT)]),
    // Foreground: max over RGB of |frame − background| above the threshold.
    node("Sub", [io.frame, io.background], "delta"),
    node("Abs", ["delta"], "abs_delta"),
    node("ReduceMax", ["abs_delta"], "max_delta", [intsAttr("axes", [1]), intAttr("keepdims", 0)]),
    node("Greater", ["max_delta", "diff_threshold"], "foreground_bool"),
    node("Cast", ["foreground_bool"], "foreground", [intAttr("to", FLOAT)]),
    // One MatMul counts every zone's foreground pixels.
    node("Reshape", ["foreground", "shape_pixel_row"], "foreground_row"),
    node("MatMul", ["foreground_row", "zone_mask"], "foreground_pixels_row"),
    node("Reshape", ["foreground_pixels_row", "shape_zones"], "foreground_pixels"),
    node("Div", ["foreground_pixels", "zone_pixels"], io.occupancy),
    node("GreaterOrEqual", ["foreground_pixels", "min_foreground_pixels"], "occupied_bool"),
    node("Cast", ["occupied_bool"], io.occupied, [intAttr("to", FLOAT)]),
    // Hold the background under zones that are occupied and asked to freeze.
    node("Greater", [io.freeze, "half"], "freeze_bool"),
    node("And", ["occupied_bool", "freeze_bool"], "hold_bool"),
    node("Cast", ["hold_bool"], "hold", [intAttr("to", FLOAT)]),
    node("Reshape", ["hold", "shape_zone_column"], "hold_column"),
    node("MatMul", ["zone_mask", "hold_column"], "holds_per_pixel"),
    node("Min", ["holds_per_pixel", "one"], "held"),
    node("Sub", ["one", "held"], "learning"),
    node("Mul", ["learning", "background_alpha"], "rate"),
    node("Reshape", ["rate", "shape_pixel_plane"], "rate_plane"),
    node("Mul", ["delta", "rate_plane"], "background_step"),
    node("Add", [io.background, "background_step"], io.nextBackground),
  ];

  const image = [1, 3, height, width];
  return {
    name: "virtual_loop",
    node: nodes,
    initializer,
    input: [floatValueInfo(io.frame, image), floatValueInfo(io.background, image), floatValueInfo(io.freeze, [zones])],
    output: [
      floatValueInfo(io.occupancy, [zones]),
      floatValueInfo(io.occupied, [zones]),
      floatValueInfo(io.nextBackground, image),
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
      { key: "zones", value: JSON.stringify(spec.zones.map((z) => z.id)) },
      { key: "spec_sha256", value: specHash(spec) },
      { key: "spec", value: canonicalJson(spec) },
    ],
  };
  return onnx.ModelProto.encode(model).finish();
}
