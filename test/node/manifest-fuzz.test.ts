// Random mutations of a real manifest.json (tiny-a, converted): validateManifest returns a
// manifest that is safe to act on, or throws a ManifestError; text damage is a WanError too.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { MAX_BUNDLE_BYTES, MAX_BUNDLE_FILE_BYTES, bundleFilePath, validateManifest } from '../../src/bundle/manifest.ts';
import type { BundleManifest } from '../../src/bundle/manifest.ts';
import { parseDitConfig } from '../../src/bundle/dit-config.ts';
import { parseUmt5Config } from '../../src/bundle/umt5-config.ts';
import { parseVaeConfig } from '../../src/bundle/vae-config.ts';
import { ManifestError, WanError } from '../../src/errors.ts';
import { manifestFromText } from '../../src/model/manifest-text.ts';
import { tinyManifestText } from '../helpers/tiny-manifest.ts';

let text: string;
let places: (string | number)[][];

beforeAll(async () => {
  text = await tinyManifestText();
  places = paths(JSON.parse(text)).filter((path) => path.length > 0);
});

/** Every place in the JSON tree, as a key path. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? [...value.keys()] : Object.keys(value);
  return [prefix, ...keys.flatMap((key) => paths((value as Record<string | number, unknown>)[key], [...prefix, key]))];
}

/** JSON nested 100,000 deep: too deep for JSON.stringify in a message. */
const DEEP: unknown = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);

const hostileValue = fc.oneof(
  fc.constantFrom(-1, -0, 0.5, 2 ** 53, 2 ** 64, MAX_BUNDLE_FILE_BYTES + 1, 60 * 2 ** 30, 'NaN', '', null, true, [], {}, DEEP),
  fc.constantFrom('../weights-000.bin', '/etc/passwd', 'a\\b.bin', 'sub/x.bin', '..', '.x', 'manifest.json', 'weights-000.bin', 'dit.onnx', 'text-embedding-000.bin'),
  fc.constantFrom('float64', 'F64', 'int3', 'fp8', 'a'.repeat(64), 'f'.repeat(64)),
  fc.integer({ min: -10, max: 100_000 }),
  fc.double(),
  fc.string({ maxLength: 12 }),
  fc.jsonValue({ maxDepth: 2 }),
);

type Edit = { readonly kind: 'set'; readonly at: number; readonly value: unknown } | { readonly kind: 'delete' | 'duplicate'; readonly at: number };
const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: hostileValue }) },
  fc.record({ kind: fc.constantFrom('delete' as const, 'duplicate' as const), at: fc.nat() }),
);

/** The manifest with each edit applied at a place picked by index (a list entry is duplicated in place). */
function edited(edits: readonly Edit[]): unknown {
  const json = JSON.parse(text) as Record<string, unknown>;
  for (const e of edits) {
    const path = places[e.at % places.length]!;
    let parent: unknown = json;
    for (const key of path.slice(0, -1)) parent = typeof parent === 'object' && parent !== null ? (parent as Record<string | number, unknown>)[key] : undefined;
    if (typeof parent !== 'object' || parent === null) continue;
    const holder = parent as Record<string | number, unknown>;
    const key = path.at(-1)!;
    if (e.kind === 'set') holder[key] = e.value;
    else if (e.kind === 'delete' && Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
    else if (e.kind === 'delete') delete holder[key];
    else if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 0, structuredClone(parent[key]));
  }
  return json;
}

/** What a manifest that validates guarantees to the code that acts on it. */
function expectSafe(m: BundleManifest): void {
  const sizes = new Map(m.files.map((f) => [f.path, f.bytes]));
  expect(sizes.size).toBe(m.files.length);
  let total = 0;
  for (const file of m.files) {
    expect(bundleFilePath(file.path)).toBe(file.path);
    expect(Number.isSafeInteger(file.bytes) && file.bytes >= 0 && file.bytes <= MAX_BUNDLE_FILE_BYTES).toBe(true);
    expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    total += file.bytes;
  }
  expect(total).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
  for (const graph of Object.values(m.graphs)) {
    for (const path of [graph.file, ...graph.externalData]) expect(sizes.has(path)).toBe(true);
    for (const tensor of [...graph.contract.inputs, ...graph.contract.outputs]) {
      expect(tensor.dims.every((d) => typeof d === 'string' || (Number.isSafeInteger(d) && d >= 0))).toBe(true);
    }
  }
  const table = m.textEmbedding;
  let row = 0;
  for (const file of table.files) {
    expect(file.firstRow).toBe(row);
    expect(file.rowCount * table.dim * (table.dtype === 'F32' ? 4 : 2)).toBeLessThanOrEqual(sizes.get(file.path)!);
    row += file.rowCount;
  }
  expect(row).toBe(table.rows);
  expect(m.tokenizer === null || sizes.has(m.tokenizer)).toBe(true);
  parseDitConfig(m.configs.transformer);
  parseVaeConfig(m.configs.vae);
  parseUmt5Config(m.configs.text_encoder);
}

function validOrRefused(json: unknown): 'valid' | 'refused' {
  let manifest: BundleManifest;
  try {
    manifest = validateManifest(json);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    return 'refused';
  }
  expectSafe(manifest);
  return 'valid';
}

describe('validateManifest on a mutated real manifest', () => {
  test('the real manifest is valid and safe', () => {
    expect(validOrRefused(JSON.parse(text))).toBe('valid');
  });

  test('set, deleted and duplicated fields anywhere in it are refused with a ManifestError, or leave a manifest that is safe to act on', () => {
    const outcomes = { valid: 0, refused: 0 };
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        outcomes[validOrRefused(edited(edits))]++;
      }),
      { numRuns: 1500 },
    );
    // Both happen: edits of fields the runtime ignores pass (as they should), the rest are refused.
    expect(outcomes.valid).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  test('damaged manifest.json text is a WanError (not JSON: ModelNotInstalledError; not a manifest: ManifestError) or a safe manifest', () => {
    const flip = fc.record({ at: fc.nat(), char: fc.constantFrom('"', '/', '\\', '.', '-', '0', '9', '{', '}', '[', ']', ',', ':', 'e', ' ', 'x') });
    fc.assert(
      fc.property(fc.array(flip, { minLength: 1, maxLength: 3 }), (flips) => {
        let damaged = text;
        for (const { at, char } of flips) damaged = `${damaged.slice(0, at % text.length)}${char}${damaged.slice((at % text.length) + 1)}`;
        try {
          expectSafe(manifestFromText(damaged, 'https://host/bundle/manifest.json'));
        } catch (error) {
          if (!(error instanceof WanError)) throw error;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
