import { blobByteSource, httpByteSource } from './byte-source.ts';
import type { BlobLike, ByteSource, HttpByteSourceOptions } from './byte-source.ts';
import type { CheckpointFiles } from './checkpoint-source.ts';
import { SafetensorsError } from '../errors.ts';

/**
 * {@link CheckpointFiles} from files the user picked, keyed by path relative to the checkpoint
 * root (for a picked folder: `webkitRelativePath` without the folder's own name).
 */
export function blobCheckpointFiles(files: ReadonlyMap<string, BlobLike>): CheckpointFiles {
  return {
    open(relPath): ByteSource {
      const blob = files.get(relPath);
      if (blob === undefined) {
        throw new SafetensorsError(`${relPath} is not among the selected files. Select the whole checkpoint folder.`, relPath, undefined, {
          reason: 'not-found',
        });
      }
      return blobByteSource(blob, relPath);
    },
    exists: (relPath) => Promise.resolve(files.has(relPath)),
  };
}

/**
 * {@link CheckpointFiles} served over HTTP under `baseUrl`, e.g.
 * `https://huggingface.co/Wan-AI/Wan2.2-TI2V-5B-Diffusers/resolve/main`.
 */
export function httpCheckpointFiles(baseUrl: string, options: HttpByteSourceOptions = {}): CheckpointFiles {
  const base = baseUrl.replace(/\/+$/, '');
  const sources = new Map<string, ByteSource>();
  return {
    open(relPath) {
      let source = sources.get(relPath);
      if (source === undefined) {
        const path = relPath.split('/').map(encodeURIComponent).join('/');
        source = httpByteSource(`${base}/${path}`, options);
        sources.set(relPath, source);
      }
      return source;
    },
  };
}
