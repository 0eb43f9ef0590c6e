/**
 * `npm run gpu-kit [-- --out DIR]`: writes a folder (at most 60 MiB) that runs the GPU benchmark
 * on a bare x86-64 Linux machine with a GPU driver and no network: run.sh, and payload.tar.xz
 * holding this Node binary, our CLI and bench/gpu.ts bundled by esbuild,
 * onnxruntime-node's native library (with its WebGPU EP) and Debian's Vulkan loader.
 */
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BINDING_FILE, bundleNodeScript } from './bundle-cli.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const MAX_KIT_BYTES = 60 * 1024 * 1024;
const ORT_NATIVE = join(ROOT, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64');

const README = `wan-web GPU kit
===============
Copy this folder to an x86-64 Linux machine with a GPU and its driver (no network, no Node
needed) and run ./run.sh. It unpacks a Node runtime, the wan-web CLI and onnxruntime-node with
its WebGPU EP (and a Vulkan loader if the machine has none), writes a random full-size bundle
(~10 GB in ./work, or $WORK), runs the GPU benchmark and prints a Markdown table, also written
to table.md. ./run.sh --small runs toy sizes (software Vulkan such as SwiftShader).
`;

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = values.out ?? join(ROOT, '.cache', 'gpu-kit');
if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('The kit carries this machine\'s Node binary: build it on x86-64 Linux.');

const stage = await mkdtemp(join(tmpdir(), 'wan-gpu-kit-'));
try {
  const lib = join(stage, 'lib');
  await mkdir(lib, { recursive: true });
  console.log('bundling the CLI with esbuild …');
  await bundleNodeScript(join(ROOT, 'bin', 'wan-web.ts'), join(lib, 'wan-web.mjs'));
  await bundleNodeScript(join(ROOT, 'bench', 'gpu.ts'), join(lib, 'bench-gpu.mjs'));
  for (const file of [BINDING_FILE, 'libonnxruntime.so.1']) await copyFile(join(ORT_NATIVE, file), join(lib, file));
  // The official Node build (glibc ≥ 2.28, no shared libraries beyond libstdc++): one file, no packages.
  await copyFile(process.execPath, join(stage, 'node'));
  await chmod(join(stage, 'node'), 0o755);
  await fetchVulkanLoader(join(stage, 'vulkan'));

  console.log('compressing (xz) …');
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  execFileSync('sh', ['-c', 'tar -C "$1" -cf - . | xz -T0 -9 > "$2"', 'sh', stage, join(out, 'payload.tar.xz')], { stdio: 'inherit' });
  await copyFile(join(ROOT, 'scripts', 'gpu-kit', 'run.sh'), join(out, 'run.sh'));
  await chmod(join(out, 'run.sh'), 0o755);
  await writeFile(join(out, 'README.txt'), README);
  let total = 0;
  for (const file of await readdir(out)) total += (await stat(join(out, file))).size;
  console.log(`wrote ${out}: ${(total / 2 ** 20).toFixed(1)} MiB`);
  if (total > MAX_KIT_BYTES) throw new Error(`The kit is ${(total / 2 ** 20).toFixed(1)} MiB, over its 60 MiB limit.`);
} finally {
  await rm(stage, { recursive: true, force: true });
}

/** Debian's libvulkan1 (the Khronos loader), fetched with apt-get download and unpacked to its .so files. */
async function fetchVulkanLoader(dir: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'wan-vulkan-'));
  try {
    execFileSync('apt-get', ['download', 'libvulkan1'], { cwd: work, stdio: 'inherit' });
    const deb = (await readdir(work)).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error('apt-get download libvulkan1 wrote no .deb file.');
    execFileSync('dpkg-deb', ['-x', deb, 'root'], { cwd: work });
    const from = join(work, 'root', 'usr', 'lib', 'x86_64-linux-gnu');
    await mkdir(dir, { recursive: true });
    // Links become copies: the loader is small and tar keeps no surprises that way.
    for (const file of (await readdir(from)).filter((f) => f.startsWith('libvulkan.so.1'))) await copyFile(join(from, file), join(dir, file));
    console.log(`Vulkan loader from ${deb}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
