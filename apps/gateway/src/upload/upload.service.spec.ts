import { checkMagic, sanitizeFilename } from './upload.service';

describe('upload checks', () => {
  it('strips directories and control characters from filenames', () => {
    expect(sanitizeFilename('../../etc/passwd.pdf')).toBe('passwd.pdf');
    expect(sanitizeFilename('C:\\Users\\x\\report.pdf')).toBe('report.pdf');
    expect(sanitizeFilename('a\u0000b\u001f.txt')).toBe('ab.txt');
    expect(sanitizeFilename('..')).toBe('upload');
  });

  it('checks magic bytes against the claimed type', () => {
    expect(checkMagic('pdf', Buffer.from('%PDF-1.7 ...'), 10)).toBeNull();
    expect(checkMagic('pdf', Buffer.from('hello'), 5)).toMatch(/not a PDF/);
    expect(checkMagic('txt', Buffer.from([0x61, 0x00, 0x62]), 3)).toMatch(/binary/);
    expect(checkMagic('html', Buffer.from('  <html>'), 8)).toBeNull();
    expect(checkMagic('txt', Buffer.alloc(0), 0)).toMatch(/empty/);
  });
});
