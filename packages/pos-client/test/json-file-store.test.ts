import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createJsonFileStore } from '../src/json-file-store';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('createJsonFileStore', () => {
  it('keeps values across instances, returns copies and leaves no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pos-store-'));
    dirs.push(dir);
    const path = join(dir, 'nested', 'till.json');
    const first = createJsonFileStore(path);
    expect(await first.get('queue')).toBeUndefined();
    await Promise.all([first.put('queue', [{ opId: 'a' }]), first.put('other', 1)]);
    const read = await first.get<{ opId: string }[]>('queue');
    read!.push({ opId: 'mutated' });
    const second = createJsonFileStore(path);
    expect(await second.get('queue')).toEqual([{ opId: 'a' }]);
    await second.delete('other');
    expect(await createJsonFileStore(path).get('other')).toBeUndefined();
    expect(await readdir(join(dir, 'nested'))).toEqual(['till.json']);
  });
});
