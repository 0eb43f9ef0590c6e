// Hostile manifest.json files, one case at a time, on the manifest of a real (tiny) bundle:
// file names that would leave the bundle, absurd sizes and every other field of the wrong kind
// are ManifestErrors that say what is wrong and to rebuild.
import { beforeAll, describe, expect, test } from 'vitest';
import { MAX_BUNDLE_FILE_BYTES, REBUILD_ADVICE, bundleFilePath, validateManifest } from '../../src/bundle/manifest.ts';
import { CONFIG_ADVICE } from '../../src/bundle/config-fields.ts';
import { ManifestError } from '../../src/errors.ts';
import { tinyManifestText } from '../helpers/tiny-manifest.ts';

type Json = Record<string, any>;

let text: string;
beforeAll(async () => {
  text = await tinyManifestText();
});

const manifest = (): Json => JSON.parse(text) as Json;
const WEIGHTS = 'dit-weights-000.bin';

/** The manifest with `weights-000.bin` called `name` everywhere it is named. */
function renamed(name: unknown): Json {
  const m = manifest();
  m.files.find((f: Json) => f.path === WEIGHTS).path = name;
  for (const graph of Object.values(m.graphs) as Json[]) graph.externalData = graph.externalData.map((p: string) => (p === WEIGHTS ? name : p));
  return m;
}

function refusal(json: unknown): ManifestError {
  let error: unknown;
  try {
    validateManifest(json);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ManifestError);
  expect((error as Error).message).toMatch(/^manifest\.json /);
  expect((error as Error).message.endsWith(REBUILD_ADVICE)).toBe(true);
  return error as ManifestError;
}

const HOSTILE_NAMES: unknown[] = [
  'sub/weights-000.bin',
  '../weights-000.bin',
  '..',
  '.',
  '/etc/passwd',
  'C:\\weights-000.bin',
  'sub\\weights-000.bin',
  '',
  '.hidden',
  'manifest.json',
  '%2e%2e%2fweights.bin',
  'https://evil.example/weights.bin',
  '//evil.example/weights.bin',
  'weights 000.bin',
  'weights\u0000.bin',
  'wéights.bin',
  'w'.repeat(256),
  5,
  null,
  ['weights-000.bin'],
];

describe('file names in a manifest', () => {
  test('the real manifest is valid, and bundleFilePath takes each of its names as it is', () => {
    expect(validateManifest(manifest())).toEqual(manifest());
    for (const file of manifest().files as Json[]) expect(bundleFilePath(file.path)).toBe(file.path);
  });

  test.each(HOSTILE_NAMES.map((name) => [JSON.stringify(name)?.slice(0, 40), name]))('%s is refused by bundleFilePath and by validateManifest', (_, name) => {
    expect(() => bundleFilePath(name)).toThrow(ManifestError);
    expect(() => bundleFilePath(name)).toThrow(/is not a plain file name of a bundle/);
    expect(refusal(renamed(name)).message).toMatch(/lists a file named .*: a bundle file is one plain name/);
  });

  test('a file listed twice is refused', () => {
    const m = manifest();
    m.files.push({ ...m.files[0] });
    expect(refusal(m).message).toMatch(/lists dit-context\.onnx twice/);
  });

  test('a graph, the embedding table or the tokenizer naming a file outside the list is refused', () => {
    const graph = manifest();
    graph.graphs.dit.externalData = ['../weights-000.bin'];
    expect(refusal(graph).message).toMatch(/graph "dit" references "\.\.\/weights-000\.bin", which is not in the file list/);
    const table = manifest();
    table.textEmbedding.files[0].path = '/etc/passwd';
    expect(refusal(table).message).toMatch(/textEmbedding references "\/etc\/passwd", which is not in the file list/);
    const tokenizer = manifest();
    tokenizer.tokenizer = '../tokenizer.json';
    expect(refusal(tokenizer).message).toMatch(/names the tokenizer "\.\.\/tokenizer\.json", which is not in the file list/);
  });
});

describe('file sizes in a manifest', () => {
  test.each([
    ['negative', -1],
    ['fractional', 1.5],
    ['beyond Number.MAX_SAFE_INTEGER', 2 ** 53],
    ['over the 64 GiB cap', MAX_BUNDLE_FILE_BYTES + 1],
    ['text', '7972184'],
    ['missing', undefined],
  ])('a %s size is refused', (_, bytes) => {
    const m = manifest();
    m.files[0].bytes = bytes;
    expect(refusal(m).message).toMatch(/field "files\[0\]\.bytes" must be a whole number from 0 to 68719476736/);
  });

  test('a size written as 1e999 (Infinity once parsed) is refused', () => {
    expect(refusal(JSON.parse(text.replace(/"bytes": \d+/, '"bytes": 1e999'))).message).toMatch(/files\[0\]\.bytes/);
  });

  test('files of 60 GiB each, 780 GiB in all, are more than any bundle', () => {
    const m = manifest();
    for (const file of m.files as Json[]) file.bytes = 60 * 2 ** 30;
    expect(refusal(m).message).toMatch(/lists 837518622720 bytes of files; no bundle is bigger than 274877906944 \(256 GiB\)/);
  });

  test('a tokenizer.json over 256 MiB (it is read whole) is refused', () => {
    const m = manifest();
    m.files.push({ path: 'tokenizer.json', bytes: 2 ** 30, sha256: '0'.repeat(64) });
    m.tokenizer = 'tokenizer.json';
    expect(refusal(m).message).toMatch(/lists a tokenizer of 1073741824 bytes; it is read whole, and none is bigger than 268435456/);
    m.files.at(-1).bytes = 17_000_000;
    expect(validateManifest(m).tokenizer).toBe('tokenizer.json');
  });

  test('an embedding table bigger than the file that holds it is refused', () => {
    const m = manifest();
    m.textEmbedding.files[0].rowCount += 1;
    m.textEmbedding.rows += 1;
    expect(refusal(m).message).toMatch(/textEmbedding says text-embedding-000\.bin holds 385 rows of 128 bytes, but the file list gives it 49152 bytes/);
  });
});

