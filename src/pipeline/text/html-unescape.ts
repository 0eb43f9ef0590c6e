/**
 * Python's `html.unescape` (the HTML5 character-reference rules) for prompt cleaning:
 * numeric references exactly as Python decodes them, and the named references that
 * occur in text: the 106 legacy names that also work without `;` (`&amp`, `&nbsp`, the
 * Latin-1 letters…) and the rest of HTML 4's set plus `&apos;`. Python knows 2,231 names;
 * the other ~1,800 (e.g. `&NotNestedGreaterGreater;`) are left as written here, never
 * decoded wrongly: the names that begin with a legacy name are all listed (see
 * {@link LEGACY_PREFIXED}), so no prefix match misreads them.
 */

/** Latin-1 names U+00A0…U+00FF in code point order: legacy names, valid with or without `;`. */
const LATIN1_NAMES = (
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro ' +
  'para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil ' +
  'Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave ' +
  'Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml ' +
  'igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute ' +
  'thorn yuml'
).split(' ');

/** The other legacy names (valid without `;`). */
const LEGACY_OTHERS: Readonly<Record<string, number>> = {
  amp: 0x26, AMP: 0x26, lt: 0x3c, LT: 0x3c, gt: 0x3e, GT: 0x3e, quot: 0x22, QUOT: 0x22, COPY: 0xa9, REG: 0xae,
};

/** Names valid only with `;`: the rest of HTML 4 (HTML5 code points), `&apos;`, and a few frequent HTML5 ones. */
const SEMICOLON_ONLY: Readonly<Record<string, number>> = {
  apos: 0x27, Tab: 0x09, NewLine: 0x0a, OElig: 0x152, oelig: 0x153, Scaron: 0x160, scaron: 0x161, Yuml: 0x178,
  fnof: 0x192, circ: 0x2c6, tilde: 0x2dc, ensp: 0x2002, emsp: 0x2003, thinsp: 0x2009, zwnj: 0x200c, zwj: 0x200d,
  lrm: 0x200e, rlm: 0x200f, ndash: 0x2013, mdash: 0x2014, lsquo: 0x2018, rsquo: 0x2019, sbquo: 0x201a,
  ldquo: 0x201c, rdquo: 0x201d, bdquo: 0x201e, dagger: 0x2020, Dagger: 0x2021, bull: 0x2022, hellip: 0x2026,
  permil: 0x2030, prime: 0x2032, Prime: 0x2033, lsaquo: 0x2039, rsaquo: 0x203a, oline: 0x203e, frasl: 0x2044,
  euro: 0x20ac, image: 0x2111, weierp: 0x2118, real: 0x211c, trade: 0x2122, alefsym: 0x2135, larr: 0x2190,
  uarr: 0x2191, rarr: 0x2192, darr: 0x2193, harr: 0x2194, crarr: 0x21b5, lArr: 0x21d0, uArr: 0x21d1, rArr: 0x21d2,
  dArr: 0x21d3, hArr: 0x21d4, forall: 0x2200, part: 0x2202, exist: 0x2203, empty: 0x2205, nabla: 0x2207,
  isin: 0x2208, notin: 0x2209, ni: 0x220b, prod: 0x220f, sum: 0x2211, minus: 0x2212, lowast: 0x2217, radic: 0x221a,
  prop: 0x221d, infin: 0x221e, ang: 0x2220, and: 0x2227, or: 0x2228, cap: 0x2229, cup: 0x222a, int: 0x222b,
  there4: 0x2234, sim: 0x223c, cong: 0x2245, asymp: 0x2248, ne: 0x2260, equiv: 0x2261, le: 0x2264, ge: 0x2265,
  sub: 0x2282, sup: 0x2283, nsub: 0x2284, sube: 0x2286, supe: 0x2287, oplus: 0x2295, otimes: 0x2297, perp: 0x22a5,
  sdot: 0x22c5, lceil: 0x2308, rceil: 0x2309, lfloor: 0x230a, rfloor: 0x230b, lang: 0x27e8, rang: 0x27e9,
  loz: 0x25ca, spades: 0x2660, clubs: 0x2663, hearts: 0x2665, diams: 0x2666, thetasym: 0x3d1, upsih: 0x3d2, piv: 0x3d6,
};

/**
 * HTML5 names that begin with a legacy name (`&notin;` with `&not`, `&timesb;` with
 * `&times`). Unlisted, the longest-prefix rule would decode them as the legacy name
 * followed by the rest.
 */
