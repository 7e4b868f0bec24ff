import { DomainError } from '@rag/platform';
import { UnstructuredClient } from 'unstructured-client';
import { Element, PageProgress, PartitionInput, PartitionResult, Partitioner } from './element';
import { ImageDescriber } from './image-describer';

interface UnstructuredElement {
  type?: string;
  text?: string;
  metadata?: { page_number?: number; text_as_html?: string; image_base64?: string; image_mime_type?: string };
}

const MIME: Record<string, string> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  html: 'text/html',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/**
 * Partitioning by an Unstructured API (hosted or self-hosted) through `unstructured-client`:
 * hi_res with table structure, images returned as base64 and described by a vision model when one
 * is configured. Unstructured's element types are mapped onto ours.
 */
export class UnstructuredPartitioner implements Partitioner {
  readonly name = 'unstructured';
  private readonly client: UnstructuredClient;

  constructor(
    private readonly opts: { url: string; apiKey?: string; strategy: string },
    private readonly describer?: ImageDescriber,
  ) {
    this.client = new UnstructuredClient({
      serverURL: opts.url,
      security: { apiKeyAuth: opts.apiKey ?? '' },
      retryConfig: {
        strategy: 'backoff',
        retryConnectionErrors: true,
        backoff: { initialInterval: 500, maxInterval: 5000, exponent: 2, maxElapsedTime: 30_000 },
      },
    });
  }

  async partition(input: PartitionInput, progress: PageProgress): Promise<PartitionResult> {
    let res: unknown;
    try {
      res = await this.client.general.partition({
        partitionParameters: {
          files: { content: new Uint8Array(input.bytes), fileName: input.filename },
          contentType: MIME[input.sourceType],
          // The SDK types strategy as a branded open enum; our config already restricts it to valid names.
          strategy: this.opts.strategy as never,
          pdfInferTableStructure: true,
          extractImageBlockTypes: this.describer ? ['Image'] : undefined,
          splitPdfPage: false,
        },
      });
    } catch (err) {
      const e = err as { statusCode?: number; message?: string };
      const code =
        e.statusCode && e.statusCode >= 400 && e.statusCode < 500 && e.statusCode !== 429
          ? 'DOCUMENT_UNREADABLE'
          : 'UPSTREAM_ERROR';
      throw new DomainError(code, `Unstructured API: ${e.message ?? String(err)}`);
    }
    if (!Array.isArray(res)) throw new DomainError('UPSTREAM_ERROR', 'Unstructured API returned no element list');
    const elements: Element[] = [];
    let pages = 0;
    let imagesFound = 0;
    let imagesSkipped = 0;
    for (const raw of res as UnstructuredElement[]) {
      const page = raw.metadata?.page_number ?? 1;
      pages = Math.max(pages, page);
      const text = (raw.text ?? '').trim();
      switch (raw.type) {
        case 'Table':
          elements.push({
            kind: 'table',
            text,
            html: raw.metadata?.text_as_html ?? `<table><tbody><tr><td>${text}</td></tr></tbody></table>`,
            page,
          });
          break;
        case 'Image': {
          imagesFound++;
          const b64 = raw.metadata?.image_base64;
          if (this.describer && b64) {
            const summary = await this.describer.describe(b64, raw.metadata?.image_mime_type ?? 'image/jpeg', text);
            if (summary) elements.push({ kind: 'image', text: summary, page });
            else imagesSkipped++;
          } else {
            imagesSkipped++;
          }
          break;
        }
        case 'Title':
          if (text) elements.push({ kind: 'title', text, page });
          break;
        case 'ListItem':
          if (text) elements.push({ kind: 'list_item', text, page });
          break;
        case 'PageBreak':
        case 'Header':
        case 'Footer':
        case 'PageNumber':
          break;
        default:
          if (text) elements.push({ kind: 'text', text, page });
      }
    }
    progress(pages, pages);
    if (elements.length === 0)
      throw new DomainError('DOCUMENT_UNREADABLE', 'Unstructured found no text, table or described image');
    return { pages: Math.max(pages, 1), elements, imagesFound, imagesSkipped };
  }
}
