// Hostile diffusers config.json files: random mutations of the tiny-a configs and of Wan2.2
// TI2V-5B's own must parse into sane sizes or fail with a ConvertError naming the file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MAX_CONFIG_COUNT, MAX_CONFIG_VOCAB, MAX_CONFIG_WIDTH } from '../../src/bundle/config-fields.ts';
import { parseDitConfig } from '../../src/bundle/dit-config.ts';
import { parseUmt5Config } from '../../src/bundle/umt5-config.ts';
import { parseVaeConfig } from '../../src/bundle/vae-config.ts';
import { openSourceModel } from '../../src/convert/convert-checkpoint.ts';
import { WAN22_TI2V_5B_CONFIGS, ditTensorSpecs } from '../../src/convert/random-checkpoint/index.ts';
import { ConvertError } from '../../src/errors.ts';
import { blobByteSource } from '../../src/safetensors/index.ts';
import { nodeCheckpointFiles } from '../../src/node/file-source.ts';

const TINY = join(import.meta.dirname, '../fixtures/tiny-a');
const tiny = (component: string) => JSON.parse(readFileSync(join(TINY, component, 'config.json'), 'utf8')) as Record<string, unknown>;

/** JSON nested 100,000 deep: JSON.stringify and Array.prototype.join overflow the stack on it. */
const DEEP: unknown = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
/** An object whose own keys make String(value) and `${value}` throw a TypeError. */
const NO_TEXT: unknown = JSON.parse('{"toString": 1, "valueOf": 1}');

interface Parser {
  readonly file: string;
  readonly parse: (json: unknown) => object;
  readonly bases: readonly Record<string, unknown>[];
  /** Checks a parsed config's sizes. */
  readonly sane: (config: never) => void;
}

const positive = (value: number, max: number) => {
  expect(Number.isSafeInteger(value) && value > 0 && value <= max).toBe(true);
};

const PARSERS: Parser[] = [
  {
    file: 'transformer/config.json',
    parse: parseDitConfig,
    bases: [tiny('transformer'), WAN22_TI2V_5B_CONFIGS.transformer],
    sane: (c: ReturnType<typeof parseDitConfig>) => {
      for (const key of ['numLayers', 'numHeads'] as const) positive(c[key], MAX_CONFIG_COUNT);
      for (const key of ['headDim', 'ffnDim', 'inChannels', 'outChannels', 'textDim', 'freqDim'] as const) positive(c[key], MAX_CONFIG_WIDTH);
      expect(c.eps > 0 && c.eps < 1 && c.freqDim % 2 === 0 && c.headDim % 2 === 0).toBe(true);
    },
  },
  {
    file: 'text_encoder/config.json',
    parse: parseUmt5Config,
    bases: [tiny('text_encoder'), WAN22_TI2V_5B_CONFIGS.textEncoder],
    sane: (c: ReturnType<typeof parseUmt5Config>) => {
      positive(c.vocabSize, MAX_CONFIG_VOCAB);
      for (const key of ['numLayers', 'numHeads'] as const) positive(c[key], MAX_CONFIG_COUNT);
      for (const key of ['dModel', 'dKv', 'dFf', 'numBuckets', 'maxDistance'] as const) positive(c[key], MAX_CONFIG_WIDTH);
      expect(c.eps > 0 && c.eps < 1 && c.maxDistance > Math.floor(c.numBuckets / 4)).toBe(true);
    },
  },
  {
    file: 'vae/config.json',
    parse: parseVaeConfig,
    bases: [tiny('vae'), WAN22_TI2V_5B_CONFIGS.vae],
    sane: (c: ReturnType<typeof parseVaeConfig>) => {
      for (const key of ['zDim', 'baseDim', 'decoderBaseDim', 'numResBlocks', 'imageChannels'] as const) positive(c[key], MAX_CONFIG_WIDTH);
      expect(c.dimMult.length).toBeLessThanOrEqual(8);
      expect([c.latentsMean.length, c.latentsStd.length]).toEqual([c.zDim, c.zDim]);
      expect([...c.latentsMean, ...c.latentsStd].every(Number.isFinite)).toBe(true);
    },
  },
];

const hostileValue = fc.oneof(
  fc.constantFrom(-1, 0, 0.5, 1.5, 1e308, 2 ** 31, 2 ** 53, 1e6, 'NaN', '1e999', '4', '', null, true, false, [], {}, [1, 2, 2], DEEP, NO_TEXT),
  fc.integer({ min: -10, max: 5000 }),
  fc.double(),
  fc.string({ maxLength: 12 }),
  fc.array(fc.oneof(fc.integer({ min: -2, max: 64 }), fc.boolean(), fc.double()), { maxLength: 6 }),
  fc.jsonValue({ maxDepth: 2 }),
);

const edit = (keys: readonly string[]) =>
  fc.record({ key: fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), value: fc.option(hostileValue) });

