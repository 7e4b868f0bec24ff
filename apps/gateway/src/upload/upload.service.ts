import { Inject, Injectable } from '@nestjs/common';
import { hasControlCharacter, IngestSubmit, SourceType } from '@rag/contracts';
import { BusClient, DomainError, UPLOAD_STORAGE, UploadStorage } from '@rag/platform';
import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { pipeline } from 'node:stream/promises';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';

const TYPES: Record<string, SourceType> = {
  pdf: 'pdf',
  txt: 'txt',
  md: 'md',
  markdown: 'md',
  html: 'html',
  htm: 'html',
  docx: 'docx',
};

/** The type a file is accepted as, by its extension, or undefined. */
export const sourceTypeOf = (filename: string): SourceType | undefined =>
  TYPES[/\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase() ?? ''];

interface StoredFile {
  /** Position of the file in the upload (0-based). */
  index: number;
  filename: string;
  storageKey: string;
  sourceType: SourceType;
  sizeBytes: number;
}

/** Display name for citations: no directories, no control characters, bounded length. */
export function sanitizeFilename(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const clean = [...base]
    .filter((ch) => ch.charCodeAt(0) > 0x1f && ch.charCodeAt(0) !== 0x7f)
    .join('')
    .replace(/^\.+/, '')
    .trim()
    .slice(-200);
  return clean || 'upload';
}

/** A file of the upload that was not accepted, and why; the other files go on. */
export interface RejectedFile {
  index: number;
  filename: string;
  code: DomainError['code'];
  message: string;
}

export interface UploadOutcome {
  files: Array<{ index: number; filename: string; taskId: string; sizeBytes: number }>;
  rejected: RejectedFile[];
}

/**
 * Streams multipart files to upload storage (never whole in memory), checking type by magic bytes
 * on the way, then submits one ingest task per file over the bus. Each file is accepted or
 * rejected on its own; a broken request (malformed, interrupted, too many files) fails whole.
 */
@Injectable()
export class UploadService {
  constructor(
    @Inject(UPLOAD_STORAGE) private readonly storage: UploadStorage,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly bus: BusClient,
  ) {}

