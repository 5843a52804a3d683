/**
 * A model that takes a train step's state inputs (parameters, AdamW m and v) and returns them unchanged: run
 * alone, it measures what moving the state between JavaScript and onnxruntime costs per call.
 */
import { Graph, type Tensor } from '../src/engine/solver/onnx/graph.js';
import { IR_VERSION, OPSET, type TrainManifest } from '../src/engine/solver/onnx/model.js';
import { encodeModel } from '../src/engine/solver/onnx/proto.js';

export function transferProbe(m: TrainManifest): { bytes: Uint8Array; outputs: { name: string; size: number; shape: readonly number[] }[] } {
  const g = new Graph();
  const inputs: Tensor[] = [];
  const outputs: { name: string; tensor: Tensor }[] = [];
  for (const p of m.params) {
    for (const [input, output] of [
      [p.name, p.next.param],
      [p.m, p.next.m],
      [p.v, p.next.v],
    ] as const) {
      const t = g.input(input, 'float32', p.shape);
      inputs.push(t);
      outputs.push({ name: output, tensor: t });
    }
  }
  const bytes = encodeModel({ irVersion: IR_VERSION, opsets: [{ domain: '', version: OPSET }], producerName: 'bench', graph: g.toGraphProto('probe', inputs, outputs) });
  return { bytes, outputs: outputs.map((o) => ({ name: o.name, size: o.tensor.size, shape: o.tensor.shape })) };
}
