import { PNG } from 'pngjs';

/** 8-bit gray pixels, row after row. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Gray levels of a PNG of any colour type (pngjs expands every pixel to RGBA). */
export function decodeGray(png: Buffer): GrayImage {
  const img = PNG.sync.read(png);
  const data = new Uint8Array(img.width * img.height);
  for (let i = 0, p = 0; i < data.length; i++, p += 4)
    data[i] = (299 * img.data[p] + 587 * img.data[p + 1] + 114 * img.data[p + 2]) / 1000;
  return { width: img.width, height: img.height, data };
}

/**
 * The image turned about its centre so that lines sloping by `slope` (dy/dx, y down) come out
 * level, and enlarged `scale` times; white where the turned image does not reach, each pixel
 * sampled bilinearly.
 */
export function levelled(img: GrayImage, slope: number, scale = 1): GrayImage {
  const { width: w, height: h, data: src } = img;
  const [W, H] = [Math.round(w * scale), Math.round(h * scale)];
  const theta = Math.atan(slope);
  const [cos, sin] = [Math.cos(theta), Math.sin(theta)];
  const [cx, cy] = [(w - 1) / 2, (h - 1) / 2];
  const out = new Uint8Array(W * H).fill(255);
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= w || y >= h ? 255 : src[y * w + x]);
  for (let Y = 0; Y < H; Y++) {
    const dy = Y / scale - cy;
    for (let X = 0; X < W; X++) {
      const dx = X / scale - cx;
      // A level line of the output is a line of the input sloping by `slope`.
      const sx = cx + cos * dx - sin * dy;
      const sy = cy + sin * dx + cos * dy;
      const [x0, y0] = [Math.floor(sx), Math.floor(sy)];
      if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) continue;
      const [fx, fy] = [sx - x0, sy - y0];
      const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
      const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
      out[Y * W + X] = top * (1 - fy) + bottom * fy;
    }
  }
  return { width: W, height: H, data: out };
}

/**
 * The slope (dy/dx) near `guess` at which the dark pixels' rows line up best: the sum of squared
 * counts of dark pixels per row, the rows sheared by the slope, is largest when text lines lie
 * along the rows (the projection profile of the classic deskew). Measured on a copy at most 800
 * pixels wide, in steps of 0.0005 within ±0.01 of the guess.
 */
export function profileSkew(img: GrayImage, guess: number): number {
  const step = Math.max(1, Math.ceil(img.width / 800));
  const dark: number[] = [];
  for (let y = 0; y < img.height; y += step)
    for (let x = 0; x < img.width; x += step) if (img.data[y * img.width + x] < 128) dark.push(x, y);
  const cx = img.width / 2;
  let best = guess;
  let bestScore = -1;
  const rows = new Map<number, number>();
  for (let k = -20; k <= 20; k++) {
    const slope = guess + k * 0.0005;
    rows.clear();
    for (let i = 0; i < dark.length; i += 2) {
      const r = Math.round((dark[i + 1] - slope * (dark[i] - cx)) / step);
      rows.set(r, (rows.get(r) ?? 0) + 1);
    }
    let score = 0;
    for (const n of rows.values()) score += n * n;
    if (score > bestScore) [best, bestScore] = [slope, score];
  }
  return best;
}
