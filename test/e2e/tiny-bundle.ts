import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfTestTinyDecoder } from '../../src/convert-install/self-test-model.ts';
import { runCli } from '../../src/node/cli/run-cli.ts';
import { addTinyDecoderToDir } from '../../src/node/tiny-decoder-dir.ts';
import { readCheckpointConfigs, writeRandomCheckpoint } from '../../src/node/write-random-checkpoint.ts';
import { startStaticServer } from './static-server.ts';
import type { StaticServer } from './static-server.ts';
import { TINY } from '../helpers/golden-cases.ts';


/** A tiny fp32 bundle (random weights with tiny-a's shapes, converted by the CLI) served over HTTP. */
export interface ServedTinyBundle {
  /** The work folder: checkpoint/ and bundle/. */
  readonly dir: string;
  readonly url: string;
  readonly server: StaticServer;
  close(): Promise<void>;
}

export interface TinyBundleOptions {
  readonly seed?: number;
  /**
   * Add the self-test model's random tiny decoder, for tests where the decoder does not matter:
   * on SwiftShader it decodes in a fraction of the full VAE's time, shader compilation included.
   */
  readonly tinyDecoder?: boolean;
}

export async function serveTinyBundle({ seed = 7, tinyDecoder = false }: TinyBundleOptions = {}): Promise<ServedTinyBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'wan-e2e-bundle-'));
  await writeRandomCheckpoint(join(dir, 'checkpoint'), { configs: await readCheckpointConfigs(TINY), seed });
  const code = await runCli(['convert', join(dir, 'checkpoint'), join(dir, 'bundle'), '--weights', 'fp32', '--activations', 'fp32']);
  if (code !== 0) throw new Error(`wan-web convert exited with ${code}`);
  if (tinyDecoder) {
    const { weights, source, config } = selfTestTinyDecoder();
    await addTinyDecoderToDir(join(dir, 'bundle'), weights, source, config);
  }
  const server = await startStaticServer(dir);
  return {
    dir,
    url: `${server.url}bundle/`,
    server,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
