/**
 * Free text from staff (faults, notes, reasons, titles): one rule for every
 * field. Characters no one can see (zero-width spaces, joiners, the byte-order
 * mark) around a text are dropped with the whitespace, so a text of only
 * those counts as empty; NUL and other control characters (line breaks and
 * tabs aside) and broken UTF-16 are refused with a clear message.
 */
import { z } from 'zod';

const invisible = /^[\s\u200B-\u200D\u2060\uFEFF]$/;

/** The text without whitespace and invisible characters at either end (a loop: a regex anchored at the end backtracks). */
function stripEdges(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && invisible.test(s.charAt(start))) start++;
  while (end > start && invisible.test(s.charAt(end - 1))) end--;
  return s.slice(start, end);
}
 
const controls = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const cleaned = (max: number) =>
  z
    .string()
    .overwrite(stripEdges)
    .max(max)
    .refine((s) => !controls.test(s), '不能包含控制字符')
    .refine((s) => !loneSurrogate.test(s), '包含无效字符');

/** A required text of at most `max` characters. */
export const text = (max: number) => cleaned(max).min(1, '不能为空');

/** An optional text of at most `max` characters, '' when absent. */
export const optionalText = (max: number) => cleaned(max).default('');
