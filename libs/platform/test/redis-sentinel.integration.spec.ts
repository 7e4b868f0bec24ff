import { createRedis, RedisClient, redisOptionsFromUrl, sentinelUrl } from '../src';
import { RedisProcess, within } from '../src/testing';

/** Redis high availability through Sentinel: real master, replica and Sentinel processes; the test kills the master. */
describe('Redis through Sentinel (real redis-server and redis-sentinel processes)', () => {
  let master: RedisProcess;
  let replica: RedisProcess;
  let sentinel: RedisProcess;
  let client: RedisClient;

  beforeAll(async () => {
    master = await RedisProcess.start();
    replica = await RedisProcess.start({ replicaOf: master.port });
    sentinel = await RedisProcess.sentinel('ragmaster', master.port);
    client = createRedis(
      sentinelUrl([`127.0.0.1:${sentinel.port}`], 'ragmaster', 'redis://127.0.0.1:6379/0'),
      'sentinel-spec',
    );
  }, 60_000);

  afterAll(async () => {
    client.disconnect();
    await Promise.all([sentinel.stop(), replica.stop(), master.stop()]);
  });

  it('reads the Sentinel form of the connection string into ioredis options', () => {
    expect(
      redisOptionsFromUrl(sentinelUrl(['10.0.0.1:26379', '10.0.0.2:26380'], 'm1', 'redis://:s3cret@ignored:6379/2')),
    ).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
      ],
      name: 'm1',
      username: undefined,
      password: 's3cret',
      db: 2,
    });
  });

  it('keeps answering, with what was written, after the master is killed and the replica promoted', async () => {
    await client.set('ha:key', 'before failover');
    // Acknowledged by the replica before the master dies: nothing the caller was told is written may be lost.
    expect(await client.wait(1, 5000)).toBe(1);
    await master.kill();
    await within(
      30_000,
      async () =>
        (await client.set('ha:after', 'written after').then(
          () => true,
          () => false,
        )) === true,
      250,
    );
    expect(await client.get('ha:key')).toBe('before failover');
    expect(await client.get('ha:after')).toBe('written after');
    const role = (await client.role()) as unknown[];
    expect(role[0]).toBe('master');
  }, 60_000);
});
