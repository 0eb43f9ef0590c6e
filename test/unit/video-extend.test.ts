import { ALL_FORMATS, BlobSource, BufferTarget, EncodedPacket, EncodedPacketSink, EncodedVideoPacketSource, Input, Mp4OutputFormat, Output, WebMOutputFormat } from 'mediabunny';
import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../src/errors.ts';
import { readExtendSource } from '../../src/video/extend-source.ts';
import { finishVideo } from '../../src/video/finish-video.ts';
import { SeamMeter } from '../../src/video/seam-meter.ts';
import type { VideoContainer } from '../../src/video/video-format.ts';
import { metadataTags, readEmbeddedSettings } from '../../src/video/video-metadata.ts';
import type { VideoProvenance } from '../../src/video/video-metadata.ts';

const FPS = 24;
const provenance = (prompt: string, seed: number, frames: number): VideoProvenance => ({
  settings: { prompt, width: 32, height: 32, frames, steps: 2, guidance: 5, shift: 5, sampler: 'unipc', seed },
  model: 'Wan2.2 self-test',
  createdAt: `2026-12-06T02:3${seed % 10}:00.000Z`,
  hasStartImage: false,
});

/** A file of `count` (undecodable) VP9 packets tagged `part`, as an encoder would make it: muxing needs no encoder, so this runs in Node. */
async function encoded(container: VideoContainer, part: number, count: number, width = 4): Promise<Blob> {
  const output = new Output({ format: container === 'mp4' ? new Mp4OutputFormat() : new WebMOutputFormat(), target: new BufferTarget() });
  const source = new EncodedVideoPacketSource('vp9');
  output.addVideoTrack(source, { frameRate: FPS });
  await output.start();
  for (let i = 0; i < count; i++) {
    const packet = new EncodedPacket(new Uint8Array([part, i]), i % 3 === 0 ? 'key' : 'delta', i / FPS, 1 / FPS);
    await source.add(packet, i === 0 ? { decoderConfig: { codec: 'vp09.00.10.08', codedWidth: width, codedHeight: 2 } } : undefined);
  }
  await output.finalize();
  return new Blob([output.target.buffer!]);
}

const frame = (value: number) => Uint8ClampedArray.from({ length: 4 * 2 * 4 }, (_, i) => (i % 4 === 3 ? 255 : value + (i % 4)));

async function packetsOf(bytes: Uint8Array): Promise<{ data: number[]; timestamp: number; type: string }[]> {
  const input = new Input({ source: new BlobSource(new Blob([bytes as Uint8Array<ArrayBuffer>])), formats: ALL_FORMATS });
  const packets = [];
  for await (const packet of new EncodedPacketSink((await input.getPrimaryVideoTrack())!).packets()) packets.push({ data: [...packet.data], timestamp: packet.timestamp, type: packet.type });
  input.dispose();
  return packets;
}

