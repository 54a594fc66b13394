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
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { DiscernError, InputFile, type MessageTemplate, ioError, quote } from '@discern/core';
import { columnLabel } from './cells.js';

/** How the bytes of a file become text: UTF-8 (bytes that are not UTF-8 are refused) or Latin-1 (ISO-8859-1, any byte). */
export type CsvEncoding = 'utf8' | 'latin1';

export const ENCODINGS: readonly CsvEncoding[] = ['utf8', 'latin1'];

/** The longest record read by default: 64 MiB. A longer one (a file without line breaks, an unclosed quote) is refused. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** V8's longest string (2^29 − 24 characters): a value cannot be longer, so neither can the limit. */
const MAX_LIMIT = 2 ** 29 - 24;

/**
 * Bytes read at a time from a file: 256 KiB. Each chunk becomes a batch of records (strings) that is garbage once
 * its rows are converted; measured on 2,000,000 rows × 5 columns (readCsvBatches), 1 MiB chunks let V8's heap grow
 * to ~75 MB of such garbage (peak RSS 195 MB, 1.7 s CPU) where 256 KiB chunks keep it near 45 MB (121 MB, 0.9 s CPU).
 */
export const CHUNK_BYTES = 1 << 18;

/** Options every reader takes. */
export interface ReadOptions {
  /** Field separator; by default `,`, `;` or tab, whichever occurs most often (outside quotes) in the header line. */
  delimiter?: string;
  /** 'utf8' (default; a UTF-8 byte-order mark is skipped) or 'latin1' (every byte one character, ISO-8859-1). */
  encoding?: CsvEncoding;
  /**
   * The longest record, in bytes (default 64 MiB): one line, or the lines of a record whose quoted value holds line
   * breaks. A longer record is refused with DATA_INVALID naming the file and line, so memory stays within about twice
   * this limit whatever the input (at most 2^29 − 24, the longest string JavaScript holds).
   */
  maxLineBytes?: number;
}

export interface ReaderSettings {
  readonly source: string;
  /** The separator's byte; -1 to detect it from the header line. */
  readonly delimiter: number;
  readonly encoding: CsvEncoding;
  readonly maxLineBytes: number;
  /**
   * UTF-8 byte-order marks skipped at the start: csv-parse skips one; the whole-file reader has always skipped one
   * more before it (a file saved twice by tools that add one), so the file readers skip two, in every reader alike.
   */
  readonly boms: 1 | 2;
  /**
   * A byte range of the file read alone (a worker thread's share): its first byte's offset (no byte-order mark is
   * looked for there) and the line its first record starts on. Default: the whole file, from line 1.
   */
  readonly range?: { readonly start: number; readonly end: number; readonly firstLine: number };
}

function optionError(option: string, message: MessageTemplate, value: unknown): DiscernError {
  return new DiscernError('INVALID_ARGUMENT', message, { option, value: typeof value === 'string' ? quote(value, 40) : String(value) });
}

export function checkDelimiter(delimiter: string): number {
  const c = typeof delimiter === 'string' && delimiter.length === 1 ? delimiter.charCodeAt(0) : -1;
  if (c < 0 || c > 127 || c === QUOTE || c === LF || c === CR)
    throw optionError(
      'delimiter',
      (n) => `${n.option('delimiter')} must be one ASCII character other than a double quote or a line break (such as ',', ';' or '\\t'), got ${typeof delimiter === 'string' ? quote(delimiter, 20) : String(delimiter)}`,
      delimiter,
    );
  return c;
}

/** Checks and completes the reading options. */
export function readerSettings(options: ReadOptions, source: string): ReaderSettings {
  const encoding = options.encoding ?? 'utf8';
  if (!ENCODINGS.includes(encoding))
    throw optionError('encoding', (n) => `${n.option('encoding')} must be 'utf8' or 'latin1', got ${typeof encoding === 'string' ? quote(encoding, 20) : String(encoding)}`, encoding);
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1 || maxLineBytes > MAX_LIMIT)
    throw optionError(
      'maxLineBytes',
      (n) => `${n.option('maxLineBytes')} must be a whole number of bytes from 1 to ${MAX_LIMIT.toLocaleString('en-US')} (the longest string JavaScript holds), got ${String(maxLineBytes)}`,
      maxLineBytes,
    );
  return { source, delimiter: options.delimiter === undefined ? -1 : checkDelimiter(options.delimiter), encoding, maxLineBytes, boms: 2 };
}

