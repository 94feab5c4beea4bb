/** Owner data as staff lists and the Temporal UI show it (DOMAIN: owner data is private). */

/** 13800000000 → 138****0000; short numbers keep only their last two digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return `****${digits.slice(-2)}`;
}

/** 张先生 → 张**: what the Temporal UI shows of an owner's or customer's name (staff read the full name in the case). */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  return chars.length === 0 ? '' : `${chars[0]}${'*'.repeat(Math.min(Math.max(chars.length - 1, 1), 4))}`;
}

/** A text cut to `max` characters, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
