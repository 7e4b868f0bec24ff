import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { LocalUploadStorage, originalKey } from '../src';

describe('LocalUploadStorage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'uploads-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('moves an object to a key in another folder, and reads one byte range of it', async () => {
    const storage = new LocalUploadStorage(dir);
    await storage.put('c/upload.pdf', Buffer.from('%PDF-1.7 body'));
    await storage.move('c/upload.pdf', originalKey('c', 'd1'));
    await expect(storage.read('c/upload.pdf')).rejects.toThrow(/ENOENT/);
    expect((await storage.read(originalKey('c', 'd1'))).toString()).toBe('%PDF-1.7 body');
    expect(await text(storage.openRead(originalKey('c', 'd1'), { start: 0, end: 4 }))).toBe('%PDF-');
  });
});
