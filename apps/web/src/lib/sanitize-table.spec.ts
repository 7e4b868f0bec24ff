import { describe, expect, it } from 'vitest';
import { sanitizeTableHtml } from './sanitize-table';

describe('sanitizeTableHtml', () => {
  it('keeps table structure and text only', () => {
    const dirty =
      '<table onclick="steal()"><thead><tr><th style="x" colspan="2">Dose <a href="javascript:alert(1)">mg</a></th></tr></thead>' +
      '<tbody><tr><td rowspan="evil">5<img src=x onerror=alert(1)></td><td><script>alert(1)</script>10</td></tr></tbody></table>';
    const clean = sanitizeTableHtml(dirty);
    expect(clean).toBe(
      '<table><thead><tr><th colspan="2">Dose mg</th></tr></thead><tbody><tr><td>5</td><td>10</td></tr></tbody></table>',
    );
  });
});
