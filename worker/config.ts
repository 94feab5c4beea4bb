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

/**
 * The worker's own sizing, validated at boot. A cached workflow keeps its state in
 * memory between tasks; one that was evicted is replayed from its history when its
 * next task comes (a timer firing, a staff action). The cache bounds the worker's
 * memory at any number of open cases; docs/bench.md shows what eviction costs.
 */
export const workerConfigSchema = z.object({
  /** How many workflows stay in memory (their shared modules are preloaded once, workflows/preload.ts; docs/bench.md has what each costs). */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(2000),
});
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

export function workerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return workerConfigSchema.parse(env);
}
