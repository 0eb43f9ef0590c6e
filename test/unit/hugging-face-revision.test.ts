import { describe, expect, test } from 'vitest';
import { DownloadError } from '../../src/errors.ts';
import { pinnedRevision } from '../../src/model/hugging-face-revision.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';

/** Hugging Face's revision API as it answers, recording the URLs asked for. */
function hub(status: number, body: unknown) {
  const asked: string[] = [];
  const fetchFn = (async (url: string) => {
    asked.push(url);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { asked, fetchFn };
}

describe('pinning a Hugging Face revision to a commit', () => {
  test('a commit is kept as it is, with no request', async () => {
    const { asked, fetchFn } = hub(500, {});
    expect(await pinnedRevision('FastVideo/FastWan2.2-TI2V-5B-FullAttn-Diffusers', SHA, fetchFn)).toBe(SHA);
    expect(asked).toEqual([]);
  });

  test('a branch is looked up through the revision API', async () => {
    const { asked, fetchFn } = hub(200, { id: 'FastVideo/FastWan2.2-TI2V-5B-FullAttn-Diffusers', sha: SHA });
    expect(await pinnedRevision('FastVideo/FastWan2.2-TI2V-5B-FullAttn-Diffusers', 'main', fetchFn)).toBe(SHA);
    expect(asked).toEqual(['https://huggingface.co/api/models/FastVideo/FastWan2.2-TI2V-5B-FullAttn-Diffusers/revision/main']);
  });

  test('an unknown repository or an answer without a commit is a clear DownloadError', async () => {
    await expect(pinnedRevision('nobody/nothing', 'main', hub(404, { error: 'Repository not found' }).fetchFn)).rejects.toThrow(
      new DownloadError('Hugging Face answered HTTP 404 for nobody/nothing@main: check that the repository and revision exist and are public.'),
    );
    await expect(pinnedRevision('a/b', 'main', hub(200, { sha: 'main' }).fetchFn)).rejects.toBeInstanceOf(DownloadError);
  });
});
