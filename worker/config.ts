import { z } from 'zod';

/** Where the worker and API find Temporal; validated at boot. */
export const temporalConfigSchema = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('property-service'),
});
export type TemporalConfig = z.infer<typeof temporalConfigSchema>;

export function temporalConfig(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  return temporalConfigSchema.parse(env);
}
