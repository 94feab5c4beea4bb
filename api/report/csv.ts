/**
 * CSV as Excel opens it on a Chinese Windows: UTF-8 with a byte-order mark (else
 * Chinese is read as GBK and garbled), CRLF line ends, and RFC 4180 quoting.
 */
export type CsvCell = string | number | boolean | null;
export type CsvRow = readonly CsvCell[];

const byteOrderMark = '\uFEFF';
const lineEnd = '\r\n';

/** A field is quoted when it holds a comma, a quote or a line break; quotes inside are doubled. */
export function csvField(value: CsvCell): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvDocument(rows: readonly CsvRow[]): string {
  return byteOrderMark + rows.map((row) => row.map(csvField).join(',')).join(lineEnd) + lineEnd;
}
