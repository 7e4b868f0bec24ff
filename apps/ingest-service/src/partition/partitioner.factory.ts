import { OpenAiAdapter } from '@rag/ai';
import { AppLogger } from '@rag/platform';
import { IngestConfig } from '../config/ingest.config';
import { Partitioner } from './element';
import { ImageDescriber } from './image-describer';
import { LocalPartitioner } from './local.partitioner';
import { OcrEngine } from './ocr/ocr-engine';
import { SidewaysLinesOcrEngine } from './ocr/sideways-lines.ocr-engine';
import { LevellingOcrEngine, StraighteningOcrEngine } from './ocr/straightening.ocr-engine';
import { TesseractCliOcrEngine, tesseractCliInstalled } from './ocr/tesseract-cli.ocr-engine';
import { TesseractOcrEngine } from './ocr/tesseract.ocr-engine';
import { popplerInstalled } from './poppler.text-layer';
import { UnstructuredPartitioner } from './unstructured.partitioner';

export function createPartitioner(config: IngestConfig, logger?: AppLogger): Partitioner {
  const describer = config.vision
    ? new ImageDescriber(new OpenAiAdapter(config.vision.connection), config.vision.model)
    : undefined;
  if (config.partitioner === 'unstructured') return new UnstructuredPartitioner(config.unstructured!, describer);
  const ocr = config.ocr ? createOcrEngine(config.ocr, logger) : undefined;
  const textLayer =
    config.pdfTextLayer === 'pdfjs'
      ? 'pdfjs'
      : popplerInstalled()
        ? 'poppler'
        : config.pdfTextLayer === 'auto'
          ? 'pdfjs'
          : null;
  if (!textLayer)
    throw new Error('PDF_TEXT_LAYER=poppler, but pdftotext is not installed (Debian package poppler-utils)');
  if (textLayer === 'pdfjs' && config.pdfTextLayer === 'auto')
    logger?.warn({}, 'pdftotext not installed (Debian package poppler-utils): PDF text is read with pdf.js, slower');
  // One warm parser thread per concurrent job.
  return new LocalPartitioner(
    {
      timeoutMs: config.job.partitionTimeoutMs,
      countImages: config.countImages,
      workers: config.concurrency,
      ocrMaxPages: config.ocr?.maxPages,
      ocrDocumentTimeoutMs: config.ocr?.documentTimeoutMs,
      ocrForce: config.ocr?.mode === 'force',
      ocrDpi: config.ocr?.dpi,
      ocrConcurrency: config.ocr?.concurrency,
      textLayer,
      warm: true,
    },
    describer,
    ocr,
  );
}

/**
 * Native tesseract when installed with the languages (about twice as fast as the WASM build; a
 * skewed page is levelled and read again, sideways lines it is unsure of are read turned), else
 * the WASM build alone, its data shipped in npm.
 */
export function createOcrEngine(ocr: NonNullable<IngestConfig['ocr']>, logger?: AppLogger): OcrEngine {
  const lang = ocr.langs.join('+');
  const native = ocr.engine !== 'wasm' && tesseractCliInstalled(lang);
  if (ocr.engine === 'native' && !native)
    throw new Error(
      `OCR_ENGINE=native, but tesseract with trained data for ${lang} is not installed (Debian packages tesseract-ocr, ${ocr.langs.map((l) => `tesseract-ocr-${l}`).join(', ')})`,
    );
  if (native) {
    const cli = new SidewaysLinesOcrEngine(new TesseractCliOcrEngine(lang, ocr.pageTimeoutMs, ocr.concurrency));
    return new StraighteningOcrEngine(cli, new LevellingOcrEngine(cli));
  }
  if (ocr.engine === 'auto')
    logger?.warn(
      {},
      `tesseract (Debian package tesseract-ocr) not installed with ${lang}: OCR runs on the WASM build, slower`,
    );
  return new SidewaysLinesOcrEngine(new TesseractOcrEngine(lang, ocr.pageTimeoutMs));
}
