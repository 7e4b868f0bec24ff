import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { BusClient, DomainError, isReplicaLost, RedisStreamsClient } from '../src';
import { RedisProcess, uniquePrefix } from '../src/testing';
import { SlowEcho } from './fixtures/echo-server';

const ROOT = resolve(__dirname, '../../..');

/** A replica process of the fixture server; resolves once it reads its streams. */
function replica(redisUrl: string, prefix: string, name: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'fixtures/echo-server.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      SWC_NODE_PROJECT: join(ROOT, 'tsconfig.base.json'),
      REDIS_URL: redisUrl,
      PREFIX: prefix,
      CONSUMER: name,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((ok, fail) => {
    proc.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && ok(proc));
    proc.once('exit', (code) => fail(new Error(`replica ${name} exited with ${code}`)));
  });
}

describe('bus when the replica working on a request is killed (kill -9 of a real process)', () => {
  let redis: RedisProcess;
  let bus: BusClient;
  const procs: ChildProcess[] = [];

  beforeAll(async () => {
    redis = await RedisProcess.start();
  });

  afterAll(async () => {
    for (const p of procs) p.kill('SIGKILL');
    await bus?.close();
    await redis.stop();
  });

  it('fails the call within a few heartbeats instead of at its timeout, and a retry is answered by the live replica', async () => {
    const prefix = uniquePrefix('death');
    const doomed = await replica(redis.url, prefix, 'doomed');
    procs.push(doomed);
    bus = new BusClient(
      new RedisStreamsClient({ redisUrl: redis.url, prefix, pickupTimeoutMs: 20_000, heartbeatMs: 300 }),
      20_000,
    );

    const call = bus.request(SlowEcho, { n: 1, holdMs: 10_000 }).then(
      () => 'answered',
      (e: DomainError) => `${e.code}${isReplicaLost(e) ? ' (replica lost)' : ''}: ${e.message}`,
    );
    // Long enough for the replica to pick the request up and send its first heartbeats.
    await new Promise((r) => setTimeout(r, 1000));
    const killedAt = Date.now();
    doomed.kill('SIGKILL');
    expect(await call).toMatch(/^SERVICE_UNAVAILABLE \(replica lost\): the replica working on the request stopped/);
    // Three missed 300 ms heartbeats, not the 20 s timeout.
    expect(Date.now() - killedAt).toBeLessThan(3000);

    procs.push(await replica(redis.url, prefix, 'survivor'));
    expect(await bus.request(SlowEcho, { n: 2, holdMs: 50 })).toEqual({ n: 2, by: 'survivor' });
  }, 60_000);

  it('keeps a slow request on a live replica going past three heartbeat intervals, and answers quick ones', async () => {
    const prefix = uniquePrefix('alive');
    procs.push(await replica(redis.url, prefix, 'steady'));
    const slow = new BusClient(
      new RedisStreamsClient({ redisUrl: redis.url, prefix, pickupTimeoutMs: 20_000, heartbeatMs: 200 }),
      20_000,
    );
    try {
      // Ten intervals of work: heartbeats keep it alive until the answer comes.
      expect(await slow.request(SlowEcho, { n: 3, holdMs: 2000 })).toEqual({ n: 3, by: 'steady' });
      expect(await slow.request(SlowEcho, { n: 4, holdMs: 0 })).toEqual({ n: 4, by: 'steady' });
    } finally {
      await slow.close();
    }
  }, 30_000);
});
