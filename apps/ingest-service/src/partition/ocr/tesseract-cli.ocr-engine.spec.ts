import { parseHocr } from './tesseract-cli.ocr-engine';

const HOCR = `<div class='ocr_page' id='page_1' title='image "stdin"; bbox 0 0 1650 1275'>
 <div class='ocr_carea' id='block_1_1' title="bbox 1557 487 1574 788">
  <p class='ocr_par' id='par_1_1' lang='eng' title="bbox 1557 487 1574 788">
   <span class='ocr_header' id='line_1_1' title="bbox 1557 487 1574 788; x_size 25.75; x_descenders 5.5; x_ascenders 6.75">
    <span class='ocrx_word' id='word_1_1' title='bbox 1557 487 1574 562; x_wconf 96'>Morbidity</span>
    <span class='ocrx_word' id='word_1_2' title='bbox 1561 568 1574 595; x_wconf 95'>&amp;</span>
   </span>
  </p>
 </div>
 <div class='ocr_carea' id='block_1_2' title="bbox 119 186 605 231">
  <p class='ocr_par' id='par_1_2' lang='eng' title="bbox 119 186 605 231">
   <span class='ocr_line' id='line_1_3' title="bbox 119 186 605 206; baseline 0.01 -5; x_size 24.25; x_descenders 5.5; x_ascenders 6.25">
    <span class='ocrx_word' id='word_1_11' title='bbox 119 187 161 201; x_wconf 96'>them</span>
    <span class='ocrx_word' id='word_1_12' title='bbox 168 189 184 201; x_wconf 90'>to</span>
    <span class='ocrx_word' id='word_1_13' title='bbox 190 189 200 201; x_wconf 90'> </span>
   </span>
   <span class='ocr_caption' id='line_1_4' title="bbox 119 210 300 231; baseline 0 -4; x_size 20">
    <span class='ocrx_word' id='word_1_14' title='bbox 119 210 300 231; x_wconf 88'>Table</span>
   </span>
  </p>
 </div>
</div>`;

describe('parseHocr', () => {
  it('reads lines of every kind with their words, boxes and confidences; a vertical line has no baseline', () => {
    const lines = parseHocr(HOCR);
    expect(lines.map((l) => l.words.map((w) => w.text).join(' '))).toEqual(['Morbidity &', 'them to', 'Table']);
    expect(lines[1].words[0]).toEqual({ x0: 119, y0: 187, x1: 161, y1: 201, confidence: 96, text: 'them' });
    // Baseline: the box's foot plus the offset, at the line's middle along the slope.
    expect(lines[1].baseline).toBeCloseTo(206 - 5 + 0.01 * 243, 5);
    expect(lines[1].height).toBe(20);
    expect(lines[0].baseline).toBe(788);
  });

  it('reads nothing from output without lines', () => {
    expect(parseHocr("<div class='ocr_page' id='page_1' title='bbox 0 0 10 10'></div>")).toEqual([]);
  });
});
