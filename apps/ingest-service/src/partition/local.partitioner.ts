import { Element, PageProgress, PartitionInput, PartitionResult, Partitioner } from './element';
import { ImageDescriber } from './image-describer';
import { DomainError } from '@rag/platform';
import { partitionHtml, partitionMarkdown, partitionText } from './markup.partitioner';
import { PdfWorkerPool } from './pdf-worker.pool';

/**
 * Offline default: pdf.js for PDFs, small parsers for text, Markdown and HTML. PDFs are parsed in
 * pooled worker threads with a deadline. Embedded images are decoded and described when a vision
 * model is configured (image_summary chunks); otherwise they are counted and skipped.
 */
export class LocalPartitioner implements Partitioner {
  readonly name = 'local';
  private readonly pool: PdfWorkerPool;

  constructor(
    private readonly opts: { timeoutMs: number; countImages: boolean; workers: number; maxHeapMb?: number; maxImages?: number; minImageSide?: number },
    private readonly describer?: ImageDescriber,
  ) {
    this.pool = new PdfWorkerPool({ size: opts.workers, timeoutMs: opts.timeoutMs, maxHeapMb: opts.maxHeapMb ?? 1024 });
  }

  async partition(input: PartitionInput, progress: PageProgress): Promise<PartitionResult> {
    if (input.sourceType === 'pdf') {
      const extractImages = this.describer ? { minSide: this.opts.minImageSide ?? 64, max: this.opts.maxImages ?? 50 } : undefined;
      const r = await this.pool.parse(input.bytes, { countImages: this.opts.countImages || Boolean(this.describer), extractImages }, progress);
      if (!this.describer || !r.images?.length) return { ...r, images: undefined, imagesSkipped: r.imagesFound };
      const described: Element[] = [];
      for (const img of r.images) {
        const summary = await this.describer.describe(img.base64, img.mime, img.caption);
        if (summary) described.push({ kind: 'image', text: summary, page: img.page });
      }
      if (!r.elements.length && !described.length) {
        throw new DomainError('DOCUMENT_UNREADABLE', `no extractable text on any of ${r.pages} page(s) and no image could be described`);
      }
      const imagesFound = Math.max(r.imagesFound, r.images.length);
      return { pages: r.pages, elements: withImages(r.elements, described), imagesFound, imagesSkipped: imagesFound - described.length };
    }
    const text = input.bytes.toString('utf8');
    const elements: Element[] =
      input.sourceType === 'md' ? partitionMarkdown(text) : input.sourceType === 'html' ? partitionHtml(text) : partitionText(text);
    progress(1, 1);
    return { pages: 1, elements, imagesFound: 0, imagesSkipped: 0 };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Each image description goes after the last element of its page, keeping reading order. */
function withImages(elements: Element[], images: Element[]): Element[] {
  const out = [...elements];
  for (const img of images) {
    let at = out.length;
    while (at > 0 && out[at - 1].page > img.page) at--;
    out.splice(at, 0, img);
  }
  return out;
}
