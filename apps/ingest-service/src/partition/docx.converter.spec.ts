import JSZip from 'jszip';
import { LocalPartitioner } from './local.partitioner';

/** A minimal Word document: a heading, a paragraph and a two-row table (what WordprocessingML needs, no more). */
async function minimalDocx(): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  const p = (text: string, style?: string) =>
    `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}<w:r><w:t>${text}</w:t></w:r></w:p>`;
  const cell = (text: string) => `<w:tc>${p(text)}</w:tc>`;
  zip.file(
    'word/document.xml',
    `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${p('Dosing in renal impairment', 'Heading1')}${p('Reduce the dose when the eGFR is below 30 mL/min.')}<w:tbl><w:tr>${cell('eGFR')}${cell('Dose')}</w:tr><w:tr>${cell('15-29')}${cell('250 mg daily')}</w:tr></w:tbl></w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'nodebuffer' });
}

describe('Word documents (.docx) through the local partitioner', () => {
  const partitioner = new LocalPartitioner({ timeoutMs: 10_000, countImages: false, workers: 1 });
  afterAll(() => partitioner.close());

  it('keeps the heading, the prose and the table with its cells', async () => {
    const r = await partitioner.partition(
      { bytes: await minimalDocx(), sourceType: 'docx', filename: 'renal.docx' },
      () => undefined,
    );
    const text = r.elements.map((e) => e.text).join('\n');
    expect(text).toContain('Dosing in renal impairment');
    expect(text).toContain('Reduce the dose when the eGFR is below 30 mL/min.');
    const table = r.elements.find((e) => e.kind === 'table');
    expect(table?.text).toMatch(/15-29[\s\S]*250 mg daily/);
  });

  it('fails a file that is not a Word document with a clear reason', async () => {
    await expect(
      partitioner.partition(
        { bytes: Buffer.from('PK\u0003\u0004 broken zip'), sourceType: 'docx', filename: 'x.docx' },
        () => undefined,
      ),
    ).rejects.toMatchObject({
      code: 'DOCUMENT_UNREADABLE',
    });
  });
});
