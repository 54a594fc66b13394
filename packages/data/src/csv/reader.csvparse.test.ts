import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { isDiscernError } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { detectDelimiterBytes } from './bytes.js';
import { readerSettings } from './options.js';
import { CsvRecordReader } from './reader.js';

// The reader replaced csv-parse 6 (which this package used with the options below until it outgrew it). It must read
// every input as csv-parse read it: the same records, field for field, and an error exactly where csv-parse threw one.
// csv-parse itself is the reference here, on fuzzed input built from the characters that matter to CSV, fed whole
// and in chunks cut anywhere.
const CSV_PARSE_OPTIONS = { quote: '"', escape: '"', trim: true, relax_column_count: true, bom: true } as const;

function reference(bytes: Buffer, delimiter: string): { records: string[][] } | { error: true } {
  try {
    return { records: parse(bytes, { ...CSV_PARSE_OPTIONS, delimiter }) as string[][] };
  } catch {
    return { error: true };
  }
}

/** The reader's records, the data fed in pieces cut at `cuts` (held-back bytes given again, as the file readers do). */
function ours(bytes: Buffer, delimiter: string, cuts: number[] = []): { records: string[][] } | { error: true } {
  // csv-parse skips one byte-order mark (the file readers two: see ReaderSettings.boms)
  const reader = new CsvRecordReader({ ...readerSettings({ delimiter }, 'fuzz.csv'), boms: 1 });
  const records: string[][] = [];
  const push = (r: string[]) => records.push(r);
  try {
    let held: Buffer = Buffer.alloc(0);
    let at = 0;
    for (const cut of [...cuts].sort((a, b) => a - b)) {
      if (cut <= at || cut >= bytes.length) continue;
      held = reader.write(Buffer.concat([held, bytes.subarray(at, cut)]), push);
      at = cut;
    }
    reader.end(Buffer.concat([held, bytes.subarray(at)]), push);
    return { records };
  } catch (e) {
    if (!isDiscernError(e)) throw e;
    expect(e.code).toBe('DATA_INVALID');
    return { error: true };
  }
}

// Every character with a meaning (and some without): quotes, separators, each line break, each blank csv-parse trims
// and those only String.prototype.trimEnd trims (VT, NBSP, U+2028, U+3000), NUL, a BOM, multi-byte text.
const UNIT = fc.constantFrom('"', '""', ',', ';', '\t', '\n', '\r', '\r\n', ' ', '\f', '\v', '\0', 'a', 'b', '1', '.', 'é', '\u00a0', '\u2028', '\u3000', '😀', '\uFEFF', 'NA');
const text = fc.array(UNIT, { maxLength: 40 }).map((units) => units.join(''));
const SEED = 20250611;

describe('the reader reads what csv-parse reads', () => {
  it('on fuzzed text, whole, with each delimiter', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(text, fc.constantFrom(',', ';', '\t'), (t, d) => {
        const bytes = Buffer.from(t);
        const want = reference(bytes, d);
        expect(ours(bytes, d)).toEqual(want);
        if ('error' in want) refused++;
        else accepted++;
      }),
      { numRuns: 4000, seed: SEED },
    );
    // both sides of the comparison are exercised
    expect(accepted).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(300);
  });

  it('on fuzzed text fed in chunks cut anywhere (inside CRLF, a doubled quote, a UTF-8 sequence)', () => {
    fc.assert(
      fc.property(text, fc.array(fc.nat({ max: 200 }), { maxLength: 6 }), (t, cuts) => {
        const bytes = Buffer.from(t);
        expect(ours(bytes, ',', cuts)).toEqual(reference(bytes, ','));
      }),
      { numRuns: 3000, seed: SEED },
    );
  });

  it('on the cases worked out by hand', () => {
    const cases = [
      'a,b\n1,2\n', // plain
      ' a , b \r\n 1 ,  "  x  " \r\n', // blanks trimmed outside quotes only
      'a,b\n"x,y","say ""hi"""\n', // separators and doubled quotes inside quotes
      'a,b\n1,"two\nlines"\n', // a line break inside quotes
      'a,b\r\n1,2\n3,4\r\n', // CRLF found first: a lone LF is then a character (trimmed at the ends of a value)
      'a,b\n1,2\r3,4\n', // LF found first: a CR inside a value is kept
      'a,b\r1,2\r', // CR alone as the record delimiter
      'a,b\n1,"x" \n', // blanks after a closing quote
      'a,b\n1,"x"y\n', // text after a closing quote: an error
      'a,b\n1,x"y\n', // a quote inside an unquoted value: an error
      'a,b\n1,"open\n', // never closed: an error
      'a,b\n1,"" "z"\n', // an empty quoted value, then a quote opens again (csv-parse refuses the z)
      'a,b\n1,"" "  "\n', // ... and accepts blanks there
      'a\n1\u00a0\n\u00a02\n', // NBSP: trimmed at the end (trimEnd), kept at the start (ltrim takes ASCII blanks only)
      'a\n\v1\v\n', // VT likewise
      '\uFEFFa,b\n1,2', // a BOM; no line break at the end
      '\uFEFF\uFEFFa\n1\n', // only the first BOM is skipped
      'a,b\n\n  \n1,2\n', // blank lines are records of one empty value
      '"a\nb",c\r\n1,2\r\n', // the record delimiter is found after the quoted header value
      'a,b\n"x"\0\n', // a NUL after a closing quote: an error (csv-parse closes the quote on it, then refuses it)
    ];
    for (const t of cases) expect([t, ours(Buffer.from(t), ',')]).toEqual([t, reference(Buffer.from(t), ',')]);
  });

  it('detects the delimiter as before: the most frequent of , ; tab outside quotes in the header line', () => {
    const detect = (t: string) => String.fromCharCode(detectDelimiterBytes(Buffer.from(t), 0, true));
    expect(detect('a;b;c\n1,2,3')).toBe(';');
    expect(detect('"x;y;z",b\n')).toBe(',');
    expect(detect('a\tb\tc;d\n')).toBe('\t');
    expect(detect('a;b,c\tx\n')).toBe(','); // a tie goes to ','
    // the header line has not ended: more bytes are needed
    expect(detectDelimiterBytes(Buffer.from('a;b;c'), 0, false)).toBe(-1);
    expect(detectDelimiterBytes(Buffer.from('"a\nb";c'), 0, false)).toBe(-1);
  });
});
