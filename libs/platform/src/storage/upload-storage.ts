import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, Writable } from 'node:stream';

/** Port for upload bytes shared by gateway (writes) and ingest (reads); S3-like stores fit behind it. */
export interface UploadStorage {
  openWrite(key: string): Promise<Writable>;
  read(key: string): Promise<Buffer>;
  openRead(key: string): Readable;
  size(key: string): Promise<number>;
  delete(key: string): Promise<void>;
  /** Whether the store accepts writes right now (for readiness checks). */
  probe(): Promise<void>;
}

export const UPLOAD_STORAGE = Symbol('UPLOAD_STORAGE');

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

  openRead(key: string): Readable {
    return createReadStream(this.path(key));
  }

  async size(key: string): Promise<number> {
    return (await stat(this.path(key))).size;
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
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