const LF = 10;
const CR = 13;
const QUOTE = 34;

// How the record delimiter stands: csv-parse takes the first line break outside quotes (CRLF, LF or CR) as the only one.
const RD_UNKNOWN = 0;
const RD_LF = 1;
const RD_CR = 2;
const RD_CRLF = 3;

/** csv-parse's `trim` set: what is dropped around a value (and allowed after a closing quote): CR, LF, FF, space, tab. */
function isTrim(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10 || c === 12;
}

/** The ASCII characters String.prototype.trimEnd drops (csv-parse trims the end of an unquoted value with it): tab to CR, space. */
function isJsSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * The length of the UTF-8 sequence starting at `pos` (2 to 4), 0 if it is not valid UTF-8 (a stray continuation
 * byte, an overlong form, a surrogate, past U+10FFFF: what Node's isUtf8 rejects), or -1 if it may be valid but runs
 * past `n`.
 */
function utf8Length(b: Uint8Array, pos: number, n: number): number {
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

const EMPTY = Buffer.alloc(0);

/** Whether a file starts with gzip's magic bytes (1F 8B): a `.csv.gz` is read through gunzip, whatever its name. */
export function isGzipFile(path: string): boolean {
  return InputFile.use(path, (f) => {
    const b = Buffer.alloc(2);
    return f.read(b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  });
}

function gzipError(path: string, e: unknown): DiscernError {
  const detail = e instanceof Error ? e.message : String(e);
  return new DiscernError('DATA_INVALID', `${path} is not a readable gzip file (${detail}); is it complete (not truncated by a copy)?`, { file: path });
}

/**
 * Reads a file through `reader` in chunks, synchronously, calling `onRecord` for each record. A gzip file is
 * decompressed whole first (synchronous reading has no streaming gunzip; the streaming readers stream it).
 */
export function readFileRecords(path: string, reader: CsvRecordReader, onRecord: OnRecord): void {
  if (isGzipFile(path)) {
    const parts: Buffer[] = [];
    InputFile.use(path, (f) => f.forEachChunk((b) => parts.push(b)));
    const bytes = Buffer.concat(parts);
    let text: Buffer;
    try {
      text = gunzipSync(bytes);
    } catch (e) {
      throw gzipError(path, e);
    }
    reader.end(reader.write(text, onRecord), onRecord);
    return;
  }
  InputFile.use(path, (f) => {
    let held: Buffer = EMPTY;
    for (;;) {
      const size = reader.readSize(held.length);
      // the held bytes, then the new ones: one copy of what is held (usually part of a line), none of the rest
      const buf = Buffer.allocUnsafe(held.length + size);
      held.copy(buf, 0);
      const got = f.read(buf, held.length, size, null);
      if (got === 0) {
        reader.end(buf.subarray(0, held.length), onRecord);
        return;
      }
      held = reader.write(buf.subarray(0, held.length + got), onRecord);
    }
  });
}

/** The decompressed bytes of a gzip file, in chunks of 256 KiB; a damaged stream is DATA_INVALID naming the file. */
async function* gunzipChunks(path: string): AsyncGenerator<Buffer, void, undefined> {
  const stream = createReadStream(path).pipe(createGunzip({ chunkSize: CHUNK_BYTES }));
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (e) {
    if (e instanceof Error && 'code' in e && typeof (e as { code?: unknown }).code === 'string' && String((e as { code: string }).code).startsWith('Z_')) throw gzipError(path, e);
    if (e instanceof Error && /unexpected end of file|incorrect header check|invalid/i.test(e.message)) throw gzipError(path, e);
    throw ioError(e, path, 'read');
  } finally {
    stream.destroy();
  }
}

/**
 * The start of a text file: at most `maxBytes` of its text (of the decompressed text when it is gzip'd, whatever its
 * name), cut after its last whole line when the text goes on; for a look at a header and the first rows. A damaged
 * gzip stream gives what came before the damage (the reader that reads the file whole reports it, naming the
 * file). A file that cannot be opened or read is ioError's error, naming the file.
 */
export async function readTextHead(path: string, maxBytes: number): Promise<string> {
  let head: Buffer;
  let more: boolean;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(maxBytes);
      const { bytesRead } = await fh.read(buf, 0, maxBytes, 0);
      head = buf.subarray(0, bytesRead);
      more = bytesRead === maxBytes;
    } finally {
      await fh.close();
    }
  } catch (e) {
    // a folder (EISDIR at the read), a missing file, a name too long...
    throw ioError(e, path, 'read');
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const parts: Buffer[] = [];
    let got = 0;
    let damaged = false;
    try {
      for await (const chunk of gunzipChunks(path)) {
        parts.push(chunk);
        got += chunk.length;
        if (got >= maxBytes) break;
      }
    } catch {
      damaged = true;
    }
    head = Buffer.concat(parts).subarray(0, maxBytes);
    more = got >= maxBytes || damaged;
  }
  let text = head.toString('utf8');
  if (more) {
    const cut = text.lastIndexOf('\n');
    if (cut > 0) text = text.slice(0, cut + 1);
  }
  return text;
}

/**
 * One chunk through the reader (the last with `last`): its records with their lines, the bytes held for the next
 * chunk, and the error the reader threw, if any (kept, so that the records before it are handed over first).
 */
function parseChunk(reader: CsvRecordReader, data: Buffer, last: boolean): { records: string[][]; lines: number[]; failure: unknown; rest: Buffer } {
  const records: string[][] = [];
  const lines: number[] = [];
  const push: OnRecord = (fields, line) => {
    records.push(fields);
    lines.push(line);
  };
  let failure: unknown;
  let rest: Buffer = EMPTY;
  try {
    if (last) reader.end(data, push);
    else rest = reader.write(data, push);
  } catch (e) {
    failure = e;
  }
  return { records, lines, failure, rest };
}

/** Records of a file read in chunks, asynchronously: each chunk's records with their lines (bounded by the chunk). */
export async function* fileRecordChunks(path: string, reader: CsvRecordReader): AsyncGenerator<{ records: string[][]; lines: number[] }, void, undefined> {
  if (isGzipFile(path)) {
    let held: Buffer = EMPTY;
    for await (const chunk of gunzipChunks(path)) {
      const { records, lines, failure, rest } = parseChunk(reader, held.length ? Buffer.concat([held, chunk]) : chunk, false);
      held = rest;
      if (records.length > 0) yield { records, lines };
      if (failure !== undefined) throw failure;
    }
    const { records, lines, failure } = parseChunk(reader, held, true);
    if (records.length > 0) yield { records, lines };
    if (failure !== undefined) throw failure;
    return;
  }
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw ioError(e, path, 'read');
  }
  try {
    let held: Buffer = EMPTY;
    // a range: from its first byte, and no further than its last
    let position: number | null = reader.range ? reader.range.start : null;
    const end = reader.range ? reader.range.end : Infinity;
    for (;;) {
      const size = position === null ? reader.readSize(held.length) : Math.min(reader.readSize(held.length), end - position);
      const buf = Buffer.allocUnsafe(held.length + size);
      held.copy(buf, 0);
      let got: number;
      try {
        ({ bytesRead: got } = size === 0 ? { bytesRead: 0 } : await fh.read(buf, held.length, size, position));
        if (position !== null) position += got;
      } catch (e) {
        throw ioError(e, path, 'read');
      }
      const { records, lines, failure, rest } = parseChunk(reader, buf.subarray(0, held.length + got), got === 0);
      held = rest;
      // the records before an error first: a problem the caller finds in them comes earlier in the file
      if (records.length > 0) yield { records, lines };
      if (failure !== undefined) throw failure;
      if (got === 0) return;
    }
  } finally {
    await fh.close();
  }
}
