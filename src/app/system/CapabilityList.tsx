import type { Capabilities } from '../../runtime/capabilities.ts';

const yesNo = (value: boolean | null) => (value === null ? 'unknown' : value ? 'yes' : 'no');
const gib = (bytes: number | null) => (bytes === null ? 'unknown' : `${(bytes / 1024 ** 3).toFixed(2)} GiB`);

/** The raw facts behind the verdict. */
export function CapabilityList({ capabilities: c }: { capabilities: Capabilities }) {
  const rows: [string, string, string][] = [];
  if (c.gpu.available) {
    rows.push(
      ['adapter', 'GPU adapter', [c.gpu.vendor, c.gpu.architecture, c.gpu.description].filter(Boolean).join(' · ') || 'unnamed'],
      ['shader-f16', 'shader-f16', c.gpu.shaderF16 ? 'present' : 'absent'],
      ['subgroups', 'subgroups', c.gpu.subgroups ? 'present' : 'absent'],
      ['max-buffer', 'maxBufferSize', gib(c.gpu.maxBufferSize)],
      ['max-binding', 'maxStorageBufferBindingSize', gib(c.gpu.maxStorageBufferBindingSize)],
    );
  } else {
    rows.push(['adapter', 'WebGPU', `not available: ${c.gpu.reason}`]);
  }
  rows.push([
    'encoders',
    'Video encoders (1280x704)',
    c.encoders ? (['h264', 'vp9', 'av1'] as const).map((k) => `${k.toUpperCase()} ${yesNo(c.encoders![k])}`).join(', ') : 'WebCodecs missing',
  ]);
  rows.push(['opfs', 'Origin private file system', yesNo(c.storage.opfs)]);
  rows.push(['quota', 'Storage quota (used)', `${gib(c.storage.quotaBytes)} (${gib(c.storage.usageBytes)})`]);
  rows.push(['persisted', 'Persistent storage', yesNo(c.storage.persisted)]);
  rows.push(['jspi', 'JSPI', yesNo(c.jspi)]);
  rows.push(['isolated', 'Cross-origin isolated', yesNo(c.crossOriginIsolated)]);
  return (
    <dl className="capabilities" data-testid="capabilities">
      {rows.map(([id, label, value]) => (
        <div key={id} data-testid={`cap-${id}`}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
