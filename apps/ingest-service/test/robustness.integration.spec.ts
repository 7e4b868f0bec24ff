import { DomainError } from '@rag/platform';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LocalPartitioner } from '../src/partition/local.partitioner';

const DIR = resolve(__dirname, '../../../../shared/datasets/pdf-corpus/robustness');

// Poppler's text layer (the default) and pdf.js alone (its fallback) must both end every file cleanly.
describe.each(['poppler', 'pdfjs'] as const)(
  'local partitioner on the robustness corpus (%s text layer)',
  (textLayer) => {
    // One warm parser thread for the whole corpus, as in the service; a file that passes the
    // deadline gets its thread replaced.
    const p = new LocalPartitioner({ timeoutMs: 20_000, countImages: true, workers: 1, textLayer });
    afterAll(() => p.close());

    it('ends every file as parsed or with a clear DOCUMENT_UNREADABLE / UNSUPPORTED_MEDIA_TYPE reason', async () => {
      const files = readdirSync(DIR).filter((f) => f.endsWith('.pdf'));
      expect(files.length).toBeGreaterThanOrEqual(70);
      const outcome = { parsed: 0, failed: 0 };
      for (const f of files) {
        try {
          const r = await p.partition(
            { bytes: readFileSync(join(DIR, f)), sourceType: 'pdf', filename: f },
            () => undefined,
          );
          expect(r.pages).toBeGreaterThan(0);
          expect(r.elements.length).toBeGreaterThan(0);
          outcome.parsed++;
        } catch (err) {
          expect(err).toBeInstanceOf(DomainError);
          expect(['DOCUMENT_UNREADABLE', 'UNSUPPORTED_MEDIA_TYPE']).toContain((err as DomainError).code);
          expect((err as DomainError).message.length).toBeGreaterThan(10);
          outcome.failed++;
        }
      }
      expect(outcome.parsed + outcome.failed).toBe(files.length);
      expect(outcome.parsed).toBeGreaterThan(20);
    }, 180_000);

    it('names the problem for encrypted, empty and non-PDF files', async () => {
      const reason = (f: string) =>
        p
          .partition({ bytes: readFileSync(join(DIR, f)), sourceType: 'pdf', filename: f }, () => undefined)
          .then(
            () => 'parsed',
            (e: Error) => e.message,
          );
      expect(await reason('pdfplumber_password-example.pdf')).toMatch(/encrypted and needs a password/);
      expect(await reason('pdfplumber_empty_0_bytes.pdf')).toMatch(/not a PDF/);
      expect(await reason('camelot_image_only.pdf')).toMatch(/no extractable text/);
    });
  },
);
