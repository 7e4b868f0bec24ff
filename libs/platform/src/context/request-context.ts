import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContextStore {
  correlationId: string;
  /** When the bus caller of this request stops waiting (epoch ms), if it is a bus request. */
  replyBy?: number;
}

/** The reply deadline of the bus call being made, set by BusClient around the call (read by the transport). */
export const callDeadline = new AsyncLocalStorage<number>();

const storage = new AsyncLocalStorage<RequestContextStore>();

/** Carries the correlation id through async work so logs and bus messages can include it. */
export const RequestContext = {
  run<T>(store: RequestContextStore, fn: () => T): T {
    return storage.run(store, fn);
  },
  get(): RequestContextStore | undefined {
    return storage.getStore();
  },
  correlationId(): string | undefined {
    return storage.getStore()?.correlationId;
  },
  /** Milliseconds until the bus caller stops waiting, or undefined outside a bus request. */
  remainingMs(): number | undefined {
    const by = storage.getStore()?.replyBy;
    return by === undefined ? undefined : by - Date.now();
  },
  newId(): string {
    return randomUUID();
  },
};
