import { Inject, Injectable } from '@nestjs/common';
import { RetrievalDocumentFind, SourceType } from '@rag/contracts';
import { BusClient, DomainError, originalKey, UPLOAD_STORAGE, UploadStorage } from '@rag/platform';
import { Readable } from 'node:stream';
import { sourceTypeOf } from '../upload/upload.service';

const CONTENT_TYPES: Record<SourceType, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

export interface DocumentFile {
  filename: string;
  contentType: string;
  size: number;
  /** Present for a satisfiable `Range` request: the bytes served, inclusive. */
  range?: { start: number; end: number };
  body: Readable;
}

/**
 * One byte range of a `Range` header (`bytes=0-99`, `bytes=100-`, `bytes=-100`) within `size`, or
 * null to send the whole file (no header, several ranges, another unit). A range past the end is refused.
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (!m[1] && !m[2])) return null;
  const [start, end] = m[1]
    ? [Number(m[1]), m[2] ? Math.min(Number(m[2]), size - 1) : size - 1]
    : [Math.max(0, size - Number(m[2])), size - 1];
  if (start >= size || start > end)
    throw new DomainError('RANGE_NOT_SATISFIABLE', `range ${header} is outside the file's ${size} bytes`);
  return { start, end };
}

/** The original files of indexed documents: served at their citations, removed with their document. */
@Injectable()
export class DocumentFilesService {
  constructor(
    private readonly bus: BusClient,
    @Inject(UPLOAD_STORAGE) private readonly storage: UploadStorage,
  ) {}

  async open(collectionId: string, documentId: string, rangeHeader?: string): Promise<DocumentFile> {
    const { document } = await this.bus.request(RetrievalDocumentFind, { collectionId, documentId });
    if (!document) throw new DomainError('NOT_FOUND', `no document ${documentId} in collection ${collectionId}`);
    const key = originalKey(collectionId, documentId);
    const size = await this.storage.size(key).catch(() => {
      throw new DomainError(
        'NOT_FOUND',
        `the original of ${document.filename} is not kept (indexed before originals were kept: upload it again)`,
      );
    });
    const range = parseRange(rangeHeader, size) ?? undefined;
    const type = sourceTypeOf(document.filename);
    return {
      filename: document.filename,
      contentType: type ? CONTENT_TYPES[type] : 'application/octet-stream',
      size,
      range,
      body: this.storage.openRead(key, range),
    };
  }

  async removeDocuments(collectionId: string, documentIds: string[]): Promise<void> {
    await Promise.all(documentIds.map((id) => this.storage.delete(originalKey(collectionId, id))));
  }

  async removeCollection(collectionId: string): Promise<void> {
    const keys = (await this.storage.list(originalKey(collectionId, ''))).map((s) => s.key);
    await Promise.all(keys.map((k) => this.storage.delete(k)));
  }
}
