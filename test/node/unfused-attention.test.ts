import * as ort from 'onnxruntime-node';
import { expect, test } from 'vitest';
import { decodeModel, encodeModel } from '../../src/onnx/onnx-proto.ts';
import { unfuseAttention } from '../../src/pipeline/dit/unfused-attention.ts';
import { buildOpChecks, maxAbsDiff, sessionRunner } from '../../src/runtime/self-check/index.ts';

const cpu = sessionRunner(ort, { executionProviders: ['cpu'] });
const attentionChecks = buildOpChecks().filter((check) => check.id.startsWith('mha'));

test('attention unfused into MatMul and Softmax matches com.microsoft MultiHeadAttention (self and cross)', async () => {
  expect(attentionChecks.map((check) => check.id)).toEqual(['mha-self', 'mha-cross']);
  for (const check of attentionChecks) {
    const unfused = unfuseAttention(check.model, 'float32');
    expect(decodeModel(unfused).graph.node.map((node) => node.opType)).not.toContain('MultiHeadAttention');
    const [fused, ours] = [await cpu.run(check), await cpu.run({ ...check, model: unfused })];
    expect(maxAbsDiff(ours.output, fused.output)).toBeLessThan(1e-5);
  }
});

test('attention with inputs it cannot express (bias, mask) is refused, not silently dropped', () => {
  const model = decodeModel(attentionChecks[0]!.model);
  const node = model.graph.node.find((n) => n.opType === 'MultiHeadAttention')!;
  node.input = [...node.input, 'bias'];
  expect(() => unfuseAttention(encodeModel(model), 'float32')).toThrow(/no bias, mask or cache/);
});
