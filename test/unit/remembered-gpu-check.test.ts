import { describe, expect, test } from 'vitest';
import { REMEMBER_CHECK_MS, SELF_CHECK_TOLERANCE, buildOpChecks, checkToRemember, gpuCheckFingerprint, usableRememberedCheck } from '../../src/runtime/self-check/index.ts';
import type { GpuCheckIdentity, SelfCheckReport } from '../../src/runtime/self-check/index.ts';

const checks = buildOpChecks();
const IDENTITY: GpuCheckIdentity = {
  adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader Device (Subzero)' },
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/143.0.0.0 Safari/537.36',
  ortVersion: '1.31.1',
  ortFlavor: 'jspi',
  checks,
  tolerance: SELF_CHECK_TOLERANCE,
};
const FINGERPRINT = gpuCheckFingerprint(IDENTITY);
const NOW = Date.UTC(2026, 11, 6, 12);
const PASSED: SelfCheckReport = { configs: [], chosen: 'no-subgroups', tolerance: SELF_CHECK_TOLERANCE };
const record = (changes: Record<string, unknown> = {}) => ({ fingerprint: FINGERPRINT, checkedAt: NOW - 60_000, report: PASSED, ...changes });

describe('remembered GPU self-check', () => {
  test('the fingerprint changes with the GPU, the browser, the onnxruntime build, the tolerance and every byte of the op checks', () => {
    expect(gpuCheckFingerprint({ ...IDENTITY, checks: buildOpChecks() })).toBe(FINGERPRINT);
    const changed = [
      { ...IDENTITY, adapter: { ...IDENTITY.adapter, description: 'NVIDIA GeForce RTX 4090' } },
      { ...IDENTITY, adapter: { ...IDENTITY.adapter, architecture: 'ada' } },
      { ...IDENTITY, userAgent: IDENTITY.userAgent.replace('143', '144') },
      { ...IDENTITY, ortVersion: '1.32.0' },
      { ...IDENTITY, ortFlavor: 'asyncify' },
      { ...IDENTITY, tolerance: 1e-3 },
      { ...IDENTITY, checks: checks.slice(1) },
    ];
    const graph = checks[0]!.model.slice();
    graph[graph.length - 1]! ^= 1;
    changed.push({ ...IDENTITY, checks: [{ ...checks[0]!, model: graph }, ...checks.slice(1)] });
    const [name, feed] = Object.entries(checks[0]!.feeds)[0]!;
    const data = feed.data.slice();
    data[0] = data[0]! + 1;
    changed.push({ ...IDENTITY, checks: [{ ...checks[0]!, feeds: { ...checks[0]!.feeds, [name]: { ...feed, data } } }, ...checks.slice(1)] });
    const fingerprints = changed.map(gpuCheckFingerprint);
    for (const fingerprint of fingerprints) expect(fingerprint).not.toBe(FINGERPRINT);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
  });

  test('a passed check of this fingerprint from the last week is taken as it was kept', () => {
    expect(usableRememberedCheck(record(), FINGERPRINT, NOW)).toEqual({ fingerprint: FINGERPRINT, checkedAt: NOW - 60_000, report: PASSED });
    expect(usableRememberedCheck(record({ checkedAt: NOW - REMEMBER_CHECK_MS + 1 }), FINGERPRINT, NOW)).not.toBeNull();
  });

  test('anything else runs the checks: another fingerprint, too old, from the future, a failed verdict, or damaged storage', () => {
    const refused: unknown[] = [
      record({ fingerprint: gpuCheckFingerprint({ ...IDENTITY, ortVersion: '1.30.0' }) }),
      record({ checkedAt: NOW - REMEMBER_CHECK_MS }),
      record({ checkedAt: NOW + 60_000 }),
      record({ checkedAt: '2026-12-06' }),
      record({ report: { ...PASSED, chosen: null } }),
      record({ report: { ...PASSED, chosen: 'unfused-attention' } }),
      record({ report: { chosen: 'no-subgroups' } }),
      record({ report: null }),
      null,
      'no-subgroups',
      42,
      [],
    ];
    for (const stored of refused) expect(usableRememberedCheck(stored, FINGERPRINT, NOW), JSON.stringify(stored)).toBeNull();
  });

  test('only a passed verdict run by this page is kept', () => {
    const provenance = { fingerprint: FINGERPRINT, checkedAt: NOW, remembered: false };
    expect(checkToRemember({ ...PASSED, provenance })).toEqual({ fingerprint: FINGERPRINT, checkedAt: NOW, report: PASSED });
    expect(checkToRemember({ ...PASSED, provenance: { ...provenance, remembered: true } })).toBeNull();
    expect(checkToRemember({ ...PASSED, chosen: null, provenance })).toBeNull();
    expect(checkToRemember(PASSED)).toBeNull();
  });
});
