import { ChunkRow } from '../src/storage/lance.repository';

/** A stored chunk row for tests: one page of text, no OCR, no regions; `text` is also what full-text search reads. */
export function chunkRow(
  row: Pick<ChunkRow, 'chunk_id' | 'document_id' | 'collection_name' | 'filename' | 'text' | 'vector'> &
    Partial<ChunkRow>,
): ChunkRow {
  return {
    page_number: 1,
    page_end: 1,
    data_type: 'text',
    chunk_index: 0,
    heading_path: '[]',
    search_text: row.text,
    source: 'text',
    ocr_confidence: null,
    regions: '[]',
    content_hash: 'f'.repeat(64),
    created_at: new Date(0).toISOString(),
    ...row,
  };
}
