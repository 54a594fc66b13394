/** The CSV reader's options (ReadOptions), their checks and the settings they resolve to (readerSettings). */
import { DiscernError, type MessageTemplate, quote } from '@discern/core';
import { CR, LF, QUOTE } from './bytes.js';

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