/** Parses or refuses with a ConvertError that names the file; what parses has sane sizes. */
function parseOrRefuse(parser: Parser, json: unknown): void {
  let config: object;
  try {
    config = parser.parse(json);
  } catch (error) {
    if (!(error instanceof ConvertError)) throw error;
    expect(error.file).toBe(parser.file);
    expect(error.message.startsWith(parser.file)).toBe(true);
    return;
  }
  parser.sane(config as never);
}

describe.each(PARSERS)('$file, mutated', (parser) => {
  test('the real configs parse', () => {
    for (const base of parser.bases) parseOrRefuse(parser, base);
    for (const base of parser.bases) expect(() => parser.parse(base)).not.toThrow();
  });

  test('changed, wrong-typed, absurd or missing fields parse into sane sizes or fail with a ConvertError naming the file', () => {
    for (const base of parser.bases) {
      fc.assert(
        fc.property(fc.array(edit(Object.keys(base)), { minLength: 1, maxLength: 3 }), fc.option(hostileValue, { freq: 20 }), (edits, whole) => {
          const json: Record<string, unknown> = { ...base };
          for (const { key, value } of edits) {
            if (value === null) delete json[key];
            else json[key] = value;
          }
          parseOrRefuse(parser, whole ?? json);
        }),
        { numRuns: 1500 },
      );
    }
  });
});

describe('config fields the parsers used to take or crash on', () => {
  const dit = tiny('transformer');
  const umt5 = tiny('text_encoder');
  const vae = tiny('vae');
  test.each([
    ['a fractional layer count', () => parseDitConfig({ ...dit, num_layers: 1.5 }), /"num_layers" must be a positive integer up to 1024, got 1.5/],
    ['a million layers', () => parseDitConfig({ ...dit, num_layers: 1e6 }), /"num_layers" must be a positive integer up to 1024/],
    ['a negative width', () => parseDitConfig({ ...dit, ffn_dim: -128 }), /"ffn_dim" must be a positive integer/],
    ['eps 0', () => parseDitConfig({ ...dit, eps: 0 }), /"eps" must be a positive number below 1, got 0/],
    ['an odd freq_dim', () => parseDitConfig({ ...dit, freq_dim: 255 }), /freq_dim 255 must be even/],
    ['qk_norm that String() cannot print', () => parseDitConfig({ ...dit, qk_norm: NO_TEXT }), /qk_norm \{"toString":1,"valueOf":1\} is not supported/],
    ['patch_size nested too deeply to join', () => parseDitConfig({ ...dit, patch_size: DEEP }), /patch_size a list nested too deeply is not supported/],
    ['a vocabulary of 2^40 rows', () => parseUmt5Config({ ...umt5, vocab_size: 2 ** 40 }), /"vocab_size" must be a positive integer up to 4194304/],
    ['feed_forward_proj that String() cannot print', () => parseUmt5Config({ ...umt5, feed_forward_proj: NO_TEXT }), /feed_forward_proj \{"toString"/],
    ['max distance within the exact buckets', () => parseUmt5Config({ ...umt5, relative_attention_max_distance: 8 }), /relative_attention_max_distance 8 must exceed the 8 distances/],
    ['a layer-norm epsilon above 1', () => parseUmt5Config({ ...umt5, layer_norm_epsilon: 2 }), /"layer_norm_epsilon" must be a positive number below 1/],
    ['_class_name nested too deeply to print', () => parseVaeConfig({ ...vae, _class_name: DEEP }), /_class_name a list nested too deeply is not supported/],
    ['a million residual blocks', () => parseVaeConfig({ ...vae, num_res_blocks: 1e6 }), /"num_res_blocks" must be a positive integer up to 1024/],
    [
      '12 levels',
      () => parseVaeConfig({ ...vae, dim_mult: Array(12).fill(1), temperal_downsample: [true, true, ...Array(9).fill(false)], scale_factor_spatial: undefined }),
      /"dim_mult" \[1,1,1,1,1,1,1,1,1,1,1,1\] has more than 8 levels/,
    ],
    ['a list, not an object', () => parseVaeConfig([vae]), /vae\/config.json is not a JSON object/],
  ])('%s is a ConvertError', (_, attempt, message) => {
    expect(attempt).toThrow(ConvertError);
    expect(attempt).toThrow(message);
  });

  test('the random-checkpoint spec readers name a value nested too deeply instead of overflowing the stack', () => {
    expect(() => ditTensorSpecs({ ...dit, image_dim: DEEP })).toThrow(/"image_dim" is a list nested too deeply; only the TI2V layout/);
  });

  test('the builder checks config.json before it enumerates layers: 5000 layers are refused by name, not listed', async () => {
    const files = nodeCheckpointFiles(TINY);
    const config = new Blob([JSON.stringify({ ...dit, num_layers: 5000 })]);
    const hostile = { ...files, open: (path: string) => (path === 'transformer/config.json' ? blobByteSource(config, path) : files.open(path)) };
    try {
      await expect(openSourceModel(hostile)).rejects.toThrow(/transformer\/config.json: "num_layers" must be a positive integer up to 1024, got 5000/);
    } finally {
      await files.close();
    }
  });
});
