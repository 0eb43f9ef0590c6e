import { spawn, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { encode as encodePng } from 'fast-png';

/** Receives frames in order and finishes a video file or a folder of PNGs. */
export interface FrameWriter {
  /** What is being written, for messages. */
  readonly description: string;
  write(rgba: Uint8ClampedArray): Promise<void>;
  close(): Promise<void>;
}

/** True when an `ffmpeg` with libx264 is on the PATH. */
export function hasFfmpeg(): boolean {
  const probe = spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' });
  return probe.status === 0 && probe.stdout.includes('libx264');
}

/**
 * An MP4 (H.264, yuv420p, fast start) through the system ffmpeg when the output ends in
 * .mp4 and ffmpeg is present; numbered PNG frames in a folder otherwise.
 */
export async function createFrameWriter(out: string, width: number, height: number, fps: number): Promise<FrameWriter> {
  if (extname(out).toLowerCase() === '.mp4' && hasFfmpeg()) return ffmpegWriter(out, width, height, fps);
  const dir = extname(out) ? out.slice(0, -extname(out).length) : out;
  return pngWriter(dir, width, height);
}

/** An H.264 MP4 through the system ffmpeg (check hasFfmpeg first). */
export function ffmpegWriter(out: string, width: number, height: number, fps: number): FrameWriter {
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${width}x${height}`, '-r', String(fps), '-i', '-'];
  args.push('-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-crf', '17', '-movflags', '+faststart', out);
  const ffmpeg = spawn('ffmpeg', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  ffmpeg.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number>((resolve) => ffmpeg.on('close', (code) => resolve(code ?? 1)));
  return {
    description: `${out} (H.264 via ffmpeg)`,
    write: (rgba) =>
      new Promise((resolve, reject) => ffmpeg.stdin.write(rgba, (error) => (error ? reject(new Error(`ffmpeg stopped: ${stderr || error.message}`)) : resolve()))),
    async close() {
      ffmpeg.stdin.end();
      const code = await exited;
      if (code !== 0) throw new Error(`ffmpeg failed (exit ${code}): ${stderr.trim()}`);
    },
  };
}

/** Numbered PNG frames in the folder `dir`, created if needed. */
export async function pngWriter(dir: string, width: number, height: number): Promise<FrameWriter> {
  await mkdir(dir, { recursive: true });
  let index = 0;
  return {
    description: `${dir}/frame-NNNN.png (no ffmpeg with libx264 found, or the output is not .mp4)`,
    async write(rgba) {
      index++;
      await writeFile(join(dir, `frame-${String(index).padStart(4, '0')}.png`), encodePng({ width, height, data: rgba, channels: 4, depth: 8 }));
    },
    close: async () => undefined,
  };
}
