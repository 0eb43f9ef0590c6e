import { decodeHTML } from 'entities/decode';

/**
 * The references Python's `html.unescape` replaces, found the way it finds them
 * (`html._charref`): each is decoded on its own, so a reference can never be formed
 * from the text around another one that decodes to nothing.
 */
const REFERENCE = /&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g;

/**
 * Code points that Python's `html.unescape` drops when a numeric reference decodes to them
 * (`html._invalid_codepoints`, less the C1 range, which both map to Windows-1252 first):
 * C0 controls other than tab, line feed, form feed and carriage return, DEL, noncharacters.
 * The HTML5 tokenizer (and so `entities`) only reports them as parse errors and keeps them.
 */
function isDroppedCodePoint(codePoint: number): boolean {
  return (
    (codePoint >= 0x01 && codePoint <= 0x08) ||
    codePoint === 0x0b ||
    (codePoint >= 0x0e && codePoint <= 0x1f) ||
    codePoint === 0x7f ||
    (codePoint >= 0xfdd0 && codePoint <= 0xfdef) ||
    (codePoint & 0xfffe) === 0xfffe
  );
}

/** Python's `html.unescape`: the HTML5 character references, with every one of its 2,231 names. */
export function htmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (reference) => {
    const decoded = decodeHTML(reference);
    const numeric = reference[1] === '#';
    return numeric && isDroppedCodePoint(decoded.codePointAt(0)!) ? '' : decoded;
  });
}
