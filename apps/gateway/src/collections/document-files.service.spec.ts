import { DomainError } from '@rag/platform';
import { parseRange } from './document-files.service';

describe('parseRange', () => {
  it('reads one byte range of a Range header, open-ended and suffix ranges too, clipped to the file', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=990-2000', 1000)).toEqual({ start: 990, end: 999 });
  });

  it('sends the whole file for no header, several ranges or another unit', () => {
    expect(parseRange(undefined, 1000)).toBeNull();
    expect(parseRange('bytes=0-1,5-6', 1000)).toBeNull();
    expect(parseRange('items=0-1', 1000)).toBeNull();
    expect(parseRange('bytes=-', 1000)).toBeNull();
  });

  it('refuses a range that starts past the end', () => {
    expect(() => parseRange('bytes=1000-', 1000)).toThrow(DomainError);
    expect(() => parseRange('bytes=5-2', 1000)).toThrow(/outside the file's 1000 bytes/);
  });
});
