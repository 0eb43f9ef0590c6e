import { join } from 'node:path';
import { readCaseFile } from '../../src/node/cli/tensor-files.ts';
import type { CaseFile } from '../../src/node/cli/tensor-files.ts';

/** The tiny random checkpoints and the official outputs on them (test/fixtures/tiny-a/README.md). */
export const TINY = join(import.meta.dirname, '../fixtures/tiny-a');

/** test/fixtures/tiny-a/cases/<name>.safetensors */
export const goldenCasePath = (name: string): string => join(TINY, 'cases', `${name}.safetensors`);

/** The golden case files a test file reads, each opened once; close them all in afterAll. */
export class GoldenCases {
  private readonly files = new Map<string, Promise<CaseFile>>();

  read(name: string): Promise<CaseFile> {
    let file = this.files.get(name);
    if (!file) this.files.set(name, (file = readCaseFile(goldenCasePath(name))));
    return file;
  }

  async close(): Promise<void> {
    const files = [...this.files.values()];
    this.files.clear();
    await Promise.all(files.map(async (file) => (await file).close()));
  }
}
