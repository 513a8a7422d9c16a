import onnxProto from "onnx-proto";

const { onnx } = onnxProto;
export { onnx };

export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type ModelProto = onnxProto.onnx.IModelProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;

const DataType = onnx.TensorProto.DataType;
export const FLOAT = DataType.FLOAT;

/** Raw little-endian bytes, as ONNX requires whatever the host's byte order. */
export function floatTensor(name: string, dims: readonly number[], values: ArrayLike<number>): TensorProto {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: bytes };
}

export function int64Tensor(name: string, dims: readonly number[], values: ArrayLike<number>): TensorProto {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i]), true);
  return { name, dims: [...dims], dataType: DataType.INT64, rawData: bytes };
}

export function uint8Tensor(name: string, dims: readonly number[], bytes: Uint8Array): TensorProto {
  return { name, dims: [...dims], dataType: DataType.UINT8, rawData: bytes };
}

export function floatValueInfo(name: string, dims: readonly number[]): ValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  };
}

export function intAttr(name: string, value: number): AttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

export function intsAttr(name: string, values: readonly number[]): AttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...values] };
}

export function node(
  opType: string,
  inputs: readonly string[],
  output: string,
  attribute: AttributeProto[] = [],
): NodeProto {
  return { opType, name: output, input: [...inputs], output: [output], attribute };
}
