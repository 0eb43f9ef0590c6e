import { existsSync, statSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { nodeCheckpointFiles } from '../file-source.ts';
import type { NodeCheckpointFiles } from '../file-source.ts';
import type { ComponentKind } from '../../convert/source-layout/component-signatures.ts';
import type { ComponentPick } from '../../convert/source-layout/open-component-files.ts';
import type { JsonObject } from '../../convert/random-checkpoint/index.ts';
import { InvalidInputError } from '../../errors.ts';

/** Whether a local folder is a diffusers checkpoint (else its files are read as single component files). */
export function isDiffusersFolder(path: string): boolean {
  return statSync(path).isDirectory() && (existsSync(join(path, 'model_index.json')) || existsSync(join(path, 'transformer', 'config.json')));
}

/** Component files from a folder (every file under it) or from files given one by one. */
export async function nodeComponentFiles(sources: readonly string[]): Promise<{ files: NodeCheckpointFiles; paths: string[] }> {
  if (sources.length === 1 && statSync(sources[0]!).isDirectory()) {
    const root = resolve(sources[0]!);
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    const paths = entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)).split('\\').join('/'));
    return { files: nodeCheckpointFiles(root), paths };
  }
  for (const source of sources) if (!existsSync(source)) throw new InvalidInputError(`${source} does not exist.`);
  return { files: nodeCheckpointFiles(''), paths: sources.map((source) => resolve(source)) };
}

/** `--config <dir>`: the config.json files of a diffusers checkpoint folder (transformer/, vae/, text_encoder/), any of them. */
export async function readConfigDir(dir: string): Promise<Partial<Record<ComponentKind, JsonObject>>> {
  const folders: Record<ComponentKind, string> = { transformer: 'transformer', vae: 'vae', textEncoder: 'text_encoder' };
  const configs: Partial<Record<ComponentKind, JsonObject>> = {};
  for (const [kind, folder] of Object.entries(folders) as [ComponentKind, string][]) {
    const path = join(dir, folder, 'config.json');
    if (existsSync(path)) configs[kind] = JSON.parse(await readFile(path, 'utf8')) as JsonObject;
  }
  if (Object.keys(configs).length === 0) throw new InvalidInputError(`--config ${dir} has none of transformer/config.json, vae/config.json, text_encoder/config.json.`);
  return configs;
}

/** One line per component: which file was taken, in which layout and precision. */
export function describePicks(picks: Readonly<Record<ComponentKind, ComponentPick>>): string {
  const labels: Record<ComponentKind, string> = { transformer: 'diffusion model', textEncoder: 'text encoder', vae: 'VAE' };
  return (Object.keys(labels) as ComponentKind[]).map((kind) => `  ${labels[kind]}: ${picks[kind].path} (${picks[kind].naming}, ${picks[kind].dtype}; ${picks[kind].model})`).join('\n');
}
