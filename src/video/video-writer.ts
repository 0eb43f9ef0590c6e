import { BufferTarget, Mp4OutputFormat, Output, Quality, VideoSample, VideoSampleSource, WebMOutputFormat, getFirstEncodableVideoCodec } from 'mediabunny';
import type { VideoCodec } from 'mediabunny';
import { UnsupportedEnvironmentError } from '../errors.ts';
import { CODEC_PREFERENCE, MIME_TYPES } from './video-format.ts';
import type { EncodedVideo, VideoOutputOptions } from './video-format.ts';
import { videoBitrate } from './video-bitrate.ts';
import { frameTiming } from './frame-timing.ts';
import { metadataTags } from './video-metadata.ts';
import type { VideoProvenance } from './video-metadata.ts';
import { finishVideo } from './finish-video.ts';
import type { VideoExtension } from './finish-video.ts';

const noEncoder = (container: VideoOutputOptions['container'], width: number, height: number) =>
  new UnsupportedEnvironmentError(
    'no-video-encoder',
    `This browser cannot encode ${container.toUpperCase()} video at ${width}x${height} (tried ${CODEC_PREFERENCE[container].join(', ')}). ` +
      'Try the other container, a smaller size, or a current Chrome or Edge.',
  );

/**
 * Encodes RGBA frames as they arrive (WebCodecs through Mediabunny) into a fast-start MP4
 * or a WebM held in memory compressed; uncompressed frames are released once encoded.
 */
export class VideoWriter {
  private framesAdded = 0;
  /** A copy of the last frame added: the caller may hand the frames' buffers on. */
  private lastFrame: Uint8ClampedArray | null = null;

  private constructor(
    private readonly output: Output<Mp4OutputFormat | WebMOutputFormat, BufferTarget>,
    private readonly source: VideoSampleSource,
    private readonly codec: VideoCodec,
    private readonly width: number,
    private readonly height: number,
    private readonly options: VideoOutputOptions,
    private readonly provenance: VideoProvenance,
  ) {}

  static async create(width: number, height: number, options: VideoOutputOptions, provenance: VideoProvenance): Promise<VideoWriter> {
    const quality = new Quality({ bitrate: videoBitrate(width, height, options.fps) });
    const codec = await getFirstEncodableVideoCodec([...CODEC_PREFERENCE[options.container]], { width, height, quality });
    if (!codec) throw noEncoder(options.container, width, height);
    const format = options.container === 'mp4' ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat();
    const output = new Output({ format, target: new BufferTarget() });
    // One key frame per second of video keeps scrubbing responsive.
    const source = new VideoSampleSource({ codec, quality, keyFrameInterval: 1 });
    output.addVideoTrack(source, { frameRate: options.fps });
    output.setMetadataTags(metadataTags(provenance, options));
    await output.start();
    return new VideoWriter(output, source, codec, width, height, options, provenance);
  }

  /** Encodes frames in order; resolves once the encoder has taken them. */
  async add(frames: readonly Uint8ClampedArray[]): Promise<void> {
    for (const rgba of frames) {
      // A VideoFrame copies the pixels into the browser's frame memory once; a VideoSample made
      // straight from the array would keep another JS copy until the encoder takes it.
      const timing = frameTiming(this.framesAdded, this.options.fps);
      const frame = new VideoFrame(rgba, {
        format: 'RGBA',
        codedWidth: this.width,
        codedHeight: this.height,
        timestamp: timing.timestampUs,
        duration: timing.durationUs,
      });
      const sample = new VideoSample(frame, { timestamp: timing.timestamp, duration: timing.duration });
      try {
        await this.source.add(sample);
      } finally {
        sample.close();
        frame.close();
      }
      this.framesAdded++;
    }
    if (frames.length > 0) this.lastFrame = frames.at(-1)!.slice();
  }

  /**
   * The finished file, with the last frame kept losslessly in its metadata; after the previous
   * video's packets when it `extends` one (see finishVideo).
   */
  async finish(extension?: VideoExtension): Promise<EncodedVideo> {
    await this.output.finalize();
    const buffer = this.output.target.buffer;
    if (!buffer || !this.lastFrame) throw new Error('the video muxer produced no data');
    const finished = await finishVideo(
      {
        file: new Blob([buffer]),
        provenance: this.provenance,
        frames: this.framesAdded,
        output: this.options,
        lastFrame: { rgba: this.lastFrame, width: this.width, height: this.height },
      },
      extension,
    );
    return {
      bytes: finished.bytes,
      mimeType: MIME_TYPES[this.options.container],
      container: this.options.container,
      codec: this.codec,
      width: this.width,
      height: this.height,
      frames: finished.frames,
      fps: this.options.fps,
      provenance: finished.provenance,
    };
  }

  /** Stops encoding and drops what was written. */
  async cancel(): Promise<void> {
    if (this.output.state !== 'canceled' && this.output.state !== 'finalized') await this.output.cancel();
  }
}
