import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFFICIAL_DIT_SCRIPT } from './official-dit-script.ts';

export type OfficialTiming = { readonly secondsPerPass: number; readonly device: string } | { readonly skipped: string };

/**
 * The official DiT forward at one shape, timed by PyTorch on CUDA, when WAN_OFFICIAL_DIR points at
 * a checkout of github.com/Wan-Video/Wan2.2 and python3 has torch with CUDA; else why not.
 */
export async function officialDitTiming(size: { width: number; height: number; frames: number }, dtype: 'fp16' | 'fp32', runs: number): Promise<OfficialTiming> {
  const wanDir = process.env.WAN_OFFICIAL_DIR;
  if (!wanDir) return { skipped: 'WAN_OFFICIAL_DIR is not set (a checkout of github.com/Wan-Video/Wan2.2)' };
  if (!existsSync(join(wanDir, 'wan', 'modules', 'model.py'))) return { skipped: `${wanDir} has no wan/modules/model.py` };
  const dir = await mkdtemp(join(tmpdir(), 'wan-official-'));
  try {
    const script = join(dir, 'official_dit.py');
    await writeFile(script, OFFICIAL_DIT_SCRIPT);
    const args = [script, wanDir, String(size.width), String(size.height), String(size.frames), dtype, String(runs)];
    const result = spawnSync('python3', args, { encoding: 'utf8', timeout: 30 * 60_000 });
    if (result.error) return { skipped: `python3 could not run (${result.error.message})` };
    const line = result.stdout.trim().split('\n').pop() ?? '';
    if (result.status !== 0 || !line.startsWith('{')) return { skipped: `the official forward failed: ${result.stderr.trim().split('\n').slice(-1)[0] ?? `exit ${result.status}`}` };
    return JSON.parse(line) as OfficialTiming;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
