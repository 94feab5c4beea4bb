/**
 * The schemas every case shares are evaluated once per worker and then frozen
 * by the SDK (workflows/preload.ts). A frozen zod schema must still check a
 * staff action exactly as before: accept what is valid, refuse what is not,
 * with patterns, defaults and refinements. (Every scenario test runs on the
 * preloaded bundle too; this one pins the rule on its own.)
 */
import { z } from 'zod';
import { materialize } from '../workflows/lib/materialize';
import { calendarConfigSchema } from '../workflows/lib/calendar';
import { repairActions, openRepairSchema } from '../workflows/repair/repair.messages';
import { communityEventActions } from '../workflows/communityEvent/communityEvent.messages';

/** The SDK's freeze of preloaded modules (@temporalio/worker reusable-vm.js `deepFreeze`), as it walks. */
function deepFreeze(object: unknown, visited = new WeakSet<object>()): unknown {
  if (object === null || (typeof object !== 'object' && typeof object !== 'function') || visited.has(object)) return object;
  visited.add(object);
  if (Object.isFrozen(object)) return object;
  if (typeof object === 'object') {
    for (const name of [...Object.getOwnPropertyNames(object), ...Object.getOwnPropertySymbols(object)]) {
      const value = (object as Record<PropertyKey, unknown>)[name];
      try {
        deepFreeze(value, visited);
      } catch {
        // as the SDK: some objects cannot be frozen
      }
    }
  }
  return Object.freeze(object);
}

describe('schemas shared by every case, frozen by the worker', () => {
  const modules = { z, calendarConfigSchema, repairActions, openRepairSchema, communityEventActions };
  // Jest gives each test file its own modules: freezing them here touches no other file.
  beforeAll(() => {
    expect(materialize(Object.values(modules))).toBeGreaterThan(100);
    deepFreeze(modules);
  });

  it('without the preparation, a frozen zod schema refuses its first parse (the failure this prevents)', () => {
    const fresh = z.strictObject({ at: z.iso.datetime({ offset: true }), note: z.string().regex(/^[^<>]*$/) });
    deepFreeze(fresh);
    expect(() => fresh.safeParse({ at: '2026-12-02T09:00:00+08:00', note: 'x' })).toThrow(TypeError);
  });

  it('a repair action still accepts valid input with its defaults and refuses invalid input, field by field', () => {
    const { input } = repairActions.reportCompletion;
    const ok = input.safeParse({ workDone: '更换水龙头阀芯' });
    expect(ok.success && ok.data).toEqual({ workDone: '更换水龙头阀芯', charges: [] });
    const bad = input.safeParse({ workDone: '', extra: 1 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.code).sort()).toEqual(['too_small', 'unrecognized_keys']);
  });

  it('patterns still test (an instant with its offset, a phone number), again and again', () => {
    const { input } = repairActions.bookAppointment;
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().replace('Z', '+00:00');
    for (let i = 0; i < 3; i++) {
      expect(input.safeParse({ at: tomorrow, reason: '业主约定' }).success).toBe(true);
      expect(input.safeParse({ at: '明天上午', reason: '业主约定' }).success).toBe(false);
    }
    const open = { unit: '3-2-1101', fault: '厨房水龙头漏水', ownerName: '王女士', channel: 'phone', paid: { kind: 'free' } };
    expect(openRepairSchema.safeParse({ ...open, ownerPhone: '13800000000' }).success).toBe(true);
    expect(openRepairSchema.safeParse({ ...open, ownerPhone: 'call me' }).success).toBe(false);
  });

  it('refinements still decide: a send-back needs comments, an approval does not', () => {
    const decide = communityEventActions.reviewPlan.input;
    expect(decide.safeParse({ approved: true }).success).toBe(true);
    expect(decide.safeParse({ approved: false }).success).toBe(false);
    expect(decide.safeParse({ approved: false, comments: '预算超标' }).success).toBe(true);
  });

  it('the business calendar still validates its hours and dates', () => {
    expect(calendarConfigSchema.safeParse({ open: '09:00', close: '18:00', holidays: ['2026-10-01'] }).success).toBe(true);
    expect(calendarConfigSchema.safeParse({ open: '18:00', close: '09:00' }).success).toBe(false);
    expect(calendarConfigSchema.safeParse({ open: '09:00', close: '18:00', holidays: ['2026-13-01'] }).success).toBe(false);
  });
});
