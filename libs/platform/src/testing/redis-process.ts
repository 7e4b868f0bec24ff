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
   * give or take its one second). `replicaOf`: the port of a master to replicate; it resolves once the
   * replica has synced.
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
  /** A node of a Redis Cluster (its cluster bus on port + 10000), not yet joined to the others: see RedisCluster. */
  static async clusterNode(): Promise<RedisProcess> {
    const port = await freeClusterPort();
    const r = new RedisProcess(port, false, [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      `nodes-${port}.conf`,
      '--cluster-node-timeout',
      '1500',
    ]);
    await r.start();
    return r;
  }

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
    // A replica is ready once it holds the master's data: the master starts the transfer only after
    // its repl-diskless-sync-delay (5 s), and a write acknowledged before that reaches no replica.
    const replica = this.extraArgs.includes('--replicaof');
    const ready = this.sentinelOf
      ? /\+monitor master/
      : replica
        ? /MASTER <-> REPLICA sync: Finished with success/
        : /Ready to accept connections/;
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis-server on ${this.port} did not start`)),
        replica ? 30_000 : 10_000,
      );
      let out = '';
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (ready.test(out)) {
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

/**
 * A Redis Cluster of real redis-server processes: `masters` masters, each with `replicasPerMaster`
 * replicas, slots spread by `redis-cli --cluster create`. Kill a master and its replica takes over
 * after the node timeout (1.5 s).
 */
export class RedisCluster {
  private constructor(readonly nodes: RedisProcess[]) {}

  static async start(masters = 3, replicasPerMaster = 0): Promise<RedisCluster> {
    const nodes: RedisProcess[] = [];
    for (let i = 0; i < masters * (1 + replicasPerMaster); i++) nodes.push(await RedisProcess.clusterNode());
    const cluster = new RedisCluster(nodes);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      String(replicasPerMaster),
      '--cluster-yes',
    ]);
    await cluster.waitUntilHealthy();
    return cluster;
  }

  /** `host:port,…` for REDIS_CLUSTER_NODES. */
  get nodeList(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  /** The node that serves `key`'s slot as master now (as `asker`, a live node, sees it). */
  async masterOf(key: string, asker: RedisProcess = this.nodes[0]): Promise<RedisProcess> {
    const ask = (...args: string[]) => run('redis-cli', ['-p', String(asker.port), ...args]);
    const slot = Number((await ask('cluster', 'keyslot', key)).trim());
    // One line per node: id, ip:port@bus, flags, master id, ping, pong, epoch, link state, then its slots.
    for (const line of (await ask('cluster', 'nodes')).trim().split('\n')) {
      const [, address, flags, , , , , , ...slots] = line.trim().split(' ');
      if (!flags?.split(',').includes('master') || flags.includes('fail')) continue;
      const owns = slots.some((r) => {
        const [start, end] = r.split('-').map(Number);
        return start <= slot && slot <= (end ?? start);
      });
      const port = Number(address.split('@')[0].split(':')[1]);
      const node = this.nodes.find((n) => n.port === port);
      if (owns && node) return node;
    }
    throw new Error(`no master found for slot ${slot}`);
  }

  /** Resolves once every live node reports cluster_state:ok. */
  async waitUntilHealthy(timeoutMs = 30_000, alive: RedisProcess[] = this.nodes): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(
        alive.map((n) => run('redis-cli', ['-p', String(n.port), 'cluster', 'info']).catch(() => '')),
      );
      if (states.every((s) => s.includes('cluster_state:ok'))) return;
      if (Date.now() > until) throw new Error(`cluster not healthy within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: ${err || out}`))));
  });
}

/** A loopback port below 55536 that is free, with port + 10000 (its cluster bus) free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 55_000 && (await isFree(port + 10_000))) return port;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
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
