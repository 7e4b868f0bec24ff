import { Inject, Injectable } from '@nestjs/common';
import { hasControlCharacter, IngestSubmit, SourceType } from '@rag/contracts';
import { BusClient, DomainError, UPLOAD_STORAGE, UploadStorage } from '@rag/platform';
import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { pipeline } from 'node:stream/promises';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';

const TYPES: Record<string, SourceType> = { pdf: 'pdf', txt: 'txt', md: 'md', markdown: 'md', html: 'html', htm: 'html' };

interface StoredFile {
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

/**
 * Streams multipart files to upload storage (never whole in memory), hashing and checking type by
 * magic bytes on the way, then submits one ingest task per file over the bus.
 */
@Injectable()
export class UploadService {
  constructor(
    @Inject(UPLOAD_STORAGE) private readonly storage: UploadStorage,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly bus: BusClient,
  ) {}

  async upload(collectionId: string, req: Request): Promise<Array<{ filename: string; taskId: string; sizeBytes: number }>> {
    if (!/^multipart\/form-data/i.test(req.header('content-type') ?? '')) {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'upload must be multipart/form-data with one or more files');
    }
    const stored = await this.receive(collectionId, req);
    if (stored.length === 0) throw new DomainError('VALIDATION_FAILED', 'no file in the upload');
    const submitted = await Promise.allSettled(stored.map((f) => this.bus.request(IngestSubmit, { collectionId, ...f })));
    const failed = submitted.flatMap((r, i) => (r.status === 'rejected' ? [{ file: stored[i], reason: r.reason as unknown }] : []));
    if (failed.length) {
      // Only files without a task are removed: queued ones are ingested, and a retry of the whole
      // upload is deduplicated by content hash, so nothing is lost or stored twice.
      await Promise.all(failed.map((f) => this.storage.delete(f.file.storageKey)));
      throw failed[0].reason;
    }
    return submitted.map((r, i) => ({ filename: stored[i].filename, taskId: (r as PromiseFulfilledResult<{ taskId: string }>).value.taskId, sizeBytes: stored[i].sizeBytes }));
  }

  private receive(collectionId: string, req: Request): Promise<StoredFile[]> {
    return new Promise((resolve, reject) => {
      let bb: busboy.Busboy;
      try {
        // Filenames as UTF-8 (busboy's default for header parameters is latin1, which garbles them).
        bb = busboy({ headers: req.headers, defParamCharset: 'utf8', highWaterMark: 1 << 20, fileHwm: 1 << 20, limits: { fileSize: this.config.maxUploadBytes, files: this.config.maxFilesPerUpload, fields: 20 } });
      } catch (err) {
        reject(new DomainError('VALIDATION_FAILED', `malformed multipart request: ${(err as Error).message}`));
        return;
      }
      const stored: StoredFile[] = [];
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
            resolve(stored);
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
        // Listened to at once: a truncated body errors the file stream before storage is open.
        stream.on('error', (err: Error) => fail(new DomainError('VALIDATION_FAILED', `upload interrupted: ${err.message}`)));
        if (hasControlCharacter(info.filename ?? '')) {
          fail(new DomainError('VALIDATION_FAILED', 'a filename contains control characters'));
          stream.resume();
          return;
        }
        const filename = sanitizeFilename(info.filename ?? '');
        const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase() ?? '';
        const sourceType = TYPES[ext];
        if (!sourceType || failure) {
          fail(failure ?? new DomainError('UNSUPPORTED_MEDIA_TYPE', `${filename}: only .pdf, .txt, .md and .html files are accepted`));
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
              throw new DomainError('PAYLOAD_TOO_LARGE', `${filename} is larger than ${this.config.maxUploadBytes} bytes`);
            }
            const problem = checkMagic(sourceType, head, size);
            if (problem) throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `${filename}: ${problem}`);
            // No hashing here: the ingest service hashes the stored file, so an upload costs only its I/O.
            stored.push({ filename, storageKey, sourceType, sizeBytes: size });
          })().catch(async (err: unknown) => {
            await this.storage.delete(storageKey);
            fail(err instanceof DomainError ? err : new DomainError('VALIDATION_FAILED', `${filename}: upload interrupted: ${(err as Error).message}`));
          }),
        );
      });
      bb.on('filesLimit', () => fail(new DomainError('PAYLOAD_TOO_LARGE', `at most ${this.config.maxFilesPerUpload} files per upload`)));
      bb.on('error', (err: Error) => abort(new DomainError('VALIDATION_FAILED', `malformed multipart request: ${err.message}`)));
      bb.on('close', finish);
      req.on('aborted', () => abort(new DomainError('VALIDATION_FAILED', 'client aborted the upload')));
      req.on('error', (err: Error) => abort(new DomainError('VALIDATION_FAILED', `upload interrupted: ${err.message}`)));
      req.pipe(bb);
    });
  }
}

/** Returns why the bytes do not match the claimed type, or null. */
export function checkMagic(type: SourceType, head: Buffer, size: number): string | null {
  if (size === 0) return 'file is empty';
  if (type === 'pdf') return head.indexOf('%PDF-') >= 0 ? null : 'not a PDF (no %PDF- signature)';
  if (head.includes(0)) return 'binary content in a text file';
  if (type === 'html' && !/^\s*</.test(head.toString('utf8').replace(/^\uFEFF/, ''))) return 'not HTML (does not start with a tag)';
  return null;
}
