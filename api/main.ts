/** API process: configuration from the environment, then serve until SIGINT/SIGTERM. */
import { Client, Connection } from '@temporalio/client';
import { z } from 'zod';
import { loadCalendarConfig } from '../config/loadCalendar';
import { openSharedDb } from '../db/client';
import { dueRuleSchema } from '../workflows/lib/calendar';
import { returnVisitModes } from '../workflows/repair/returnVisitSampling';
import { temporalConfig } from '../worker/config';
import { AesGcmPayloadCodec, loadPayloadKeys, payloadDataConverter } from '../worker/payloadCodec';
import { startApiServer } from './server';

const apiConfigSchema = z.object({
  PORT: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.coerce.number().int().min(0).max(65_535).default(3000)),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Browser origins of the Temporal Web UI that may call /codec, comma-separated (default: the dev server's UI). */
  CODEC_CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() !== '' ? v.split(',').map((o) => o.trim()) : undefined)),
  /** Warning points of every deadline, as fractions of its allowed time: "0.5,0.8". */
  DEADLINE_WARN_AT: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() !== '' ? v.split(',').map(Number) : undefined))
    .pipe(z.array(z.number().gt(0).lt(1)).min(1).max(5).optional()),
  /** How long engineering has to take a repair once the csr notified it, as the manuals write durations: "30 minutes". */
  /** How repairs are visited: "all" (every one within 2 days, default) or "monthlySample" (003 回访率 2). */
  RETURN_VISITS: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.enum(returnVisitModes).optional()),
  REPAIR_TAKE_UP_WITHIN: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    dueRuleSchema.refine((r) => !r.trim().startsWith('until'), 'a duration such as "30 minutes", not a fixed instant').optional(),
  ),
});

async function main(): Promise<void> {
  const { PORT, HOST, DEADLINE_WARN_AT, CODEC_CORS_ORIGINS, REPAIR_TAKE_UP_WITHIN, RETURN_VISITS } = apiConfigSchema.parse(process.env);
  const temporal = temporalConfig();
  const calendar = loadCalendarConfig();
  const db = await openSharedDb();
  const connection = await Connection.connect({ address: temporal.TEMPORAL_ADDRESS });
  const payloadKeys = loadPayloadKeys();
  const client = new Client({ connection, namespace: temporal.TEMPORAL_NAMESPACE, dataConverter: payloadDataConverter(payloadKeys) });
  const server = await startApiServer(
    { client, db, calendar, taskQueue: temporal.TEMPORAL_TASK_QUEUE, warnAt: DEADLINE_WARN_AT, repairTakeUpWithin: REPAIR_TAKE_UP_WITHIN, returnVisits: RETURN_VISITS, payloadCodec: new AesGcmPayloadCodec(payloadKeys), codecOrigins: CODEC_CORS_ORIGINS },
    PORT,
    HOST,
  );
  console.log(
    JSON.stringify({
      level: 'info',
      msg: 'api started',
      url: server.url,
      temporal: temporal.TEMPORAL_ADDRESS,
      namespace: temporal.TEMPORAL_NAMESPACE,
      taskQueue: temporal.TEMPORAL_TASK_QUEUE,
    }),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(JSON.stringify({ level: 'info', msg: 'api stopping', signal }));
    await server.close();
    await connection.close();
    await db.$disconnect();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      stop(signal).catch((err) => {
        console.error(err);
        process.exit(1);
      });
    });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
