import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseBatchArgs } from '../../src/node/cli/batch-command.ts';
import type { BatchArgs } from '../../src/node/cli/batch-command.ts';

// The deployment samples in deploy/ run commands that the CLI must accept, with one shard per
// task and N equal to the number of tasks: checked here with the CLI's own argument parser.
const ROOT = resolve(import.meta.dirname, '../..');
const work = await mkdtemp(join(tmpdir(), 'wan-batch-deploy-'));
afterAll(() => rm(work, { recursive: true, force: true }));

interface Container {
  args: string[];
  env?: { name: string; valueFrom?: { fieldRef?: { fieldPath?: string } } }[];
  resources: { limits: Record<string, string | number> };
  volumeMounts: { name: string; mountPath: string }[];
}
interface JobManifest {
  kind: 'Job';
  spec: {
    completionMode: string;
    completions: number;
    parallelism: number;
    template: { spec: { containers: Container[]; volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[] } };
  };
}

function expectRunnable(parsed: BatchArgs, index: number, count: number): Extract<BatchArgs, { usage: false }> {
  if (parsed.usage) throw new Error('the command would only print the usage');
  expect(parsed.shard).toEqual({ index, count });
  return parsed;
}

describe('deploy/', () => {
  test('the Kubernetes Indexed Job: pod i runs shard i/N on a GPU, N = completions, files on the shared volume', async () => {
    const documents = parseAllDocuments(await readFile(join(ROOT, 'deploy/kubernetes/wan-web-batch.yaml'), 'utf8'));
    for (const document of documents) expect(document.errors).toEqual([]);
    const objects = documents.map((document) => document.toJS() as { kind: string; metadata: { name: string }; spec: Record<string, unknown> });
    const job = objects.find((object) => object.kind === 'Job') as unknown as JobManifest;
    const { completionMode, completions, parallelism, template } = job.spec;
    expect(completionMode).toBe('Indexed');
    expect(parallelism).toBeLessThanOrEqual(completions);
    const [container] = template.spec.containers;
    expect(Number(container!.resources.limits['nvidia.com/gpu'])).toBeGreaterThanOrEqual(1);
    expect(container!.env?.find((variable) => variable.name === 'JOB_COMPLETION_INDEX')?.valueFrom?.fieldRef?.fieldPath).toBe(
      "metadata.annotations['batch.kubernetes.io/job-completion-index']",
    );
    // The image's entry point is the CLI, so args are the CLI's arguments.
    expect(await readFile(join(ROOT, 'deploy/Dockerfile'), 'utf8')).toMatch(/^ENTRYPOINT \["wan-web"\]$/m);
    const [command, ...args] = container!.args;
    expect(command).toBe('batch');
    for (let index = 0; index < completions; index++) {
      // Kubernetes expands $(NAME) in args from the container's environment.
      const expanded = args.map((arg) => arg.replaceAll('$(JOB_COMPLETION_INDEX)', String(index)));
      const parsed = expectRunnable(parseBatchArgs(expanded), index, completions);
      const mount = container!.volumeMounts.find((candidate) => parsed.out.startsWith(`${candidate.mountPath}/`));
      for (const path of [parsed.jobsFile, parsed.bundle]) expect(path.startsWith(`${mount!.mountPath}/`)).toBe(true);
      const claim = template.spec.volumes.find((volume) => volume.name === mount!.name)?.persistentVolumeClaim?.claimName;
      const pvc = objects.find((object) => object.kind === 'PersistentVolumeClaim' && object.metadata.name === claim);
      expect(pvc?.spec['accessModes']).toEqual(['ReadWriteMany']);
    }
  });

  test('the Slurm array script: task i runs shard i/N on a GPU, N = the array size', async () => {
    const script = join(ROOT, 'deploy/slurm/wan-web-batch.sbatch');
    const text = await readFile(script, 'utf8');
    expect(text).toMatch(/^#SBATCH --gres=gpu:1$/m);
    const [, first, last] = /^#SBATCH --array=(\d+)-(\d+)/m.exec(text) ?? [];
    expect(first).toBe('0');
    const count = Number(last) - Number(first) + 1;
    // bash runs the script as Slurm would, with a stand-in for the CLI that writes down its arguments.
    const recorder = join(work, 'record-args');
    await writeFile(recorder, `#!/bin/sh\nprintf '%s\\0' "$@" > "$RECORD"\n`);
    await chmod(recorder, 0o755);
    for (let index = 0; index < count; index++) {
      const record = join(work, `args-${index}`);
      const env = { PATH: process.env['PATH'] ?? '', HOME: work, RECORD: record, WAN_WEB: recorder, SLURM_SUBMIT_DIR: ROOT, SLURM_ARRAY_TASK_ID: String(index), SLURM_ARRAY_TASK_COUNT: String(count) };
      const run = spawnSync('bash', [script], { env, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const [command, ...args] = (await readFile(record, 'utf8')).split('\0').slice(0, -1);
      expect(command).toBe('batch');
      const parsed = expectRunnable(parseBatchArgs(args), index, count);
      expect(parsed.out).toBe(join(work, 'wan-web-data/out'));
    }
    // Without WAN_WEB the script runs the launcher in the checkout sbatch was called from.
    expect(text).toContain('${WAN_WEB:-$SLURM_SUBMIT_DIR/deploy/wan-web}');
  });

  test('deploy/wan-web runs the CLI from any folder', () => {
    const launcher = join(ROOT, 'deploy/wan-web');
    accessSync(launcher, constants.X_OK);
    // The malloc setting in the environment spares the CLI's relaunch of itself (low-fragmentation-malloc.ts).
    const run = spawnSync(launcher, ['batch', '--help'], { cwd: work, encoding: 'utf8', env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '131072' } });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^wan-web batch <jobs\.jsonl> --bundle <dir> --out <dir> \[--shard i\/n\]/);
  });
});
