import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchResults } from './report';
import { runBench } from './run-bench';

/** The reduced benchmark: small sizes, every stage against the real services. Checks the harness, not timings. */
describe('benchmark harness (quick variant)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rag-bench-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every stage and writes the JSON and Markdown results', async () => {
    const results = await runBench({
      quick: true,
      jsonPath: join(dir, 'latest.json'),
      mdPath: join(dir, 'RESULTS.md'),
      log: () => undefined,
    });
    const written = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as BenchResults;
    expect(written.figures.length).toBe(results.figures.length);
    expect(written.machine.cores).toBeGreaterThan(0);
    expect(written.commit).toMatch(/^(?:[0-9a-f]{7,}(?:-dirty)?|unknown)$/);
    const sections = new Set(written.figures.map((f) => f.section));
    expect([...sections]).toEqual(
      expect.arrayContaining([
        'Ingest',
        'Retrieval quality',
        'Search at 3,000 chunks',
        'Table extraction',
        'Robustness',
        'OCR (real-docs scans)',
      ]),
    );
    // A number, or said not measured and why (a hosted service this machine cannot reach).
    for (const f of written.figures)
      expect(Number.isFinite(f.value) || (f.value === null && /^not measured: /.test(f.note ?? ''))).toBe(true);
    // Correctness figures that must hold at any size.
    const value = (name: RegExp) => written.figures.find((f) => name.test(f.name))!.value!;
    expect(value(/^hybrid: Recall@5/)).toBeGreaterThan(80);
    expect(value(/hung \(not finished/)).toBe(0);
    expect(value(/chat SSE streams ending in error/)).toBe(0);
    // The one scan of the quick run is read, not lost: its error rate is far from 100%.
    expect(value(/^character error rate, upright pages/)).toBeLessThan(30);
    const loads = written.figures.filter((f) => /non-2xx responses/.test(f.name));
    expect(loads).toHaveLength(3); // search cache off (memory search, then LanceDB alone), then on
    for (const f of loads) expect(f.value).toBe(0);
    const md = readFileSync(join(dir, 'RESULTS.md'), 'utf8');
    expect(md).toContain('| figure | value | floor | meets |');
    expect(md).toContain(written.commit);
  }, 600_000);
});
