/**
 * The CSV reader under every reading function of this package: bytes in (a string's bytes, or a file read in chunks),
 * records out, each with the file line it starts on.
 *
 * It reads what csv-parse 6 reads with the options this package always used (`quote: '"'`, `escape: '"'`,
 * `trim: true`, `relax_column_count: true`, `bom: true`, the record delimiter found at the first line break outside
 * quotes), record for record and field for field; `reader.csvparse.test.ts` holds it to that on fuzzed input. It
 * replaced csv-parse because of what csv-parse could not do here: bound the bytes held for one record (a file without
 * line breaks, such as /dev/zero, grew its buffers without limit), refuse bytes that are not UTF-8 with their line
 * and column (csv-parse decodes them to U+FFFD), and read a file in chunks both synchronously and as a stream through
 * one public interface (its fast synchronous path is a private member). It is also faster: 2,000,000 rows × 11
 * columns (160 MB) take readCsvFile 2.2 s of CPU where csv-parse's private synchronous path took 9.1 s (4.1 times),
 * readCsvBatches 2.8 s where csv-parse's stream took 9.6 s (3.4 times), both measured in one process, alternating.
 *
 * Bytes are scanned as bytes: the special characters (quote, separator, CR, LF, the trimmed blanks) are ASCII and
 * never occur inside a multi-byte UTF-8 sequence. A value is decoded once, when it ends.
 */
import { DiscernError, quote } from '@discern/core';
import { columnLabel } from './cells.js';
import { CR, LF, QUOTE, RD_CR, RD_CRLF, RD_LF, RD_UNKNOWN, detectDelimiterBytes, isJsSpace, isTrim, utf8Length } from './bytes.js';
import { CHUNK_BYTES, type CsvEncoding, type ReaderSettings } from './options.js';

export type OnRecord = (fields: string[], line: number) => void;

/** `data[a, b)` as text; `trim`: without what String.prototype.trimEnd drops at its end (csv-parse's rtrim). */
function decodeRun(data: Buffer, text: string, encoding: CsvEncoding, a: number, b: number, high: boolean, trim: boolean): string {
  if (!high) {
    if (trim) while (b > a && isJsSpace(data[b - 1]!)) b--;
    // V8 copies slices shorter than 13 characters; a longer slice would keep the whole chunk's string alive
    return b - a < 13 ? text.slice(a, b) : data.toString('latin1', a, b);
  }
  const s = data.toString(encoding, a, b);
  return trim ? s.trimEnd() : s;
}

/** The value that ends at `end`: the runs of a quoted value, or an unquoted run trimmed at its end. */
function finishValue(data: Buffer, text: string, encoding: CsvEncoding, runStart: number, end: number, runHigh: boolean, wasQuoting: boolean, pieces: string[] | null): string {
  if (pieces !== null) {
    // a closed quoted value: its last run was added at the closing quote
    return pieces.length === 1 ? pieces[0]! : pieces.join('');
  }
  if (runStart >= 0) return decodeRun(data, text, encoding, runStart, end, runHigh, !wasQuoting);
  return '';
}

function formatBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n / (1 << 10)} KiB`;
  return `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;
}

function hex(b: Uint8Array, pos: number, n: number): string {
  const out: string[] = [];
  for (let k = pos; k < Math.min(n, pos + 4); k++) out.push(`0x${b[k]!.toString(16).toUpperCase().padStart(2, '0')}`);
  return out.join(' ');
}

const FORMAT_HINT = 'a value containing the separator, a double quote or a line break must be enclosed in double quotes, with inner quotes doubled ("")';

/**
 * Parses CSV bytes into records. Feed it with `write` (returns the bytes of an unfinished record, to be given again
 * in front of the next bytes) and `end`. Records are numbered by the physical line they start on: LF, CRLF and a
 * lone CR each end a line, as editors count them, whether or not they end a record.
 */
export class CsvRecordReader {
  readonly source: string;
  readonly encoding: CsvEncoding;
  readonly maxLineBytes: number;
  private readonly boms: number;
  private delim: number;
  private rd = RD_UNKNOWN;
  /** Line on which the next record starts. */
  private line = 1;
  /** File offset of the first byte of the data given next. */
  private base = 0;
  private started = false;
  /** The first non-blank record: column names for messages. */
  private header: string[] | undefined;

  /** The bytes to read, when a range of the file. */
  readonly range: ReaderSettings['range'];

