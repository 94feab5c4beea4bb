/**
 * 003 回访率 2, as a configuration (RETURN_VISITS=monthlySample): how many of a month's
 * repair work orders are visited, and which, reproducibly.
 */
import { monthlySample, monthlySampleSize } from '../workflows/repair/returnVisitSampling';

describe("the month's sample of repair work orders (003 回访率 2)", () => {
  it.each([
    [0, 0],
    [3, 3], // fewer than 5: all of them
    [5, 5],
    [19, 5],
    [20, 6], // 20–50: 30%, rounded up
    [21, 7],
    [50, 15],
    [51, 8], // 51–100: 15%, rounded up
    [100, 15],
    [101, 20], // over 100: 20
    [640, 20],
  ])('%i work orders in a month: %i return visits', (orders, visits) => {
    expect(monthlySampleSize(orders)).toBe(visits);
  });

  it('draws the same sample from the same month and orders, whatever their order, and another from another month', () => {
    const orders = Array.from({ length: 37 }, (_, i) => `BX20261105-${String(i).padStart(6, '0')}`);
    const november = monthlySample('2026-11', orders);
    expect(november).toHaveLength(12);
    expect(new Set(november).size).toBe(12);
    expect(november.every((o) => orders.includes(o))).toBe(true);
    expect(monthlySample('2026-11', [...orders].reverse())).toEqual(november);
    expect(monthlySample('2026-12', orders)).not.toEqual(november);
    // Not simply the first orders of the month.
    expect(november).not.toEqual(orders.slice(0, 12));
  });
});
