/**
 * Encoding in the browser: feeds a video's worth of synthetic decoded frames (1280x704, 121
 * frames by default) through VideoWriter (WebCodecs + Mediabunny) in a worker of headless
 * chromium, as the pipeline does, and reports speed, file size and memory: the peak growth
 * of all chromium processes' resident memory over the loaded page, in frames, once as the
 * browser runs it and once with a garbage collection after every chunk (what is held).
 *   npm run bench:encode [-- --size 1280x704 --frames 121 --container mp4]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runPageBench } from './page-bench.ts';

const { values } = parseArgs({
  options: { size: { type: 'string', default: '1280x704' }, frames: { type: 'string', default: '121' }, container: { type: 'string', default: 'mp4' } },
});
const [width, height] = values.size.split('x').map(Number) as [number, number];

/** Resident bytes of every chromium process on this machine. */
function chromiumRss(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chromium')) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss) total += Number(rss[1]) * 1024;
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
for (const gc of [false, true]) {
  let baseRss = 0;
  let peakRss = 0;
  const query = { width: String(width), height: String(height), frames: values.frames, container: values.container, gc: gc ? '1' : '0' };
  const result = await runPageBench<Record<string, unknown>>('encode.html', query, {
    chromiumArgs: ['--js-flags=--expose-gc'],
    whileRunning() {
      baseRss = peakRss = chromiumRss();
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, chromiumRss())), 50);
      return () => clearInterval(sampler);
    },
  });
  const [frameBytes, frames, totalMs, generatingMs] = [result.frameBytes, result.frames, result.totalMs, result.generatingMs].map(Number) as [number, number, number, number];
  if (!gc) {
    console.log(`${width}x${height}, ${frames} frames → ${String(result.codec).toUpperCase()} in ${String(result.container).toUpperCase()}, ${mb(Number(result.bytes))}`);
    console.log(`time: ${(totalMs / 1000).toFixed(1)} s in all, of which ${(generatingMs / 1000).toFixed(1)} s drawing the synthetic frames (the encoder runs alongside)`);
    console.log(`one uncompressed frame: ${mb(frameBytes)}; the whole video uncompressed: ${mb(frameBytes * frames)}`);
  }
  const js = result.jsMemory as unknown as { page: number; worker: number; samples: number } | null;
  if (js) console.log(`JS memory (measureUserAgentSpecificMemory, ${js.samples} samples): worker peak ${mb(js.worker)} (${(js.worker / frameBytes).toFixed(1)} frames), page peak ${mb(js.page)}`);
  const growth = peakRss - baseRss;
  const mode = gc ? 'garbage collected after every chunk (held)' : 'as the browser runs it';
  console.log(`chromium resident memory, all processes, ${mode}: peak +${mb(growth)} (${(growth / frameBytes).toFixed(1)} frames)`);
}
