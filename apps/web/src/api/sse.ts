import { createParser, EventSourceMessage } from 'eventsource-parser';

export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Server-Sent Events from a fetch body (EventSource cannot POST), parsed by eventsource-parser;
 * an event the stream ends without a blank line after is still delivered.
 */
export async function* readSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const ready: SseEvent[] = [];
  const parser = createParser({
    onEvent: (e: EventSourceMessage) => ready.push({ event: e.event ?? 'message', data: e.data }),
  });
  try {
    for (;;) {
      if (signal?.aborted) return;
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      yield* ready.splice(0);
    }
    // A blank line closes an event the stream ended in the middle of.
    parser.feed(decoder.decode() + '\n\n');
    yield* ready.splice(0);
  } finally {
    reader.releaseLock();
  }
}