  constructor(settings: ReaderSettings) {
    this.source = settings.source;
    this.encoding = settings.encoding;
    this.maxLineBytes = settings.maxLineBytes;
    this.delim = settings.delimiter;
    this.boms = settings.boms;
    this.range = settings.range;
    if (settings.range) {
      // the middle of a file: lines counted from the range's first, offsets from its first byte, no BOM
      this.line = settings.range.firstLine;
      this.base = settings.range.start;
      this.started = true;
    }
  }

  /** The separator, given or detected (`,` until the header line has been read). */
  get delimiter(): string {
    return String.fromCharCode(this.delim < 0 ? 44 : this.delim);
  }

  /**
   * How many bytes to read next when `held` are held back: a chunk, or as many as are held (a record longer than a
   * chunk is then scanned a bounded number of times), but never so many that the held record could pass the limit
   * by more than a chunk.
   */
  readSize(held: number): number {
    return Math.max(CHUNK_BYTES, Math.min(held, this.maxLineBytes + 1 - held));
  }

  /** Parses `data` (the bytes held back last time, then new ones); returns the bytes to hold back (a view of `data`). */
  write(data: Buffer, onRecord: OnRecord): Buffer {
    const used = this.process(data, false, onRecord);
    this.base += used;
    return data.subarray(used);
  }

  /** Parses the last bytes (those held back, and no more). */
  end(data: Buffer, onRecord: OnRecord): void {
    this.process(data, true, onRecord);
  }

