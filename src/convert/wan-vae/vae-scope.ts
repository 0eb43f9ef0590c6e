/**
 * Node scope for a checkpoint prefix: `decoder.up_blocks.0.resnets.1.conv1` →
 * `/vae/decoder/up_blocks.0/resnets.1/conv1` (an index stays with its list's name).
 */
export function scopeOf(prefix: string): string {
  const parts: string[] = [];
  for (const part of prefix.split('.')) {
    if (/^\d+$/.test(part) && parts.length > 0) parts[parts.length - 1] += `.${part}`;
    else parts.push(part);
  }
  return `/vae/${parts.join('/')}`;
}
