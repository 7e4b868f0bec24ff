import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { CollectionIdSchema, DocumentIdSchema } from '@rag/contracts';

/** Port for upload bytes shared by gateway (writes) and ingest (reads); S3-like stores fit behind it. */
export interface UploadStorage {
  openWrite(key: string): Promise<Writable>;
  read(key: string): Promise<Buffer>;
  /** The object's bytes, or bytes `start` to `end` (inclusive) of it. */
  openRead(key: string, range?: { start: number; end: number }): Readable;
  size(key: string): Promise<number>;
  delete(key: string): Promise<void>;
  /** Gives an object another key, without copying its bytes. */
  move(from: string, to: string): Promise<void>;
  /** Writes a small object whole (readers see the old content or the new, never part). */
  put(key: string, data: Buffer): Promise<void>;
  /** Every stored key with its last modification time (for the reconciler). */
  list(prefix?: string): Promise<Array<{ key: string; modifiedAt: number }>>;
  /** Whether the store accepts writes right now (for readiness checks). */
  probe(): Promise<void>;
}

export const UPLOAD_STORAGE = Symbol('UPLOAD_STORAGE');

/** Where a document's original file is kept once it is indexed (served at its citations, removed with it). */
const ORIGINALS_PREFIX = 'originals/';
export const originalKey = (collectionId: string, documentId: string) =>
  `${ORIGINALS_PREFIX}${collectionId}/${documentId}`;
/**
 * Whether a key is a document's original: its exact shape, not the prefix alone, since a collection
 * may be named "originals" and its uploads (`<collection>/<file>`) then start with the prefix too.
 */
export function isOriginalKey(key: string): boolean {
  const [prefix, collectionId, documentId, ...rest] = key.split('/');
  return (
    `${prefix}/` === ORIGINALS_PREFIX &&
    !rest.length &&
    CollectionIdSchema.safeParse(collectionId).success &&
    DocumentIdSchema.safeParse(documentId).success
  );
}

/** Local directory (a shared volume in docker-compose). Keys never escape the root. */
export class LocalUploadStorage implements UploadStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async openWrite(key: string): Promise<Writable> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    return createWriteStream(path, { flags: 'wx', highWaterMark: 1 << 20 });
  }

  read(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  openRead(key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.path(key), range);
  }

  async size(key: string): Promise<number> {
    return (await stat(this.path(key))).size;
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async move(from: string, to: string): Promise<void> {
    const target = this.path(to);
    await mkdir(dirname(target), { recursive: true });
    await rename(this.path(from), target);
  }

  async put(key: string, data: Buffer): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, path);
  }

  /** `prefix` names a folder (ending in `/`): only it is read, not the whole store. */
  async list(prefix?: string): Promise<Array<{ key: string; modifiedAt: number }>> {
    const entries = await readdir(prefix ? this.path(prefix) : this.root, {
      recursive: true,
      withFileTypes: true,
    }).catch(() => []);
    const out: Array<{ key: string; modifiedAt: number }> = [];
    for (const e of entries) {
      if (!e.isFile() || e.name.startsWith('.probe-') || e.name.endsWith('.tmp')) continue;
      const path = join(e.parentPath, e.name);
      const s = await stat(path).catch(() => null);
      if (s)
        out.push({
          key: path
            .slice(this.root.length + 1)
            .split(sep)
            .join('/'),
          modifiedAt: s.mtimeMs,
        });
    }
    return out;
  }

  async probe(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    const key = `.probe-${process.pid}`;
    const w = await this.openWrite(key).catch(async () => {
      await this.delete(key);
      return this.openWrite(key);
    });
    await new Promise<void>((ok, fail) => w.end('ok', () => ok()).on('error', fail));
    await this.delete(key);
  }

  private path(key: string): string {
    const p = resolve(join(this.root, key));
    if (!p.startsWith(this.root + sep)) throw new Error(`storage key escapes the upload root: ${key}`);
    return p;
  }
}

export function createUploadStorage(config: { driver: 'local'; dir: string }): UploadStorage {
  return new LocalUploadStorage(config.dir);
}