const LEGACY_PREFIXED: Readonly<Record<string, string>> = {
  centerdot: '\u00b7', copysr: '\u2117', divideontimes: '\u22c7', gtcc: '\u2aa7', gtcir: '\u2a7a', gtdot: '\u22d7',
  gtlPar: '\u2995', gtquest: '\u2a7c', gtrapprox: '\u2a86', gtrarr: '\u2978', gtrdot: '\u22d7', gtreqless: '\u22db',
  gtreqqless: '\u2a8c', gtrless: '\u2277', gtrsim: '\u2273', ltcc: '\u2aa6', ltcir: '\u2a79', ltdot: '\u22d6',
  lthree: '\u22cb', ltimes: '\u22c9', ltlarr: '\u2976', ltquest: '\u2a7b', ltri: '\u25c3', ltrie: '\u22b4',
  ltrif: '\u25c2', ltrPar: '\u2996', notindot: '\u22f5\u0338', notinE: '\u22f9\u0338', notinva: '\u2209',
  notinvb: '\u22f7', notinvc: '\u22f6', notni: '\u220c', notniva: '\u220c', notnivb: '\u22fe', notnivc: '\u22fd',
  parallel: '\u2225', timesb: '\u22a0', timesbar: '\u2a31', timesd: '\u2a30',
};

/** Greek letters of HTML 4: capitals U+0391… and small letters U+03B1… (U+03A2 and U+03C2 are final-sigma slots). */
const GREEK = 'Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho _ Sigma Tau Upsilon Phi Chi Psi Omega'.split(' ');

/** Entity name (with `;`, and without it for legacy names) → replacement text. */
const NAMED: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  const legacy = (name: string, code: number) => {
    map.set(name, String.fromCodePoint(code));
    map.set(`${name};`, String.fromCodePoint(code));
  };
  LATIN1_NAMES.forEach((name, i) => legacy(name, 0xa0 + i));
  for (const [name, code] of Object.entries(LEGACY_OTHERS)) legacy(name, code);
  for (const [name, code] of Object.entries(SEMICOLON_ONLY)) map.set(`${name};`, String.fromCodePoint(code));
  for (const [name, text] of Object.entries(LEGACY_PREFIXED)) map.set(`${name};`, text);
  GREEK.forEach((name, i) => {
    if (name === '_') return;
    map.set(`${name};`, String.fromCodePoint(0x391 + i));
    map.set(`${name.toLowerCase()};`, String.fromCodePoint(0x3b1 + i));
  });
  map.set('sigmaf;', '\u03c2');
  return map;
})();

/** Numeric references Python maps elsewhere (NUL, CR, and the C1 range read as Windows-1252). */
const INVALID_CHARREFS: ReadonlyMap<number, string> = new Map<number, string>([
  [0x00, '\ufffd'], [0x0d, '\r'], [0x80, '\u20ac'], [0x81, '\x81'], [0x82, '\u201a'], [0x83, '\u0192'],
  [0x84, '\u201e'], [0x85, '\u2026'], [0x86, '\u2020'], [0x87, '\u2021'], [0x88, '\u02c6'], [0x89, '\u2030'],
  [0x8a, '\u0160'], [0x8b, '\u2039'], [0x8c, '\u0152'], [0x8d, '\x8d'], [0x8e, '\u017d'], [0x8f, '\x8f'],
  [0x90, '\x90'], [0x91, '\u2018'], [0x92, '\u2019'], [0x93, '\u201c'], [0x94, '\u201d'], [0x95, '\u2022'],
  [0x96, '\u2013'], [0x97, '\u2014'], [0x98, '\u02dc'], [0x99, '\u2122'], [0x9a, '\u0161'], [0x9b, '\u203a'],
  [0x9c, '\u0153'], [0x9d, '\x9d'], [0x9e, '\u017e'], [0x9f, '\u0178'],
]);

/** Code points Python drops: controls, noncharacters. */
function isDroppedCodePoint(cp: number): boolean {
  return (
    (cp >= 0x01 && cp <= 0x08) ||
    cp === 0x0b ||
    (cp >= 0x0e && cp <= 0x1f) ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0xfdd0 && cp <= 0xfdef) ||
    (cp & 0xfffe) === 0xfffe
  );
}

function numericReference(cp: number): string {
  const mapped = INVALID_CHARREFS.get(cp);
  if (mapped !== undefined) return mapped;
  if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return '\ufffd';
  if (isDroppedCodePoint(cp)) return '';
  return String.fromCodePoint(cp);
}

function namedReference(name: string): string {
  const exact = NAMED.get(name);
  if (exact !== undefined) return exact;
  // The longest legacy name that prefixes it ("&notit;" is "¬it;"), as HTML5 says.
  const chars = Array.from(name);
  for (let length = chars.length - 1; length > 1; length--) {
    const prefix = chars.slice(0, length).join('');
    const value = NAMED.get(prefix);
    if (value !== undefined) return value + chars.slice(length).join('');
  }
  return `&${name}`;
}

const REFERENCE = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

/** Replaces character references the way Python's `html.unescape` does (see the file comment for the named subset). */
export function htmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (_match, ref: string) => {
    if (ref[0] !== '#') return namedReference(ref);
    const hex = ref[1] === 'x' || ref[1] === 'X';
    const digits = ref.slice(hex ? 2 : 1).replace(/;$/, '');
    // Digits beyond 2^53 lose precision but stay above U+10FFFF, which is all that matters.
    return numericReference(parseInt(digits, hex ? 16 : 10));
  });
}
