/** The weekly key audit's contract: run by a Temporal Schedule (scripts/schedules.ts), or directly. */
import { z } from 'zod';
import { calendarConfigSchema } from '../lib/calendar';

export const weeklyKeyAuditScheduleId = 'weekly-key-audit';
export const weeklyKeyAuditInputSchema = z.strictObject({ calendar: calendarConfigSchema });
export type WeeklyKeyAuditInput = z.infer<typeof weeklyKeyAuditInputSchema>;
/** The audit covers the 7 days before it runs. */
export const keyAuditWindow = '1 week';
