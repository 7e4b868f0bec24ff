import { DomainError, LocalUploadStorage } from '@rag/platform';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { checkMagic, sanitizeFilename, UploadService } from './upload.service';

describe('upload checks', () => {
  it('strips directories and control characters from filenames', () => {
    expect(sanitizeFilename('../../etc/passwd.pdf')).toBe('passwd.pdf');
    expect(sanitizeFilename('C:\\Users\\x\\report.pdf')).toBe('report.pdf');
    expect(sanitizeFilename('a\u0000b\u001f.txt')).toBe('ab.txt');
    expect(sanitizeFilename('..')).toBe('upload');
  });

  it('checks magic bytes against the claimed type', () => {
    expect(checkMagic('pdf', Buffer.from('%PDF-1.7 ...'), 10)).toBeNull();
    expect(checkMagic('pdf', Buffer.from('hello'), 5)).toMatch(/not a PDF/);
    expect(checkMagic('txt', Buffer.from([0x61, 0x00, 0x62]), 3)).toMatch(/binary/);
    expect(checkMagic('html', Buffer.from('  <html>'), 8)).toBeNull();
    expect(checkMagic('txt', Buffer.alloc(0), 0)).toMatch(/empty/);
  });
});

describe('UploadService', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rag-upload-spec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A multipart request as Express hands it over: a readable body with headers. */
  function multipart(files: Array<{ name: string; data: string }>) {
    const boundary = 'spec-boundary';
    const body = Buffer.concat([
      ...files.map((f) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: text/plain\r\n\r\n${f.data}\r\n`)),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
    const headers = { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length) };
    const req = Object.assign(new PassThrough(), { headers, header: (name: string) => headers[name.toLowerCase() as keyof typeof headers] });
    req.end(body);
    return req as never;
  }

  it('keeps the files whose tasks were queued when another file of the upload cannot be submitted', async () => {
    const storage = new LocalUploadStorage(dir);
    const submitted: string[] = [];
    const bus = {
      request: async (_m: unknown, body: { filename: string; storageKey: string }) => {
        if (body.filename === 'b.txt') throw new DomainError('SERVICE_UNAVAILABLE', 'ingest-service did not answer');
        submitted.push(body.storageKey);
        return { taskId: `task-${body.filename}`, state: 'PENDING' };
      },
    };
    const service = new UploadService(storage, { maxUploadBytes: 1 << 20, maxFilesPerUpload: 10 } as never, bus as never);
    await expect(service.upload('c1', multipart([{ name: 'a.txt', data: 'first file' }, { name: 'b.txt', data: 'second file' }]))).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
    // a.txt has a task: its bytes stay for the ingest worker; b.txt has none: its bytes are gone.
    expect(submitted).toHaveLength(1);
    expect(readdirSync(join(dir, 'c1')).map((f) => `c1/${f}`)).toEqual(submitted);
  });

  it('returns one task per file when all are submitted', async () => {
    const storage = new LocalUploadStorage(dir);
    const bus = { request: async (_m: unknown, body: { filename: string }) => ({ taskId: `task-${body.filename}`, state: 'PENDING' }) };
    const service = new UploadService(storage, { maxUploadBytes: 1 << 20, maxFilesPerUpload: 10 } as never, bus as never);
    const out = await service.upload('c2', multipart([{ name: 'a.txt', data: 'one' }, { name: 'b.md', data: '# two' }]));
    expect(out.map((f) => f.taskId).sort()).toEqual(['task-a.txt', 'task-b.md']);
    expect(out.find((f) => f.filename === 'b.md')?.sizeBytes).toBe(5);
  });
});
