import { garbledText, wordLikeShare } from './text-quality';

describe('garbledText', () => {
  it('tells glyph codes from words', () => {
    // A font without a Unicode map: "Peněžní prostředky na účtech" as poppler gives its glyph codes.
    expect(garbledText('3HQČåQt\u0003SURVWĜHGN\\\u0003QD\u0003~þWHFK')).toBe(true);
    expect(garbledText('Peněžní prostředky na účtech, stav k 31. 12. 2020')).toBe(false);
  });

  it('takes addresses, code, figures and scripts without case for what they are', () => {
    expect(garbledText('curl -X POST https://prime.cdc.gov/api/token -d scope=health submission_id=42')).toBe(false);
    expect(garbledText('HbA1c 6.5% (48 mmol/mol) 0.96-1.05 H1N1 ORU_R01 2025-01-31')).toBe(false);
    expect(garbledText('‫ﺍﺳﻤﻲ ﺳﻠﻄﺎﻥ‬ ‫ﻣﺮﺣﺒﺎ‬ ‫ﻣﻦ ﺍﻳﻦ ﺍﻧﺖ؟‬ ‫ﺍﻧﺎ ﻣﻦ ﻭﻻﻳﺔ ﻛﺎﺭﻭﻟﻴﻨﺎ ﺍﻟﺸﻤﺎﻝ‬')).toBe(false);
  });

  it('does not judge a few characters', () => {
    expect(garbledText('"7+%-')).toBe(false);
    expect(wordLikeShare('')).toEqual({ chars: 0, share: 1 });
  });
});
