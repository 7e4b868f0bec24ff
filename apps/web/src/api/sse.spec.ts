import { describe, expect, it } from 'vitest';
import { readSse } from './sse';

const stream = (parts: string[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of parts) c.enqueue(new TextEncoder().encode(p));
      c.close();
    },
  });

describe('readSse', () => {
  it('parses events split across network chunks, CRLF and multi-line data', async () => {
    const events = [];
    for await (const e of readSse(
      stream(['event: sources\ndata: {"a"', ':1}\n\nevent: tok', 'en\r\ndata: x\r\ndata: y\r\n\r\n', 'data: tail']),
    ))
      events.push(e);
    expect(events).toEqual([
      { event: 'sources', data: '{"a":1}' },
      { event: 'token', data: 'x\ny' },
      { event: 'message', data: 'tail' },
    ]);
  });
});
