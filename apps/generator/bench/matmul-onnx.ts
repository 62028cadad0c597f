// A one-node ONNX model, C = MatMul(A, B) with symbolic dims, written as protobuf bytes by hand: the benchmark
// times it to learn what FLOP/s onnxruntime reaches on this machine, without Python or an extra dependency.
import { bytesField, floatTensorInfo, intField, strField } from "../src/engine/onnx-proto.js";

/** ModelProto bytes of C[M, N] = A[M, K] · B[K, N] (IR 8, opset 13). */
export function matmulModel(): Uint8Array {
  const node = [...strField(1, "A"), ...strField(1, "B"), ...strField(2, "C"), ...strField(3, "mm"), ...strField(4, "MatMul")];
  const graph = [
    ...bytesField(1, node),
    ...strField(2, "matmul"),
    ...bytesField(11, floatTensorInfo("A", ["M", "K"])),
    ...bytesField(11, floatTensorInfo("B", ["K", "N"])),
    ...bytesField(12, floatTensorInfo("C", ["M", "N"])),
  ];
  const opset = [...strField(1, ""), ...intField(2, 13)];
  const model = [...intField(1, 8), ...strField(2, "thinktime-bench"), ...bytesField(7, graph), ...bytesField(8, opset)];
  return Uint8Array.from(model);
}
