import { OpenAiAdapter } from '@rag/ai';
import { IngestConfig } from '../config/ingest.config';
import { Partitioner } from './element';
import { ImageDescriber } from './image-describer';
import { LocalPartitioner } from './local.partitioner';
import { TesseractOcrEngine } from './ocr/tesseract.ocr-engine';
import { UnstructuredPartitioner } from './unstructured.partitioner';

export function createPartitioner(config: IngestConfig): Partitioner {
  const describer = config.vision ? new ImageDescriber(new OpenAiAdapter(config.vision.connection), config.vision.model) : undefined;
  if (config.partitioner === 'unstructured') return new UnstructuredPartitioner(config.unstructured!, describer);
  const ocr = config.ocr ? new TesseractOcrEngine(config.ocr.lang, config.ocr.pageTimeoutMs) : undefined;
  // One warm parser thread per concurrent job.
  return new LocalPartitioner({ timeoutMs: config.job.partitionTimeoutMs, countImages: config.countImages, workers: config.concurrency, ocrMaxPages: config.ocr?.maxPages }, describer, ocr);
}
