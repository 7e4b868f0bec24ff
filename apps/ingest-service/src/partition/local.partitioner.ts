import { Element, PageProgress, PartitionInput, PartitionResult, Partitioner } from './element';
import { partitionHtml, partitionMarkdown, partitionText } from './markup.partitioner';
import { PdfWorkerPool } from './pdf-worker.pool';

/**
 * Offline default: pdf.js for PDFs, small parsers for text, Markdown and HTML. Embedded images are
 * counted and skipped (no OCR or vision model offline). PDFs are parsed in a worker thread with a deadline.
 */
export class LocalPartitioner implements Partitioner {
  readonly name = 'local';
  private readonly pool: PdfWorkerPool;

  constructor(private readonly opts: { timeoutMs: number; countImages: boolean; workers: number; maxHeapMb?: number }) {
    this.pool = new PdfWorkerPool({ size: opts.workers, timeoutMs: opts.timeoutMs, maxHeapMb: opts.maxHeapMb ?? 1024 });
  }

  async partition(input: PartitionInput, progress: PageProgress): Promise<PartitionResult> {
    if (input.sourceType === 'pdf') {
      const r = await this.pool.parse(input.bytes, { countImages: this.opts.countImages }, progress);
      return { ...r, imagesSkipped: r.imagesFound };
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
