/**
 * The paid-repair price list (有偿维修收费标准, DOMAIN.md §2): which items are
 * charged and at what fee. Data (config/priceList.json), validated at boot; a
 * listed-price repair names an item of it and its fee comes from it.
 */
import { z } from 'zod';
import { text } from '../lib/freeText';

export const priceListSchema = z
  .strictObject({
    name: text(60).default('有偿维修收费标准'),
    items: z.array(z.strictObject({ item: text(100), feeFen: z.number().int().min(0).max(10_000_000) })).min(1).max(2000),
  })
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.items.forEach((i, n) => {
      if (seen.has(i.item)) ctx.addIssue({ code: 'custom', path: ['items', n, 'item'], message: `价目表中「${i.item}」重复` });
      seen.add(i.item);
    });
  });
export type PriceList = z.infer<typeof priceListSchema>;

/** The listed fee of an item, or undefined when the list does not have it. */
export function listedFee(list: PriceList, item: string): number | undefined {
  return list.items.find((i) => i.item === item.trim())?.feeFen;
}