  private process(data: Buffer, final: boolean, onRecord: OnRecord): number {
    let from = 0;
    if (!this.started) {
      if (data.length < 3 * this.boms && !final) return 0;
      if ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff))
        throw new DiscernError(
          'DATA_INVALID',
          `${this.source} is UTF-16 (it starts with the byte-order mark ${hex(data, 0, 2)}); save it as UTF-8 (or Latin-1) and read it again`,
          { file: this.source, line: 1, encoding: 'utf16' },
        );
      // a Parquet or ROOT file inside a gzip stream (a plain one is told apart by its name or first bytes before it
      // gets here): said as such, not as bad UTF-8 or a malformed row
      const magic = data.subarray(0, 4).toString('latin1');
      if (magic === 'PAR1' || magic === 'root') {
        const format = magic === 'PAR1' ? 'parquet' : 'root';
        throw new DiscernError(
          'DATA_INVALID',
          `${this.source} holds a ${format === 'parquet' ? 'Parquet' : 'ROOT'} file (its content starts with ${magic}), not CSV text; discern reads ${format === 'parquet' ? 'Parquet' : 'ROOT'} files uncompressed: decompress it (gunzip) and give it as .${format}`,
          { file: this.source, line: 1, format },
        );
      }
      // the UTF-8 byte-order mark is not data
      for (let k = 0; k < this.boms && data[from] === 0xef && data[from + 1] === 0xbb && data[from + 2] === 0xbf; k++) from += 3;
      this.started = true;
    }
    if (this.delim < 0) {
      const detected = detectDelimiterBytes(data, from, final);
      if (detected < 0) {
        this.checkHeld(data.length - from, false, 1);
        return from;
      }
      this.delim = detected;
    }
    return this.scan(data, from, final, onRecord);
  }

  /** Refuses an unfinished record that has grown past the limit. */
  private checkHeld(held: number, quoting: boolean, line: number, quoteLine = line): void {
    if (held > this.maxLineBytes) throw this.tooLong(line, quoting, quoteLine);
  }

  private tooLong(line: number, quoting: boolean, quoteLine: number): DiscernError {
    const limit = formatBytes(this.maxLineBytes);
    const source = this.source;
    const ctx = { file: source, line, option: 'maxLineBytes', limit: this.maxLineBytes };
    if (quoting)
      return new DiscernError(
        'DATA_INVALID',
        (n) =>
          `the record starting on line ${line} of ${source} is longer than ${limit} (the limit, ${n.option('maxLineBytes')}): the value opened with a double quote on line ${quoteLine} runs on without a closing quote; is a closing quote missing? (${FORMAT_HINT})`,
        ctx,
      );
    return new DiscernError(
      'DATA_INVALID',
      (n) =>
        `line ${line} of ${source} is longer than ${limit} (the limit, ${n.option('maxLineBytes')}); a CSV file has one record per line: is this a text file? A longer line needs a larger ${n.option('maxLineBytes')}`,
      ctx,
    );
  }

  private where(line: number, field: number): { text: string; column: string | number } {
    const header = this.header;
    if (header === undefined) return { text: `${this.source} line ${line}, field ${field + 1} of the header`, column: field + 1 };
    const name = header[field];
    if (name === undefined) return { text: `${this.source} line ${line}, field ${field + 1}`, column: field + 1 };
    return { text: `${this.source} line ${line}, column ${columnLabel(name)}`, column: name };
  }

  private malformed(line: number, field: number, offset: number, what: string): DiscernError {
    const w = this.where(line, field);
    return new DiscernError('DATA_INVALID', `${w.text}: malformed CSV: ${what}; ${FORMAT_HINT}`, { file: this.source, line, column: w.column, offset });
  }

  private notUtf8(data: Uint8Array, pos: number, n: number, line: number, field: number, before: string): DiscernError {
    const w = this.where(line, field);
    const offset = this.base + pos;
    const after = before === '' ? '' : `, after ${quote(before, 40)}`;
    // the bad sequence: its first byte and the continuation bytes (0x80 to 0xBF) after it
    let end = pos + 1;
    while (end < n && end < pos + 4 && (data[end]! & 0xc0) === 0x80) end++;
    const bytes = end - pos === 1 ? `the byte ${hex(data, pos, end)} is` : `the bytes ${hex(data, pos, end)} are`;
    return new DiscernError(
      'DATA_INVALID',
      (nm) =>
        `${w.text}: ${bytes} not UTF-8 (byte offset ${offset.toLocaleString('en-US')} in the file${after}); save the file as UTF-8, or read it with ${nm.option('encoding')}: 'latin1' if it is Latin-1 (ISO-8859-1)`,
      { file: this.source, line, column: w.column, offset, option: 'encoding' },
    );
  }

  /**
   * Scans records from `from`; returns where the first unfinished record starts (all of `data` when none is). The
   * state machine is csv-parse's (api/index.js, `parse`), for one-byte quote, escape and separator: a record is
   * rescanned from its start when more bytes come, so nothing depends on where a chunk ends.
   */
  private scan(data: Buffer, from: number, final: boolean, onRecord: OnRecord): number {
    const n = data.length;
    const D = this.delim;
    const utf8 = this.encoding === 'utf8';
    const encoding = this.encoding;
    // A Latin-1 string of the data, for short ASCII values: one slice of it is cheaper than a decode per value.
    const text = data.toString('latin1');
    let pos = from;
    let rd = this.rd;
    let line = this.line;
    // Plain locals, no closures over them: this loop runs once per byte and V8 keeps them in registers.
    let recStart = pos;
    let recLine = line;
    let fields: string[] = [];
    // the value being read: csv-parse's field buffer is the bytes appended to it, here runs of `data`
    let quoting = false;
    let wasQuoting = false;
    let escaping = false;
    let quoteLine = line;
    let runStart = -1; // start of the current run of appended bytes, which ends at `pos`
    let runHigh = false; // the run holds a byte ≥ 0x80
    let pieces: string[] | null = null; // runs of a quoted value that ended (at a doubled or the closing quote)
    let unfinished = false;

    for (; pos < n; pos++) {
      const c = data[pos]!;
      if (quoting) {
        if (escaping) escaping = false;
        else if (c === QUOTE) {
          if (pos + 1 >= n && !final) {
            unfinished = true;
            break;
          }
          const next = pos + 1 < n ? data[pos + 1]! : -1;
          if (next === QUOTE) {
            // a doubled quote: this one is dropped, the next is kept as a character
            if (runStart >= 0) {
              (pieces ??= []).push(decodeRun(data, text, encoding, runStart, pos, runHigh, false));
              runStart = -1;
              runHigh = false;
            }
            escaping = true;
            continue;
          }
          // csv-parse closes on `!nextChr`, which the end of the data and a NUL byte satisfy (a NUL is then refused as text after the quote)
          if (next === -1 || next === D || next === 0 || isTrim(next)) {
            if (runStart >= 0) {
              (pieces ??= []).push(decodeRun(data, text, encoding, runStart, pos, runHigh, false));
              runStart = -1;
              runHigh = false;
            }
            quoting = false;
            wasQuoting = true;
            continue;
          }
          throw this.malformed(
            line,
            fields.length,
            this.base + pos,
            `a quoted value ends with a double quote followed by ${quote(String.fromCharCode(next))} instead of a separator or a line break (a quote inside a quoted value is written "")`,
          );
        } else if (c === LF || c === CR) {
          if (c === CR && pos + 1 >= n && !final) {
            unfinished = true;
            break;
          }
          if (c === LF || data[pos + 1] !== LF) line++;
        }
      } else if (c === D) {
        fields.push(finishValue(data, text, encoding, runStart, pos, runHigh, wasQuoting, pieces));
        wasQuoting = false;
        runStart = -1;
        runHigh = false;
        pieces = null;
        continue;
      } else if (c === QUOTE) {
        if (runStart >= 0 || pieces !== null) {
          const before = (pieces ?? []).join('') + (runStart >= 0 ? decodeRun(data, text, encoding, runStart, pos, runHigh, false) : '');
          throw this.malformed(line, fields.length, this.base + pos, `a double quote inside the unquoted value ${quote(before, 40)}`);
        }
        quoting = true;
        quoteLine = line;
        continue;
      } else if (c === LF || c === CR) {
        // a CR needs the next byte: CRLF is one line break (and may be the record delimiter)
        if (c === CR && pos + 1 >= n && !final) {
          unfinished = true;
          break;
        }
        const crlf = c === CR && data[pos + 1] === LF;
        if (rd === RD_UNKNOWN) rd = c === LF ? RD_LF : crlf ? RD_CRLF : RD_CR;
        const rdLen = rd === RD_LF ? (c === LF ? 1 : 0) : rd === RD_CR ? (c === CR ? 1 : 0) : crlf ? 2 : 0;
        if (rdLen > 0) {
          // the end of a record
          // LF, CR or CRLF: one line break (a CR delimiter before LF leaves the count to the LF, in the next record)
          if (!(crlf && rdLen === 1)) line++;
          fields.push(finishValue(data, text, encoding, runStart, pos, runHigh, wasQuoting, pieces));
          if (pos - recStart > this.maxLineBytes) throw this.tooLong(recLine, false, recLine);
          if (this.header === undefined && !(fields.length === 1 && fields[0] === '')) this.header = fields;
          this.line = line;
          this.rd = rd;
          onRecord(fields, recLine);
          pos += rdLen - 1;
          recStart = pos + 1;
          recLine = line;
          fields = [];
          wasQuoting = false;
          runStart = -1;
          runHigh = false;
          pieces = null;
          continue;
        }
        if (!crlf) line++; // a CR before LF is counted with the LF
      }
      // csv-parse's append step: `lappend` (quoting, or the value has begun, or c is not blank) and `rappend` (no
      // quoted value has closed); a blank that is not appended is dropped, anything else is an error
      if (!quoting && runStart < 0 && pieces === null && isTrim(c)) continue;
      if (wasQuoting) {
        if (isTrim(c)) continue;
        throw this.malformed(line, fields.length, this.base + pos, `${quote(String.fromCharCode(c))} after the closing double quote of a value, where a separator or a line break belongs`);
      }
      if (runStart < 0) runStart = pos;
      if (c < 0x80) {
        // The rest of the value up to the next byte that can change the state is appended as it is: the separator,
        // a quote, a line break (counted) or a non-ASCII byte (checked) outside quotes; inside quotes, all but the
        // last three. Most bytes of a file pass here, not through the steps above.
        let q = pos + 1;
        if (quoting)
          while (q < n) {
            const d = data[q]!;
            if (d === QUOTE || d === LF || d === CR || d >= 0x80) break;
            q++;
          }
        else
          while (q < n) {
            const d = data[q]!;
            if (d === D || d === QUOTE || d === LF || d === CR || d >= 0x80) break;
            q++;
          }
        pos = q - 1;
      } else {
        runHigh = true;
        if (utf8) {
          const len = utf8Length(data, pos, n);
          if (len < 0 && !final) {
            unfinished = true;
            break;
          }
          if (len <= 0) {
            const before = (pieces ?? []).join('') + decodeRun(data, text, encoding, runStart, pos, true, false);
            throw this.notUtf8(data, pos, n, line, fields.length, before);
          }
          pos += len - 1;
        }
      }
    }
    this.rd = rd;
    // the end of the data: an unfinished record is held back for more bytes, unless there are none
    if (!final || unfinished) {
      this.checkHeld(n - recStart, quoting, recLine, quoteLine);
      return recStart;
    }
    if (quoting) throw this.malformed(quoteLine, fields.length, this.base + n, `the double quote that opens a value on line ${quoteLine} is never closed`);
    // csv-parse skips a last line without characters (nothing appended, no quotes, no separator)
    if (wasQuoting || fields.length > 0 || runStart >= 0 || pieces !== null) {
      fields.push(finishValue(data, text, encoding, runStart, n, runHigh, wasQuoting, pieces));
      if (n - recStart > this.maxLineBytes) throw this.tooLong(recLine, false, recLine);
      if (this.header === undefined && !(fields.length === 1 && fields[0] === '')) this.header = fields;
      this.line = line;
      onRecord(fields, recLine);
    }
    return n;
  }
}
