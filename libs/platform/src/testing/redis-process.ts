import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A redis-server process of a test's own, which the test can kill and start again on the same port. */
export class RedisProcess {
  private proc?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'redis-proc-'));

  private constructor(
    readonly port: number,
    private readonly persist: boolean,
    private readonly extraArgs: string[] = [],
    private readonly sentinelOf?: { name: string; masterPort: number },
  ) {}

  /**
   * `persist`: an append-only file synced on every write, so a kill -9 keeps what was acknowledged (as `npm start`'s Redis,
   * give or take its one second). `replicaOf`: the port of a master to replicate.
   */
  static async start(opts: { persist?: boolean; replicaOf?: number } = {}): Promise<RedisProcess> {
    const r = new RedisProcess(
      await freePort(),
      opts.persist ?? false,
      opts.replicaOf ? ['--replicaof', '127.0.0.1', String(opts.replicaOf)] : [],
    );
    await r.start();
    return r;
  }

  /** A Sentinel watching the master on `masterPort` as `name`, quorum 1, quick to fail over (1 s down, 3 s timeout). */
  static async sentinel(name: string, masterPort: number): Promise<RedisProcess> {
    const r = new RedisProcess(await freePort(), false, [], { name, masterPort });
    await r.start();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  /** Starts the server (without `persist` a restart loses every key, as a default Redis does) and waits until it answers. */
  async start(): Promise<void> {
    const aof = this.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    let args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      ...aof,
      '--dir',
      this.dir,
      ...this.extraArgs,
    ];
    if (this.sentinelOf) {
      // Sentinel rewrites its configuration file, so it gets one of its own.
      const conf = join(this.dir, 'sentinel.conf');
      const { name, masterPort } = this.sentinelOf;
      writeFileSync(
        conf,
        [
          `port ${this.port}`,
          'bind 127.0.0.1',
          `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 3000`,
          '',
        ].join('\n'),
      );
      args = [conf, '--sentinel'];
    }
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const ready = this.sentinelOf ? /\+monitor master/ : /Ready to accept connections/;
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server on ${this.port} did not start`)), 10_000);
      proc.stdout!.on('data', (d: Buffer) => {
        if (ready.test(d.toString())) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}`));
      });
    });
  }

  /** kill -9: no shutdown, no save. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A TCP port on loopback that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