describe('the other fields of a manifest', () => {
  const edit = (change: (m: Json) => void) => {
    const m = manifest();
    change(m);
    return m;
  };
  test.each([
    ['not an object', () => [manifest()], /is not a JSON object/],
    ['format version 2', () => edit((m) => (m.formatVersion = 2)), /has format version 2; this version reads 1/],
    ['a name that is not text', () => edit((m) => (m.name = { first: 'x' })), /field "name" must be text/],
    ['no source revision', () => edit((m) => delete m.source.revision), /field "source.revision" must be text/],
    ['unknown weights', () => edit((m) => (m.precision.weights = 'int3')), /field "precision.weights" is "int3"; this version knows "int4", "int8", "fp16", "fp32"/],
    ['an unknown tensor family', () => edit((m) => (m.precision.families = { 'lm-head': 'int8' })), /field "precision.families key" is "lm-head"/],
    ['a family format of int3', () => edit((m) => (m.precision.families = { head: 'int3' })), /field "precision.families.head" is "int3"/],
    ['families that are a list', () => edit((m) => (m.precision.families = ['int8'])), /field "precision.families" must be an object/],
    ['an unknown preset', () => edit((m) => (m.precision.preset = 'q4_k_m')), /field "precision.preset" is "q4_k_m"/],
    ['a block size of 7', () => edit((m) => (m.precision.blockSize = 7)), /field "precision.blockSize" is 7/],
    ['an unknown VAE cache', () => edit((m) => (m.precision.vaeCache = 'int4')), /field "precision.vaeCache" is "int4"/],
    ['configs missing', () => edit((m) => delete m.configs), /field "configs" must be an object/],
    ['a list of graphs', () => edit((m) => (m.graphs = [])), /field "graphs" must be an object/],
    ['a graph input of type float64', () => edit((m) => (m.graphs.dit.contract.inputs[0].dtype = 'float64')), /field "graphs.dit.contract.inputs\[0\].dtype" is "float64"/],
    ['a negative dim', () => edit((m) => (m.graphs.dit.contract.outputs[0].dims[0] = -1)), /field "graphs.dit.contract.outputs\[0\].dims\[0\]" must be a whole number/],
    ['a negative row reach', () => edit((m) => (m.graphs['vae-decoder-0'].contract.rowReach = -1)), /rowReach" must be a number from 0/],
    ['externalData that is not a list', () => edit((m) => (m.graphs.dit.externalData = 'weights-000.bin')), /field "graphs.dit.externalData" must be a list/],
    ['an embedding dtype of F64', () => edit((m) => (m.textEmbedding.dtype = 'F64')), /field "textEmbedding.dtype" is "F64"/],
    ['embedding files that leave rows out', () => edit((m) => (m.textEmbedding.rows = 400)), /field "textEmbedding.files" covers 384 of the table's 400 rows/],
    ['embedding files out of order', () => edit((m) => (m.textEmbedding.files[0].firstRow = 1)), /textEmbedding.files\[0\].firstRow" is 1; the files before it end at row 0/],
    ['a file list with a hole (built in code, not parsed)', () => edit((m) => (m.files.length += 1)), /field "files\[13\]" must be an object, not nothing/],
    ['a tokenizer that is a number', () => edit((m) => (m.tokenizer = 1)), /names the tokenizer 1/],
    ['a SHA-256 in capitals', () => edit((m) => (m.files[0].sha256 = m.files[0].sha256.toUpperCase())), /with SHA-256 "[0-9A-F]+…?", not 64 lowercase hex digits/],
  ])('%s is refused', (_, json, message) => {
    expect(refusal(json()).message).toMatch(message);
  });

  test('a source config the runtime cannot run is refused as the manifest\'s fault, with the rebuild advice alone', () => {
    const message = refusal(edit((m) => (m.configs.transformer.num_layers = 1.5))).message;
    expect(message).toMatch(/field "configs.transformer" holds a config this version cannot run \(transformer\/config.json: "num_layers" must be a positive integer up to 1024, got 1.5.\)/);
    expect(message).not.toContain(CONFIG_ADVICE);
  });
});
