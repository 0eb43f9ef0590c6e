import { describe, expect, test } from 'vitest';
import type { Capabilities } from '../../src/runtime/capabilities.ts';
import { WEBGPU_HELP, capabilityVerdict } from '../../src/runtime/capability-verdict.ts';
import type { SelfCheckReport } from '../../src/runtime/self-check/index.ts';

const GIB = 1024 ** 3;

function caps(overrides: Partial<Capabilities> = {}, gpu: Partial<Extract<Capabilities['gpu'], { available: true }>> = {}): Capabilities {
  return {
    gpu: {
      available: true,
      vendor: 'nvidia',
      architecture: 'ada',
      description: '',
      features: ['shader-f16', 'subgroups'],
      shaderF16: true,
      subgroups: true,
      maxBufferSize: 4 * GIB,
      maxStorageBufferBindingSize: 2 * GIB,
      ...gpu,
    },
    encoders: { h264: true, vp9: true, av1: false },
    storage: { opfs: true, quotaBytes: 100 * GIB, usageBytes: 0, persisted: true },
    jspi: true,
    crossOriginIsolated: true,
    userAgent: 'test',
    ...overrides,
  };
}

const report = (chosen: SelfCheckReport['chosen'], failedOps: string[] = []): SelfCheckReport => ({
  chosen,
  tolerance: 1e-4,
  configs: [
    {
      id: 'all-features',
      description: '',
      features: [],
      passed: failedOps.length === 0,
      results: ['matmulnbits', 'mha-self'].map((id) => ({
        id,
        label: id,
        maxAbsDiff: failedOps.includes(id) ? 0.05 : 1e-7,
        passed: !failedOps.includes(id),
        candidateMs: 1,
        referenceMs: 1,
      })),
    },
  ],
});

describe('capabilityVerdict', () => {
  test('a capable machine is ready for fp16', () => {
    const verdict = capabilityVerdict(caps(), report('all-features'));
    expect(verdict.level).toBe('ready');
    expect(verdict.precision).toBe('fp16');
    expect(verdict.headline).toContain('fp16');
  });

  test('without shader-f16 the fp32 variant is chosen and said so', () => {
    const verdict = capabilityVerdict(caps({}, { shaderF16: false }));
    expect(verdict.precision).toBe('fp32');
    expect(verdict.level).toBe('limited');
    expect(verdict.notes.map((n) => n.text).join(' ')).toMatch(/shader-f16 absent.*fp32/);
  });

  test('without WebGPU it is unsupported and explains which browsers work', () => {
    const verdict = capabilityVerdict(caps({ gpu: { available: false, reason: 'navigator.gpu is missing' } }));
    expect(verdict.level).toBe('unsupported');
    expect(verdict.precision).toBeNull();
    expect(verdict.notes.map((n) => n.text)).toEqual(['navigator.gpu is missing', WEBGPU_HELP]);
  });

  test('a failed configuration is named, and no passing one blocks generation', () => {
    const switched = capabilityVerdict(caps(), { ...report('no-subgroups', ['mha-self']) });
    expect(switched.notes.some((n) => n.level === 'warn' && n.text.includes('"all-features"') && n.text.includes('mha-self'))).toBe(true);
    expect(switched.notes.some((n) => n.level === 'ok' && n.text.includes('"no-subgroups"'))).toBe(true);

    const none = capabilityVerdict(caps(), report(null, ['mha-self']));
    expect(none.level).toBe('unsupported');
    expect(none.precision).toBeNull();
  });

  test('missing storage or a small quota is reported with what to do', () => {
    const noOpfs = capabilityVerdict(caps({ storage: { opfs: false, quotaBytes: null, usageBytes: null, persisted: null } }));
    expect(noOpfs.level).toBe('unsupported');
    expect(noOpfs.notes.find((n) => n.level === 'error')!.text).toMatch(/private browsing/);
    const small = capabilityVerdict(caps({ storage: { opfs: true, quotaBytes: 2 * GIB, usageBytes: 0, persisted: false } }));
    expect(small.notes.find((n) => n.level === 'warn')!.text).toMatch(/free disk space/);
  });

  test('no WebCodecs or no isolation are caveats, not blockers; no JSPI is only a note (weights load the same way)', () => {
    const verdict = capabilityVerdict(caps({ encoders: null, jspi: false, crossOriginIsolated: false }));
    expect(verdict.level).toBe('limited');
    expect(verdict.notes.filter((n) => n.level === 'warn')).toHaveLength(2);
    expect(verdict.notes.find((n) => /Asyncify/.test(n.text))?.level).toBe('ok');
  });

  test('a software GPU is named as one, with what it means, and only then', () => {
    for (const gpu of [{ vendor: 'google', architecture: 'swiftshader' }, { vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.7, 256 bits)' }, { vendor: 'microsoft', architecture: '', description: 'Microsoft Basic Render Driver' }]) {
      const verdict = capabilityVerdict(caps({}, gpu), report('all-features'));
      expect(verdict.softwareGpu).toBe(true);
      expect(verdict.level).toBe('limited');
      expect(verdict.headline).toMatch(/on a software GPU, .*100 times slower than a real graphics card, good only for the self-test model/);
      expect(verdict.notes.find((n) => n.text.startsWith('This is a software GPU'))?.level).toBe('warn');
    }
    const real = capabilityVerdict(caps(), report('all-features'));
    expect(real.softwareGpu).toBe(false);
    expect(real.headline).toBe('This machine will run the fp16 variant on nvidia (ada).');
  });
});
