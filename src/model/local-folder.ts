import { MANIFEST_FILE } from '../bundle/manifest.ts';
import { ModelNotInstalledError } from '../errors.ts';

/** Files the user picked, by path relative to the picked folder (its own name removed). */
export type LocalFiles = ReadonlyMap<string, Blob>;

/**
 * What a picked folder holds: a bundle made by `wan-web convert`, a diffusers checkpoint, or
 * single component files (a ComfyUI models folder, its three files or a GGUF diffusion model with the
 * other two, Wan's original layout).
 */
export function localFolderKind(files: LocalFiles): 'bundle' | 'checkpoint' | 'component-files' {
  if (files.has(MANIFEST_FILE)) return 'bundle';
  if (files.has('model_index.json') || files.has('transformer/config.json')) return 'checkpoint';
  if ([...files.keys()].some((path) => path.endsWith('.safetensors') || path.toLowerCase().endsWith('.gguf'))) return 'component-files';
  throw new ModelNotInstalledError(
    'The chosen folder holds neither a wan-web bundle (manifest.json), nor a diffusers checkpoint (model_index.json, transformer/, vae/, text_encoder/), nor safetensors or GGUF files (a ComfyUI models folder). Choose the folder itself, not a file in it.',
  );
}

/** The base URL under which {@link localFilesFetch} serves a picked folder. */
export const LOCAL_FOLDER_URL = 'https://local-folder.invalid/';

/**
 * A `fetch` over picked files, with Range support, so a local bundle installs through the
 * same resumable, verified path as one on a web host.
 */
export function localFilesFetch(files: LocalFiles): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const path = decodeURIComponent(url.pathname.replace(/^\//, ''));
    const file = url.origin === new URL(LOCAL_FOLDER_URL).origin ? files.get(path) : undefined;
    if (!file) return new Response(null, { status: 404, statusText: `${path} is not in the chosen folder` });
    const range = /^bytes=(\d+)-$/.exec(new Headers(init?.headers).get('Range') ?? '');
    if (!range) return new Response(file, { status: 200, headers: { 'Content-Length': String(file.size) } });
    const start = Number(range[1]);
    return new Response(file.slice(start), { status: 206, headers: { 'Content-Range': `bytes ${start}-${file.size - 1}/${file.size}` } });
  };
}
