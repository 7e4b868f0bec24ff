import { CallerIdentity, DataType, IngestSubmitRequest, TaskStage, TaskWarning } from '@rag/contracts';

/** A queued upload; `caller` is the API caller it was uploaded for (absent in jobs queued before callers travelled). */
export type IngestJobData = IngestSubmitRequest & { taskId: string; caller?: CallerIdentity };

export interface IngestProgress {
  stage: TaskStage;
  pagesDone: number;
  pagesTotal: number;
  /** Stage `ocr`: pages OCR'd so far, of those without a text layer. */
  ocrPagesDone?: number;
  ocrPagesTotal?: number;
  chunks: Record<DataType, number>;
  imagesSkipped: number;
}

export interface IngestResult {
  documentId: string;
  pages: number;
  chunks: Record<DataType, number>;
  imagesSkipped: number;
  deduplicated: boolean;
  /** Missing from results stored by older versions. */
  warnings?: TaskWarning[];
  repeatedLinesDropped?: number;
  /** Pages read by OCR and the mean word confidence; missing from results stored by older versions. */
  ocr?: { pages: number[]; confidence: number };
}

/** What the pipeline needs from a queued job; Bull's job is adapted to it, tests pass a fake. */
export interface IngestJobPort {
  readonly data: IngestJobData;
  /** Attempts made before this one. */
  readonly attemptsMade: number;
  readonly maxAttempts: number;
  reportProgress(p: IngestProgress): Promise<void>;
  /** Marks the job so the queue does not retry it (the failure is permanent). */
  discard(): void;
}
