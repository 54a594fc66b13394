/** Byte-level pieces of the CSV reader: the special bytes, space and UTF-8 length rules, and the header line's separator. */
export const LF = 10;
export const CR = 13;
export const QUOTE = 34;

// How the record delimiter stands: csv-parse takes the first line break outside quotes (CRLF, LF or CR) as the only one.
export const RD_UNKNOWN = 0;
export const RD_LF = 1;
export const RD_CR = 2;
export const RD_CRLF = 3;

/** csv-parse's `trim` set: what is dropped around a value (and allowed after a closing quote): CR, LF, FF, space, tab. */
export function isTrim(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10 || c === 12;
}

/** The ASCII characters String.prototype.trimEnd drops (csv-parse trims the end of an unquoted value with it): tab to CR, space. */
export function isJsSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * The length of the UTF-8 sequence starting at `pos` (2 to 4), 0 if it is not valid UTF-8 (a stray continuation
 * byte, an overlong form, a surrogate, past U+10FFFF: what Node's isUtf8 rejects), or -1 if it may be valid but runs
 * past `n`.
 */
export function utf8Length(b: Uint8Array, pos: number, n: number): number {
  const c = b[pos]!;
  let len: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) len = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    if (c === 0xe0) lo = 0xa0; // overlong
    else if (c === 0xed) hi = 0x9f; // surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    if (c === 0xf0) lo = 0x90; // overlong
    else if (c === 0xf4) hi = 0x8f; // past U+10FFFF
  } else return 0;
  for (let k = 1; k < len; k++) {
    if (pos + k >= n) return -1;
    const d = b[pos + k]!;
    if (k === 1 ? d < lo || d > hi : (d & 0xc0) !== 0x80) return 0;
  }
  return len;
}

/**
 * The separator byte detectDelimiter would choose from the header line (the text up to the first line break outside
 * double quotes): `,`, `;` or tab, whichever occurs most often outside quotes, `,` on a tie or none. -1 when the
 * header line has not ended within `data` and more may come.
 */
export function detectDelimiterBytes(data: Uint8Array, from: number, final: boolean): number {
  let comma = 0, semicolon = 0, tab = 0;
  let inQuotes = false;
  let pos = from;
  const n = data.length;
  for (; pos < n; pos++) {
    const c = data[pos]!;
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (!inQuotes) {
      if (c === LF || c === CR) break;
      if (c === 44) comma++;
      else if (c === 59) semicolon++;
      else if (c === 9) tab++;
    }
  }
  if (pos === n && !final) return -1;
  let best = 44;
  let count = comma;
  if (semicolon > count) {
    best = 59;
    count = semicolon;
  }
  if (tab > count) best = 9;
  return best;
}
