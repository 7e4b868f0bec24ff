import { DomainError } from '@rag/platform';
import mammoth from 'mammoth';

/** A .docx as HTML (mammoth: headings, paragraphs, lists, tables); only this file uses mammoth. */
export async function docxToHtml(bytes: Buffer): Promise<string> {
  try {
    const { value } = await mammoth.convertToHtml({ buffer: bytes });
    return value;
  } catch (err) {
    throw new DomainError('DOCUMENT_UNREADABLE', `the Word document could not be read: ${(err as Error).message}`);
  }
}
