import { dingbatGlyphs, dingbatTypeface, hasDingbatCodes, replaceDingbats } from './dingbats';

describe('dingbatTypeface', () => {
  it.each([
    ['TKXRNA+Wingdings-Regular', 'Wingdings'],
    ['BWMFRG+Wingdings2', 'Wingdings 2'],
    ['Wingdings 3', 'Wingdings 3'],
    ['SymbolMT', 'Symbol'],
    ['ABCDEF+Symbol,Bold', 'Symbol'],
    ['Webdings', 'Webdings'],
    ['ABCDEF+DINPro-Bold', null],
    ['Symbol2', null],
    ['SymbolicSans', null],
  ])('%s is %s', (name, face) => expect(dingbatTypeface(name)).toBe(face));
});

describe('dingbatGlyphs', () => {
  it('reads a code by the font it is drawn in', () => {
    const glyphs = dingbatGlyphs([
      { font: 'TKXRNA+Wingdings-Regular', char: '\uf0fc' },
      { font: 'BWMFRG+Wingdings2', char: '\uf0a2' },
      { font: 'SymbolMT', char: '\uf0b7' },
    ]);
    expect(glyphs).toEqual(
      new Map([
        ['\uf0fc', '✓'],
        ['\uf0a2', '■'],
        ['\uf0b7', '•'],
      ]),
    );
  });

  it('leaves out a code two fonts on the page read differently, and one of an unknown font', () => {
    const glyphs = dingbatGlyphs([
      { font: 'Wingdings', char: '\uf0a2' },
      { font: 'Wingdings2', char: '\uf0a2' },
      { font: 'Wingdings', char: '\uf0fc' },
      { font: 'Wingdings-Bold', char: '\uf0fc' },
      { font: 'MyIcons', char: '\uf041' },
    ]);
    expect(glyphs).toEqual(new Map([['\uf0fc', '✓']]));
  });
});

describe('replaceDingbats', () => {
  it('replaces the codes it knows and keeps the others', () => {
    const glyphs = new Map([['\uf0fc', '✓']]);
    expect(replaceDingbats('Tip \uf0fc \uf041 x', glyphs)).toBe('Tip ✓ \uf041 x');
    expect(hasDingbatCodes('plain text ✓')).toBe(false);
    expect(hasDingbatCodes('a \uf0fc')).toBe(true);
  });
});
