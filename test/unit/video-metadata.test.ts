import { BufferTarget, EncodedPacket, EncodedVideoPacketSource, Mp4OutputFormat, Output, WebMOutputFormat } from 'mediabunny';
import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../src/errors.ts';
import type { VideoContainer } from '../../src/video/video-format.ts';
import { metadataTags, readEmbeddedSettings } from '../../src/video/video-metadata.ts';
import type { VideoProvenance } from '../../src/video/video-metadata.ts';

const PROVENANCE: VideoProvenance = {
  settings: { prompt: 'a red fox in fresh snow', negativePrompt: 'blur', width: 64, height: 64, frames: 5, steps: 2, guidance: 5, shift: 5, sampler: 'unipc', seed: 42 },
  model: 'Wan2.2 self-test',
  createdAt: '2026-12-06T02:31:00.000Z',
  hasStartImage: true,
};

/** A muxed file with a few (undecodable) VP9 packets and the given tags: muxing needs no encoder, so this runs in Node. */
async function videoFile(container: VideoContainer, tags: Record<string, unknown> | null, fps = 12): Promise<Blob> {
  const format = container === 'mp4' ? new Mp4OutputFormat() : new WebMOutputFormat();
  const output = new Output({ format, target: new BufferTarget() });
  const source = new EncodedVideoPacketSource('vp9');
  output.addVideoTrack(source, { frameRate: fps });
  if (tags) output.setMetadataTags(tags);
  await output.start();
  for (let i = 0; i < 6; i++) {
    const packet = new EncodedPacket(new Uint8Array([1, 2, 3, i]), i === 0 ? 'key' : 'delta', i / fps, 1 / fps);
    await source.add(packet, i === 0 ? { decoderConfig: { codec: 'vp09.00.10.08', codedWidth: 64, codedHeight: 64 } } : undefined);
  }
  await output.finalize();
  return new Blob([output.target.buffer!]);
}

const failure = (promise: Promise<unknown>) => promise.then(() => null, (error: Error) => error);

describe('settings embedded in a video file: written by the app, read back with Mediabunny', () => {
  test.each(['mp4', 'webm'] as const)('%s: every setting, the frame rate and the container come back', async (container) => {
    const file = await videoFile(container, metadataTags(PROVENANCE, { fps: 30, container }));
    expect(await readEmbeddedSettings(file, 'fox.mp4')).toEqual({ provenance: PROVENANCE, output: { fps: 30, container } });
    const tiny = { ...PROVENANCE, decoder: 'tiny' as const };
    const byTinyDecoder = await videoFile(container, metadataTags(tiny, { fps: 30, container }));
    expect((await readEmbeddedSettings(byTinyDecoder, 'fox.mp4')).provenance).toEqual(tiny);
  });

  test('a file from before the frame rate was embedded takes it and the container from the file', async () => {
    const { comment } = metadataTags(PROVENANCE, { fps: 24, container: 'webm' });
    const older = JSON.stringify({ ...(JSON.parse(comment) as object), output: undefined });
    const file = await videoFile('webm', { comment: older }, 16);
    expect((await readEmbeddedSettings(file, 'old.webm')).output).toEqual({ fps: 16, container: 'webm' });
  });

  test('a video without our settings, or not a video at all, gets a plain message', async () => {
    const plain = await failure(readEmbeddedSettings(await videoFile('mp4', null), 'holiday.mp4'));
    expect(plain).toBeInstanceOf(InvalidInputError);
    expect(plain!.message).toBe('holiday.mp4 has no wan-web settings in it: only videos made by this app (MP4 or WebM, downloaded from it) carry them.');
    const otherApp = await failure(readEmbeddedSettings(await videoFile('mp4', { comment: '{"generator":"other","settings":{}}' }), 'x.mp4'));
    expect(otherApp!.message).toContain('has no wan-web settings');
    const text = await failure(readEmbeddedSettings(new Blob(['not a video at all']), 'notes.mp4'));
    expect(text!.message).toContain('notes.mp4 could not be read as a video');
  });

  test('damaged settings are refused with what is wrong, never half applied', async () => {
    const damaged = async (change: Record<string, unknown>) => {
      const comment = JSON.stringify({ generator: 'wan-web', ...PROVENANCE, output: { fps: 24, container: 'mp4' }, ...change });
      return failure(readEmbeddedSettings(await videoFile('mp4', { comment }), 'fox.mp4'));
    };
    expect((await damaged({ settings: { ...PROVENANCE.settings, frames: 6 } }))!.message).toMatch(/^The settings in fox.mp4 are damaged, so nothing was changed: .*frames/);
    expect((await damaged({ settings: { ...PROVENANCE.settings, seed: '42' } }))!.message).toContain('the seed is missing');
    expect((await damaged({ output: { fps: 0, container: 'mp4' } }))!.message).toContain('frame rate');
    expect((await damaged({ output: { fps: 24, container: 'avi' } }))!.message).toContain('MP4 or WebM');
    expect((await damaged({ output: null }))!.message).toContain('frame rate');
    expect((await damaged({ hasStartImage: 'yes' }))!.message).toContain('incomplete');
    expect((await damaged({ decoder: 'huge' }))!.message).toContain('neither the full VAE nor the tiny one');
    expect((await damaged({ settings: null }))!.message).toContain('settings are missing');
  });
});
