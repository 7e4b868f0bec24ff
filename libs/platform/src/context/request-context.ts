import type { CallerIdentity } from '@rag/contracts';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContextStore {
  correlationId: string;
  /** When the bus caller of this request stops waiting (epoch ms), if it is a bus request. */
  replyBy?: number;
  /** The API caller the work is done for; travels in the envelope of every bus request made inside it. */
  identity?: CallerIdentity;
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
  identity(): CallerIdentity | undefined {
    return storage.getStore()?.identity;
  },
  /** Names the API caller of the request being handled (the gateway, once it has authenticated the key). */
  setIdentity(identity: CallerIdentity): void {
    const store = storage.getStore();
    if (store) store.identity = identity;
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