describe('extending a video: packets copied, every segment in the metadata, the last frame kept exactly', () => {
  test.each(['mp4', 'webm'] as const)('%s: a video extended twice holds each part\'s packets in order at one frame rate', async (container) => {
    const output = { container, fps: FPS };
    const first = await finishVideo({ file: await encoded(container, 1, 5), provenance: provenance('a fox', 1, 5), frames: 5, output, lastFrame: { rgba: frame(10), width: 4, height: 2 } });
    const seam = { joint: 3, within: 2, startGap: 1 };
    const second = await finishVideo(
      { file: await encoded(container, 2, 4), provenance: provenance('it runs', 2, 5), frames: 4, output, lastFrame: { rgba: frame(20), width: 4, height: 2 } },
      { previous: new Blob([first.bytes as Uint8Array<ArrayBuffer>]), name: 'fox.mp4', seam },
    );
    const third = await finishVideo(
      { file: await encoded(container, 3, 4), provenance: provenance('it hides', 3, 5), frames: 4, output, lastFrame: { rgba: frame(30), width: 4, height: 2 } },
      { previous: new Blob([second.bytes as Uint8Array<ArrayBuffer>]), name: 'fox-2.mp4', seam },
    );
    expect(third.frames).toBe(13);
    const packets = await packetsOf(third.bytes);
    expect(packets.map((packet) => packet.data)).toEqual([...[0, 1, 2, 3, 4].map((i) => [1, i]), ...[0, 1, 2, 3].map((i) => [2, i]), ...[0, 1, 2, 3].map((i) => [3, i])]);
    // WebM keeps timestamps in milliseconds.
    packets.forEach((packet, i) => expect(packet.timestamp).toBeCloseTo(i / FPS, 3));
    expect(packets[5]!.type).toBe('key');

    const source = await readExtendSource(new Blob([third.bytes as Uint8Array<ArrayBuffer>]), 'fox-3.mp4');
    expect(source.lossless).toBe(true);
    expect([...source.lastFrame.data]).toEqual([...frame(30)].filter((_, i) => i % 4 !== 3));
    expect(source.provenance.settings.prompt).toBe('it hides');
    expect(source.provenance.segments!.map((segment) => [segment.settings.prompt, segment.frames, segment.seam ?? null])).toEqual([
      ['a fox', 5, null],
      ['it runs', 4, seam],
      ['it hides', 4, seam],
    ]);
  });

  test('parts encoded differently, or in another container or frame rate, are refused with why', async () => {
    const output = { container: 'mp4' as const, fps: FPS };
    const first = await finishVideo({ file: await encoded('mp4', 1, 3), provenance: provenance('a fox', 1, 5), frames: 3, output, lastFrame: { rgba: frame(10), width: 4, height: 2 } });
    const previous = new Blob([first.bytes as Uint8Array<ArrayBuffer>]);
    const wider = { file: await encoded('mp4', 2, 3, 8), provenance: provenance('a fox', 2, 5), frames: 3, output, lastFrame: { rgba: frame(10), width: 4, height: 2 } };
    const error = await finishVideo(wider, { previous, name: 'fox.mp4', seam: null }).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain('fox.mp4 (vp09.00.10.08, 4x2)');
    const slower = { ...wider, output: { container: 'mp4' as const, fps: 12 } };
    expect(((await finishVideo(slower, { previous, name: 'fox.mp4', seam: null }).catch((caught: Error) => caught)) as Error).message).toContain('at 24 fps');
  });

  test('a damaged list of segments is refused with what is wrong', async () => {
    const good = provenance('a fox', 1, 5);
    const segment = { ...good, frames: 5 };
    for (const [segments, words] of [
      [[segment], '2 to 1000'],
      [[segment, { ...segment, frames: 0 }], "segment 2's frame count"],
      [[segment, { ...segment, seam: { joint: -1, within: 1, startGap: 0 } }], "segment 2's seam"],
      [[segment, { ...segment, settings: { ...good.settings, frames: 6 } }], 'frames'],
    ] as const) {
      const file = await encoded('mp4', 1, 2);
      const tagged = await finishVideo({ file, provenance: { ...good, segments: segments as never }, frames: 2, output: { container: 'mp4', fps: FPS }, lastFrame: { rgba: frame(1), width: 4, height: 2 } });
      const error = await readEmbeddedSettings(new Blob([tagged.bytes as Uint8Array<ArrayBuffer>]), 'fox.mp4').catch((caught: Error) => caught);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).toContain(words);
    }
    expect(metadataTags(good, { container: 'mp4', fps: FPS }).comment).not.toContain('segments');
  });
});

describe('seam measurement', () => {
  test('joint, within and start gap are mean absolute RGB differences (alpha ignored)', () => {
    const meter = new SeamMeter(frame(100));
    for (const value of [90, 104, 110, 113]) meter.add(frame(value));
    expect(meter.result()).toEqual({ startGap: 10, joint: 4, within: (6 + 3) / 2 });
    const short = new SeamMeter(frame(0));
    short.add(frame(1));
    short.add(frame(2));
    expect(short.result()).toBeNull();
  });
});
