import { ScoredChunk } from '../storage/lance.repository';

/** A search candidate for tests: one text chunk on page 1 of f.pdf. */
export const scoredChunk = (id: string, score: number, text = id): ScoredChunk => ({
  chunk_id: id,
  document_id: 'd',
  filename: 'f.pdf',
  page_number: 1,
  page_end: 1,
  data_type: 'text',
  chunk_index: 0,
  text,
  heading_path: [],
  source: 'text',
  ocr_confidence: null,
  regions: [],
  score,
});
