import { OpenAiAdapter } from '@rag/ai';
import { AppLogger } from '@rag/platform';
import { IngestConfig } from '../config/ingest.config';
import { Partitioner } from './element';
import { ImageDescriber } from './image-describer';
import { LocalPartitioner } from './local.partitioner';
import { TesseractOcrEngine } from './ocr/tesseract.ocr-engine';
import { popplerInstalled } from './poppler.text-layer';
import { UnstructuredPartitioner } from './unstructured.partitioner';

export function createPartitioner(config: IngestConfig, logger?: AppLogger): Partitioner {
  const describer = config.vision ? new ImageDescriber(new OpenAiAdapter(config.vision.connection), config.vision.model) : undefined;
  if (config.partitioner === 'unstructured') return new UnstructuredPartitioner(config.unstructured!, describer);
  const ocr = config.ocr ? new TesseractOcrEngine(config.ocr.lang, config.ocr.pageTimeoutMs) : undefined;
  const textLayer = config.pdfTextLayer === 'pdfjs' ? 'pdfjs' : popplerInstalled() ? 'poppler' : config.pdfTextLayer === 'auto' ? 'pdfjs' : null;
  if (!textLayer) throw new Error('PDF_TEXT_LAYER=poppler, but pdftotext is not installed (Debian package poppler-utils)');
  if (textLayer === 'pdfjs' && config.pdfTextLayer === 'auto') logger?.warn({}, 'pdftotext not installed (Debian package poppler-utils): PDF text is read with pdf.js, slower');
  // One warm parser thread per concurrent job.
  return new LocalPartitioner(
    { timeoutMs: config.job.partitionTimeoutMs, countImages: config.countImages, workers: config.concurrency, ocrMaxPages: config.ocr?.maxPages, textLayer, warm: true },
    describer,
    ocr,
  );
}
