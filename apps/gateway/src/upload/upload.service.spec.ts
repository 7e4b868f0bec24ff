import { DomainError, LocalUploadStorage } from '@rag/platform';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
    expect(checkMagic('docx', Buffer.from('PK\u0003\u0004rest', 'latin1'), 8)).toBeNull();
    expect(checkMagic('docx', Buffer.from('{\\rtf1 a renamed RTF'), 20)).toMatch(/not a Word document/);
  });
});

describe('UploadService', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rag-upload-spec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A multipart request as Express hands it over: a readable body with headers. */
  function multipart(files: Array<{ name: string; data: string }>) {
    const boundary = 'spec-boundary';
    const body = Buffer.concat([
      ...files.map((f) =>
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: text/plain\r\n\r\n${f.data}\r\n`,
        ),
      ),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
    const headers = {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(body.length),
    };
    const req = Object.assign(new PassThrough(), {
      headers,
      header: (name: string) => headers[name.toLowerCase() as keyof typeof headers],
    });
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
    const service = new UploadService(
      storage,
      { maxUploadBytes: 1 << 20, maxFilesPerUpload: 10 } as never,
      bus as never,
    );
    await expect(
      service.upload(
        'c1',
        multipart([
          { name: 'a.txt', data: 'first file' },
          { name: 'b.txt', data: 'second file' },
        ]),
      ),
    ).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
    // a.txt has a task: its bytes stay for the ingest worker; b.txt has none: its bytes are gone.
    expect(submitted).toHaveLength(1);
    expect(readdirSync(join(dir, 'c1')).map((f) => `c1/${f}`)).toEqual(submitted);
  });

  /** A raw multipart body, possibly broken. */
  function rawRequest(body: Buffer, boundary = 'spec-boundary') {
    const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
    const req = Object.assign(new PassThrough(), {
      headers,
      header: (name: string) => headers[name.toLowerCase() as keyof typeof headers],
    });
    req.end(body);
    return req as never;
  }
  const okBus = {
    request: async (_m: unknown, body: { filename: string }) => ({ taskId: `task-${body.filename}`, state: 'PENDING' }),
  };
  const part = (filename: string, data: string) =>
    `--spec-boundary\r\nContent-Disposition: form-data; name="files"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n${data}`;

  it('answers broken multipart bodies with a 400 reason, never a crash or a hang, and keeps no bytes', async () => {
    const service = new UploadService(
      new LocalUploadStorage(dir),
      { maxUploadBytes: 1 << 20, maxFilesPerUpload: 10 } as never,
      okBus as never,
    );
    const bodies = [
      part('a.txt', 'truncated in the middle of the fi'), // no closing boundary
      `--spec-boundary\r\nContent-Disposition: form-data; name="files"; filename="a\u0001b.txt"\r\n\r\nx\r\n--spec-boundary--\r\n`,
      `--spec-boundary\r\nContent-Disposition: form-data; name="files"; filename="a\u0000b.txt"\r\n\r\nx\r\n--spec-boundary--\r\n`,
      `--spec-boundary\r\n\u0001\u0002 not a header\r\n\r\nx\r\n--spec-boundary--\r\n`,
      `--spec-boundary\r\nContent-Disposition: form-data; name="files"; filename="x.txt"\r\n`,
      `garbage without any boundary at all`,
    ];
    for (const [i, body] of bodies.entries()) {
      const outcome = await Promise.race([
        service.upload(`broken${i}`, rawRequest(Buffer.from(body, 'latin1'))).then(
          () => 'accepted',
          (e: DomainError) => e.code,
        ),
        new Promise((r) => setTimeout(() => r('hang'), 3000)),
      ]);
      expect([i, outcome]).toEqual([i, expect.stringMatching(/^(VALIDATION_FAILED)$/)]);
    }
    for (const i of bodies.keys())
      expect(existsSync(join(dir, `broken${i}`)) ? readdirSync(join(dir, `broken${i}`)) : []).toEqual([]);
  });

  it('keeps UTF-8 filenames intact', async () => {
    const service = new UploadService(
      new LocalUploadStorage(dir),
      { maxUploadBytes: 1 << 20, maxFilesPerUpload: 10 } as never,
      okBus as never,
    );
    const name = 'ünï©ødé—名前.txt';
    const out = await service.upload(
      'utf8',
      rawRequest(Buffer.from(`${part(name, 'text')}\r\n--spec-boundary--\r\n`, 'utf8')),
    );
    expect(out.files.map((f) => f.filename)).toEqual([name]);
  });

  it('returns one task per file when all are submitted', async () => {
    const storage = new LocalUploadStorage(dir);
    const bus = {
      request: async (_m: unknown, body: { filename: string }) => ({
        taskId: `task-${body.filename}`,
        state: 'PENDING',
      }),
    };
    const service = new UploadService(
      storage,
      { maxUploadBytes: 1 << 20, maxFilesPerUpload: 10 } as never,
      bus as never,
    );
    const out = await service.upload(
      'c2',
      multipart([
        { name: 'a.txt', data: 'one' },
        { name: 'b.md', data: '# two' },
      ]),
    );
    expect(out.files.map((f) => [f.index, f.taskId])).toEqual([
      [0, 'task-a.txt'],
      [1, 'task-b.md'],
    ]);
    expect(out.files.find((f) => f.filename === 'b.md')?.sizeBytes).toBe(5);
    expect(out.rejected).toEqual([]);
  });

  it('accepts or rejects each file on its own, in the order sent, keeping no bytes of the rejected ones', async () => {
    const storage = new LocalUploadStorage(dir);
    const service = new UploadService(storage, { maxUploadBytes: 64, maxFilesPerUpload: 10 } as never, okBus as never);
    const out = await service.upload(
      'mixed',
      multipart([
        { name: 'notes.pptx', data: 'PK slides' },
        { name: 'a.txt', data: 'a plain text file' },
        { name: 'fake.pdf', data: 'text, not a PDF' },
        { name: 'big.txt', data: 'x'.repeat(100) },
        { name: 'b.md', data: '# fine' },
      ]),
    );
    expect(out.files.map((f) => [f.index, f.filename])).toEqual([
      [1, 'a.txt'],
      [4, 'b.md'],
    ]);
    expect(out.rejected.map((r) => [r.index, r.filename, r.code])).toEqual([
      [0, 'notes.pptx', 'UNSUPPORTED_MEDIA_TYPE'],
      [2, 'fake.pdf', 'UNSUPPORTED_MEDIA_TYPE'],
      [3, 'big.txt', 'PAYLOAD_TOO_LARGE'],
    ]);
    expect(readdirSync(join(dir, 'mixed'))).toHaveLength(2);
  });

  it('answers with the reason (and every rejected file) when no file is accepted', async () => {
    const service = new UploadService(
      new LocalUploadStorage(dir),
      { maxUploadBytes: 1 << 20, maxFilesPerUpload: 10 } as never,
      okBus as never,
    );
    await expect(
      service.upload(
        'none',
        multipart([
          { name: 'a.pptx', data: 'PK' },
          { name: 'b.exe', data: 'MZ' },
        ]),
      ),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      details: {
        rejected: [
          expect.objectContaining({ index: 0, filename: 'a.pptx' }),
          expect.objectContaining({ index: 1, filename: 'b.exe' }),
        ],
      },
    });
  });
});
