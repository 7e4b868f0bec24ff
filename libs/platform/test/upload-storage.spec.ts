import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { isOriginalKey, LocalUploadStorage, originalKey } from '../src';

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

  it("lists one folder's objects alone when asked for a prefix", async () => {
    const storage = new LocalUploadStorage(dir);
    await storage.put(originalKey('c2', 'e1'), Buffer.from('a'));
    await storage.put('c2/upload.pdf', Buffer.from('b'));
    expect((await storage.list(originalKey('c2', ''))).map((o) => o.key)).toEqual([originalKey('c2', 'e1')]);
    expect((await storage.list()).map((o) => o.key)).toEqual(
      expect.arrayContaining([originalKey('c2', 'e1'), 'c2/upload.pdf']),
    );
    expect(await storage.list('missing/')).toEqual([]);
  });

  it('tells an original by its whole key, not by a collection named "originals"', () => {
    expect(isOriginalKey(originalKey('c', 'a'.repeat(32)))).toBe(true);
    expect(isOriginalKey('originals/0f6d1e2c-upload.pdf')).toBe(false);
    expect(isOriginalKey('originals/0f6d1e2c-upload.pdf.manifest.json')).toBe(false);
  });
});
