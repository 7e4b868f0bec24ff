import { createServer, IncomingMessage, Server } from 'node:http';
import { OpenAiAdapter } from '@rag/ai';
import { ImageDescriber } from './image-describer';
import { UnstructuredPartitioner } from './unstructured.partitioner';

/** A local server speaking the Unstructured API wire format (multipart in, element list out) and OpenAI chat for vision. */
describe('UnstructuredPartitioner against a local Unstructured API', () => {
  let server: Server;
  let url: string;
  let lastForm = '';
  let lastKey: string | undefined;
  let status = 200;

  const elements = [
    { type: 'Title', element_id: '1', text: 'Dosing guide', metadata: { page_number: 1, filename: 'g.pdf' } },
    { type: 'NarrativeText', element_id: '2', text: 'Give 5 mg daily.', metadata: { page_number: 1 } },
    {
      type: 'Table',
      element_id: '3',
      text: 'Drug Dose A 5',
      metadata: {
        page_number: 2,
        text_as_html: '<table><tr><th>Drug</th><th>Dose</th></tr><tr><td>A</td><td>5</td></tr></table>',
      },
    },
    {
      type: 'Image',
      element_id: '4',
      text: 'Figure 1',
      metadata: { page_number: 3, image_base64: 'aGVsbG8=', image_mime_type: 'image/png' },
    },
    { type: 'Footer', element_id: '5', text: 'page 3', metadata: { page_number: 3 } },
  ];

  const read = (req: IncomingMessage) =>
    new Promise<string>((ok) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('latin1')));
      req.on('end', () => ok(raw));
    });

  beforeAll(async () => {
    server = createServer((req, res) => {
      void read(req).then((raw) => {
        if (req.url === '/general/v0/general') {
          lastForm = raw;
          lastKey = req.headers['unstructured-api-key'] as string | undefined;
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(status === 200 ? elements : { detail: 'File type not supported' }));
          return;
        }
        // OpenAI-compatible chat completion (vision).
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'c',
            object: 'chat.completion',
            created: 0,
            model: 'vision',
            choices: [
              { index: 0, message: { role: 'assistant', content: 'A bar chart of doses.' }, finish_reason: 'stop' },
            ],
          }),
        );
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  const input = { bytes: Buffer.from('%PDF-1.4 fake'), sourceType: 'pdf' as const, filename: 'g.pdf' };

  it('sends hi_res with table structure and maps elements (tables as HTML, images counted as skipped)', async () => {
    status = 200;
    const p = new UnstructuredPartitioner({ url, apiKey: 'uk-1', strategy: 'hi_res' });
    const r = await p.partition(input, () => undefined);
    expect(lastKey).toBe('uk-1');
    expect(lastForm).toMatch(/name="strategy"\r\n\r\nhi_res/);
    expect(lastForm).toMatch(/name="pdf_infer_table_structure"\r\n\r\ntrue/);
    expect(lastForm).toMatch(/filename="g.pdf"/);
    expect(r.pages).toBe(3);
    expect(r.elements.map((e) => [e.kind, e.page])).toEqual([
      ['title', 1],
      ['text', 1],
      ['table', 2],
    ]);
    expect(r.elements[2].html).toContain('<th>Drug</th>');
    expect(r).toMatchObject({ imagesFound: 1, imagesSkipped: 1 });
  });

  it('summarises images with a vision model when one is configured', async () => {
    status = 200;
    const describer = new ImageDescriber(
      new OpenAiAdapter({ apiKey: 'sk', baseUrl: `${url}/v1`, maxRetries: 0, timeoutMs: 5000 }),
      'vision',
    );
    const r = await new UnstructuredPartitioner({ url, strategy: 'hi_res' }, describer).partition(
      input,
      () => undefined,
    );
    expect(lastForm).toMatch(/name="extract_image_block_types"\r\n\r\n\[?"?Image/);
    expect(r.elements.find((e) => e.kind === 'image')).toMatchObject({ text: 'A bar chart of doses.', page: 3 });
    expect(r.imagesSkipped).toBe(0);
  });

  it('turns a 4xx from the API into a clear DOCUMENT_UNREADABLE', async () => {
    status = 422;
    await expect(
      new UnstructuredPartitioner({ url, strategy: 'hi_res' }).partition(input, () => undefined),
    ).rejects.toMatchObject({ code: 'DOCUMENT_UNREADABLE' });
  });
});
