import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Raw pixels as pdf.js decodes them: 1 = 1-bit grayscale, 2 = RGB, 3 = RGBA. */
export interface RawImage {
  width: number;
  height: number;
  kind: 1 | 2 | 3;
  data: Uint8Array | Uint8ClampedArray;
}

/**
 * A PNG file from decoded pixels (a page scan for OCR, an image for a vision model). Written here
 * rather than with pngjs, which took 3-5× as long on a scan page (its per-row filter search).
 */
export function encodePng(img: RawImage): Buffer {
  const { width, height, kind } = img;
  const channels = kind === 3 ? 4 : kind === 2 ? 3 : 1;
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  if (kind === 1) {
    // 1 bit per pixel, rows padded to whole bytes: expand to 8-bit gray.
    const srcStride = (width + 7) >> 3;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = (img.data[y * srcStride + (x >> 3)] >> (7 - (x & 7))) & 1;
        raw[y * (stride + 1) + 1 + x] = bit ? 255 : 0;
      }
    }
  } else {
    for (let y = 0; y < height; y++) raw.set(img.data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return png(width, height, kind === 3 ? 6 : kind === 2 ? 2 : 0, raw);
}

/** A PNG of 8-bit gray pixels, one byte each, row after row (a crop of a scan to read again). */
export function encodeGrayPng(width: number, height: number, gray: Uint8Array): Buffer {
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(gray.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return png(width, height, 0, raw);
}

/** The file around filtered rows (each row led by filter type 0), 8 bits per sample. */
function png(width: number, height: number, colorType: number, raw: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
