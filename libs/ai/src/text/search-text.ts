import { plainChunkText } from './text-coverage';

export interface SearchableChunk {
  text: string;
  dataType: string;
  /** Document title › section › subsection, outermost first. */
  headingPath?: string[];
}

/**
 * What a chunk is found by, in the vector and in the full-text index alike: its heading path, then
 * its text as a reader sees it (table markup removed, so tags neither match nor lengthen the chunk).
 */
export function searchText(c: SearchableChunk): string {
  const path = (c.headingPath ?? []).filter(Boolean).join(' › ');
  const body = plainChunkText(c)
    .replace(/[ \t]+/g, ' ')
    .trim();
  return path ? `${path}\n${body}` : body;
}
