/// <reference lib="webworker" />
// Feeds synthetic decoded frames to VideoWriter the way the pipeline does (a chunk of 1 frame, then chunks of 4,
// each frame a fresh RGBA buffer dropped once encoded).
import { VideoWriter } from '../../src/video/video-writer.ts';
import type { VideoContainer } from '../../src/video/video-format.ts';

interface EncodeBenchRequest {
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly fps: number;
  readonly container: VideoContainer;
  /** Collect garbage after every chunk (measures what is held, not what awaits collection). */
  readonly gc: boolean;
}

/** A moving colour gradient with fine texture, so the encoder has real work on every frame. */
function syntheticFrame(width: number, height: number, index: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      const texture = ((x * 7 + y * 13 + index * 5) % 17) * 3;
      rgba[i] = ((x + index * 4) % 256) + texture;
      rgba[i + 1] = ((y + index * 2) % 256) + texture;
      rgba[i + 2] = ((x + y) / 8 + index) % 256;
      rgba[i + 3] = 255;
    }
  }
  return rgba;
}

/** With chromium's --js-flags=--expose-gc: collects garbage so that only live frames stay in memory. */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

self.onmessage = async (event: MessageEvent<EncodeBenchRequest>) => {
  const { width, height, frames, fps, container, gc } = event.data;
  try {
    const start = performance.now();
    const writer = await VideoWriter.create(width, height, { container, fps }, {
      settings: { prompt: 'encode benchmark', width, height, frames, steps: 0, guidance: 1, shift: 1, sampler: 'unipc', seed: 0 },
      model: 'synthetic frames',
      createdAt: new Date().toISOString(),
      hasStartImage: false,
    });
    let generatingMs = 0;
    for (let first = 0; first < frames; ) {
      const count = first === 0 ? 1 : Math.min(4, frames - first);
      const made = performance.now();
      const chunk = Array.from({ length: count }, (_, i) => syntheticFrame(width, height, first + i));
      generatingMs += performance.now() - made;
      await writer.add(chunk);
      first += count;
      if (gc) collectGarbage?.();
    }
    const video = await writer.finish();
    const totalMs = performance.now() - start;
    self.postMessage({
      codec: video.codec,
      container: video.container,
      frames: video.frames,
      bytes: video.bytes.byteLength,
      totalMs,
      generatingMs,
      collectedGarbage: gc && collectGarbage !== undefined,
      frameBytes: width * height * 4,
    });
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
