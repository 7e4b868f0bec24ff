import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PdfWorkerPool } from '../src/partition/pdf-worker.pool';

const PDF = resolve(__dirname, '../../../../shared/datasets/real-docs/cdc_prep_medication_guide_patient_brochure.pdf');

/**
 * Commands of the live processes started (directly or not) by this one. A process whose worker
 * thread is gone stays a zombie (nothing runs, no memory) until this process exits: not counted.
 */
function descendants(): string[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,stat=,comm='])
    .toString()
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));
  const mine = new Set([String(process.pid)]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of rows) {
      if (mine.has(ppid) && !mine.has(pid)) {
        mine.add(pid);
        grew = true;
      }
    }
  }
  return rows
    .filter(([pid, , stat]) => pid !== String(process.pid) && mine.has(pid) && !stat.startsWith('Z'))
    .map(([, , , comm]) => comm);
}

describe('the text layer process under the parse deadline', () => {
  const bin = mkdtempSync(join(tmpdir(), 'hung-poppler-'));
  const path = process.env.PATH;
  beforeAll(() => {
    // A poppler that reads the file and then hangs without writing a byte (a pathological PDF).
    writeFileSync(join(bin, 'pdftotext'), '#!/bin/sh\ncat > /dev/null\nexec sleep 60\n');
    chmodSync(join(bin, 'pdftotext'), 0o755);
    process.env.PATH = `${bin}:${path}`;
  });
  afterAll(() => {
    process.env.PATH = path;
    rmSync(bin, { recursive: true, force: true });
  });

  it('is killed with the worker when the pool stops a parse that overran its deadline', async () => {
    // Long enough that the hung poppler is seen running on a loaded machine too (once in CI it was not, with 4 s).
    const pool = new PdfWorkerPool({ size: 1, timeoutMs: 8000, maxHeapMb: 512 });
    const waitFor = async (done: () => boolean) => {
      for (const end = Date.now() + 20_000; !done() && Date.now() < end;) await new Promise((r) => setTimeout(r, 100));
    };
    try {
      const parse = pool.parse(readFileSync(PDF), { countImages: false, textLayer: 'poppler' }, () => undefined);
      const outcome = parse.then(
        () => 'parsed',
        (err: Error) => err.message,
      );
      // The hung poppler is running (the worker thread takes a moment to start)...
      await waitFor(() => descendants().includes('sleep'));
      expect(descendants()).toContain('sleep');
      // ...until the deadline, when the pool terminates the worker: nothing of it may stay behind.
      expect(await outcome).toMatch(/exceeded 8000 ms/);
      await waitFor(() => !descendants().includes('sleep'));
      expect(descendants().filter((c) => c !== 'ps')).toEqual([]);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
