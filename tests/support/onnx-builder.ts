import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/**
 * A tiny real ONNX model for decoder tests: input `images` [1,3,H,W], output `output` equal to a
 * constant tensor (plus 0 × the input's mean, so the input is really consumed). Lets a test put
 * known boxes in any output layout and run them through the whole detector.
 */
export function constantOutputModel(opts: {
  inputHeight: number;
  inputWidth: number;
  outputDims: number[];
  values: Float32Array;
  metadata?: Record<string, string>;
}): Uint8Array {
  const { inputHeight, inputWidth, outputDims, values } = opts;
  const floatType = onnx.TensorProto.DataType.FLOAT;
  const valueInfo = (name: string, dims: number[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: floatType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
    });
  const graph = onnx.GraphProto.create({
    name: "constant-output",
    input: [valueInfo("images", [1, 3, inputHeight, inputWidth])],
    output: [valueInfo("output", outputDims)],
    initializer: [
      onnx.TensorProto.create({ name: "boxes", dims: outputDims, dataType: floatType, floatData: Array.from(values) }),
      onnx.TensorProto.create({ name: "zero", dims: [], dataType: floatType, floatData: [0] }),
    ],
    node: [
      onnx.NodeProto.create({
        opType: "ReduceMean",
        input: ["images"],
        output: ["mean"],
        attribute: [onnx.AttributeProto.create({ name: "keepdims", type: onnx.AttributeProto.AttributeType.INT, i: 0 })],
      }),
      onnx.NodeProto.create({ opType: "Mul", input: ["mean", "zero"], output: ["nothing"] }),
      onnx.NodeProto.create({ opType: "Add", input: ["boxes", "nothing"], output: ["output"] }),
    ],
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: "traffic-signals tests",
    opsetImport: [{ domain: "", version: 13 }],
    graph,
    metadataProps: Object.entries(opts.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}