  async upload(collectionId: string, req: Request): Promise<UploadOutcome> {
    if (!/^multipart\/form-data/i.test(req.header('content-type') ?? '')) {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'upload must be multipart/form-data with one or more files');
    }
    const { stored, rejected } = await this.receive(collectionId, req);
    if (stored.length === 0) {
      if (rejected.length)
        throw new DomainError(
          rejected[0].code,
          rejected.length === 1
            ? rejected[0].message
            : `no file accepted: ${rejected.map((r) => r.message).join('; ')}`,
          { rejected },
        );
      throw new DomainError('VALIDATION_FAILED', 'no file in the upload');
    }
    const submitted = await Promise.allSettled(
      stored.map((f) => this.bus.request(IngestSubmit, { collectionId, ...f })),
    );
    const failed = submitted.flatMap((r, i) =>
      r.status === 'rejected' ? [{ file: stored[i], reason: r.reason as unknown }] : [],
    );
    if (failed.length) {
      // Only files without a task are removed: queued ones are ingested, and a retry of the whole
      // upload is deduplicated by content hash, so nothing is lost or stored twice.
      await Promise.all(failed.map((f) => this.storage.delete(f.file.storageKey)));
      throw failed[0].reason;
    }
    const files = submitted.map((r, i) => ({
      index: stored[i].index,
      filename: stored[i].filename,
      taskId: (r as PromiseFulfilledResult<{ taskId: string }>).value.taskId,
      sizeBytes: stored[i].sizeBytes,
    }));
    return { files, rejected };
  }

  private receive(collectionId: string, req: Request): Promise<{ stored: StoredFile[]; rejected: RejectedFile[] }> {
    return new Promise((resolve, reject) => {
      let bb: busboy.Busboy;
      try {
        // Filenames as UTF-8 (busboy's default for header parameters is latin1, which garbles them).
        bb = busboy({
          headers: req.headers,
          defParamCharset: 'utf8',
          highWaterMark: 1 << 20,
          fileHwm: 1 << 20,
          limits: { fileSize: this.config.maxUploadBytes, files: this.config.maxFilesPerUpload, fields: 20 },
        });
      } catch (err) {
        reject(new DomainError('VALIDATION_FAILED', `malformed multipart request: ${(err as Error).message}`));
        return;
      }
      const stored: StoredFile[] = [];
      const rejected: RejectedFile[] = [];
      let files = 0;
      const refuse = (index: number, filename: string, e: DomainError) =>
        rejected.push({ index, filename, code: e.code, message: e.message });
      const inOrder = <T extends { index: number }>(xs: T[]) => xs.sort((p, q) => p.index - q.index);
      const pending: Promise<void>[] = [];
      const open = new Set<NodeJS.ReadableStream & { destroy(err?: Error): void }>();
      let failure: DomainError | null = null;
      let finished = false;
      const fail = (e: DomainError) => (failure ??= e);
      // Ends the request once: on busboy's close, or on an error after which busboy never closes.
      const finish = () => {
        if (finished) return;
        finished = true;
        void Promise.all(pending).then(async () => {
          if (failure) {
            await Promise.all(stored.map((f) => this.storage.delete(f.storageKey)));
            reject(failure);
          } else {
            resolve({ stored: inOrder(stored), rejected: inOrder(rejected) });
          }
        });
      };
      const abort = (e: DomainError) => {
        fail(e);
        req.unpipe(bb);
        req.resume();
        for (const s of open) s.destroy(new Error(e.message));
        finish();
      };

      bb.on('file', (_field, stream, info) => {
        const index = files++;
        // Listened to at once: a truncated body errors the file stream before storage is open.
        stream.on('error', (err: Error) =>
          fail(new DomainError('VALIDATION_FAILED', `upload interrupted: ${err.message}`)),
        );
        const filename = sanitizeFilename(info.filename ?? '');
        if (hasControlCharacter(info.filename ?? '')) {
          refuse(
            index,
            filename,
            new DomainError('VALIDATION_FAILED', `${filename}: the filename contains control characters`),
          );
          stream.resume();
          return;
        }
        const sourceType = sourceTypeOf(filename);
        if (failure) {
          stream.resume();
          return;
        }
        if (!sourceType) {
          refuse(
            index,
            filename,
            new DomainError(
              'UNSUPPORTED_MEDIA_TYPE',
              `${filename}: only .pdf, .docx, .txt, .md and .html files are accepted`,
            ),
          );
          stream.resume();
          return;
        }
        const storageKey = `${collectionId}/${randomUUID()}.${sourceType}`;
        open.add(stream);
        stream.once('close', () => open.delete(stream));
        let size = 0;
        let head = Buffer.alloc(0);
        const inspect = (chunk: Buffer) => {
          size += chunk.length;
          if (head.length < 1024) head = Buffer.concat([head, chunk.subarray(0, 1024 - head.length)]);
        };
        pending.push(
          (async () => {
            const out = await this.storage.openWrite(storageKey);
            // A second 'data' listener sees every chunk the pipe writes (no extra stream hop per chunk);
            // attached in the same tick as the pipe, so nothing flows before both are in place.
            stream.on('data', inspect);
            await pipeline(stream, out);
            if ((stream as unknown as { truncated?: boolean }).truncated) {
              throw new DomainError(
                'PAYLOAD_TOO_LARGE',
                `${filename} is larger than ${this.config.maxUploadBytes} bytes`,
              );
            }
            const problem = checkMagic(sourceType, head, size);
            if (problem) throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `${filename}: ${problem}`);
            // No hashing here: the ingest service hashes the stored file, so an upload costs only its I/O.
            stored.push({ index, filename, storageKey, sourceType, sizeBytes: size });
          })().catch(async (err: unknown) => {
            await this.storage.delete(storageKey);
            // A file that is too large or not what it claims is refused alone; a broken stream fails the request.
            if (err instanceof DomainError) refuse(index, filename, err);
            else
              fail(new DomainError('VALIDATION_FAILED', `${filename}: upload interrupted: ${(err as Error).message}`));
          }),
        );
      });
      bb.on('filesLimit', () =>
        fail(new DomainError('PAYLOAD_TOO_LARGE', `at most ${this.config.maxFilesPerUpload} files per upload`)),
      );
      bb.on('error', (err: Error) =>
        abort(new DomainError('VALIDATION_FAILED', `malformed multipart request: ${err.message}`)),
      );
      bb.on('close', finish);
      req.on('aborted', () => abort(new DomainError('VALIDATION_FAILED', 'client aborted the upload')));
      req.on('error', (err: Error) =>
        abort(new DomainError('VALIDATION_FAILED', `upload interrupted: ${err.message}`)),
      );
      req.pipe(bb);
    });
  }
}

/** Returns why the bytes do not match the claimed type, or null. */
export function checkMagic(type: SourceType, head: Buffer, size: number): string | null {
  if (size === 0) return 'file is empty';
  if (type === 'pdf') return head.indexOf('%PDF-') >= 0 ? null : 'not a PDF (no %PDF- signature)';
  // A .docx is a zip archive.
  if (type === 'docx')
    return head.subarray(0, 4).equals(Buffer.from('PK\u0003\u0004', 'latin1'))
      ? null
      : 'not a Word document (no zip signature)';
  if (head.includes(0)) return 'binary content in a text file';
  if (type === 'html' && !/^\s*</.test(head.toString('utf8').replace(/^\uFEFF/, '')))
    return 'not HTML (does not start with a tag)';
  return null;
}
