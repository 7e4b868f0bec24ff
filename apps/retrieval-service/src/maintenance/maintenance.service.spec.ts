import { MaintenanceService } from './maintenance.service';

describe('MaintenanceService index refresh after writes', () => {
  let onWrite: () => void;
  let optimized: number[];
  let refreshed: number;
  let warmed: string[];
  let busyElsewhere: boolean;
  let service: MaintenanceService;

  beforeEach(() => {
    jest.useFakeTimers();
    optimized = [];
    refreshed = 0;
    warmed = [];
    busyElsewhere = false;
    const documents = {
      onWrite: (l: () => void) => (onWrite = l),
      ifMaintenanceFree: async (fn: () => Promise<void>) => {
        if (busyElsewhere) return false;
        await fn();
        return true;
      },
      withWriteLock: (fn: () => Promise<void>) => fn(),
    };
    const repo = {
      optimize: async () => void optimized.push(Date.now()),
      ensureScalarIndices: async () => false,
      ensureVectorIndex: async () => false,
      refreshIndexState: async () => void refreshed++,
      warmMemorySearchAll: async (opts: { searchedOnly?: boolean } = {}) => {
        warmed.push(`${optimized.length}${opts.searchedOnly ? ' searched' : ''}`);
        return 1;
      },
    };
    const config = { indexRefreshDelayMs: 1000, maintenanceIntervalMs: 3_600_000 };
    const logger = { info: () => undefined, warn: () => undefined };
    const calibration = { calibrateIfNeeded: async () => [] };
    service = new MaintenanceService(
      repo as never,
      documents as never,
      calibration as never,
      config as never,
      logger as never,
    );
    service.onApplicationBootstrap();
  });

  afterEach(async () => {
    await service.onModuleDestroy();
    jest.useRealTimers();
  });

  it('waits until the writes have been quiet for the delay, so a burst of uploads is not stalled by it', async () => {
    const start = Date.now();
    for (let i = 0; i < 5; i++) {
      onWrite();
      await jest.advanceTimersByTimeAsync(500);
    }
    expect(optimized).toEqual([]);
    await jest.advanceTimersByTimeAsync(600);
    expect(optimized).toEqual([start + 3000]);
  });

  it('still refreshes during a long stream of writes, at most ten delays behind the first', async () => {
    const start = Date.now();
    for (let i = 0; i < 30; i++) {
      onWrite();
      await jest.advanceTimersByTimeAsync(500);
    }
    expect(optimized.length).toBeGreaterThanOrEqual(1);
    expect(optimized[0] - start).toBeLessThanOrEqual(10_000);
  });

  it('reads the index state another replica left when that replica holds the maintenance lock', async () => {
    busyElsewhere = true;
    expect(await service.tick()).toBe(true);
    expect(optimized).toEqual([]);
    expect(refreshed).toBe(1);
    busyElsewhere = false;
    await service.tick();
    expect(optimized.length).toBe(1);
    expect(refreshed).toBe(1); // its own maintenance reads the state as part of its work
  });

  it('builds the memory snapshots at start, and after each refresh those of the collections searched', async () => {
    await jest.advanceTimersByTimeAsync(0);
    expect(warmed).toEqual(['0']);
    onWrite();
    await jest.advanceTimersByTimeAsync(1000);
    // After the optimize, which gives the table a new version.
    expect(warmed).toEqual(['0', '1 searched']);
  });
});
