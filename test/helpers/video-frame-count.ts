import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { ALL_FORMATS, BlobSource, EncodedPacketSink, Input } from 'mediabunny';

/** Frames in a video file: ffprobe's count where it is installed, else the packets Mediabunny reads. */
export async function videoFrameCount(path: string): Promise<number> {
  const probe = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', path], { encoding: 'utf8' });
  if (probe.status === 0) return Number(probe.stdout.trim());
  const input = new Input({ source: new BlobSource(new Blob([await readFile(path)])), formats: ALL_FORMATS });
  let packets = 0;
  for await (const _ of new EncodedPacketSink((await input.getPrimaryVideoTrack())!).packets(undefined, undefined, { metadataOnly: true })) packets++;
  input.dispose();
  return packets;
}
