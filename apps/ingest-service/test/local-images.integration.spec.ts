import { OpenAiAdapter } from '@rag/ai';
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { chunkElements } from '../src/chunking/chunker';
import { ImageDescriber } from '../src/partition/image-describer';
import { LocalPartitioner } from '../src/partition/local.partitioner';

const PDF = resolve(__dirname, '../../../../shared/datasets/pdf-corpus/robustness/pysamples_cmyk-image.pdf');

/** Real pdf.js image decoding, PNG encoding, and a local server speaking OpenAI's chat-completions wire format. */
describe('local partitioner with a vision model', () => {
  let server: Server;
  const seen: Array<{ model: string; image: string; prompt: string }> = [];
  let partitioner: LocalPartitioner;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as {
          model: string;
          messages: Array<{ content: Array<{ type: string; text?: string; image_url?: { url: string } }> }>;
        };
        const parts = body.messages[0].content;
        seen.push({
          model: body.model,
          prompt: parts.find((p) => p.type === 'text')!.text!,
          image: parts.find((p) => p.type === 'image_url')!.image_url!.url,
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'c',
            object: 'chat.completion',
            created: 0,
            model: body.model,
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: 'A photograph rendered in CMYK.' },
                finish_reason: 'stop',
              },
            ],
          }),
        );
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    const { port } = server.address() as { port: number };
    const describer = new ImageDescriber(
      new OpenAiAdapter({
        apiKey: 'sk-test',
        baseUrl: `http://127.0.0.1:${port}/v1`,
        maxRetries: 0,
        timeoutMs: 10_000,
      }),
      'vision-model',
    );
    partitioner = new LocalPartitioner(
      { timeoutMs: 60_000, countImages: true, workers: 1, minImageSide: 16 },
      describer,
    );
  });
  afterAll(async () => {
    await partitioner.close();
    await new Promise((ok) => server.close(ok));
  });

  it('decodes embedded images, sends them as PNG to the vision model, and keeps the description as an image_summary chunk', async () => {
    const r = await partitioner.partition(
      { bytes: readFileSync(PDF), sourceType: 'pdf', filename: 'cmyk.pdf' },
      () => undefined,
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0].model).toBe('vision-model');
    const m = /^data:image\/png;base64,(.+)$/.exec(seen[0].image);
    expect(m).not.toBeNull();
    const png = Buffer.from(m![1], 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // A well-formed IDAT: inflates to height rows of (1 filter byte + width × channels).
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    const channels = { 0: 1, 2: 3, 6: 4 }[png[25]]!;
    const idatLen = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString()).toBe('IDAT');
    expect(inflateSync(png.subarray(41, 41 + idatLen)).length).toBe(height * (1 + width * channels));

    const image = r.elements.find((e) => e.kind === 'image')!;
    expect(image).toMatchObject({ text: 'A photograph rendered in CMYK.', page: 1 });
    expect(r.imagesSkipped).toBe(r.imagesFound - seen.length);
    const chunks = chunkElements(r.elements, { maxTokens: 350, overlapTokens: 40 });
    expect(chunks.filter((c) => c.dataType === 'image_summary')).toEqual([
      expect.objectContaining({ text: 'A photograph rendered in CMYK.', pageNumber: 1 }),
    ]);
  });
});
