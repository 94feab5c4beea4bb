/** Registers the custom search attributes on a Temporal cluster (idempotent). */
import { Connection } from '@temporalio/client';
import { temporalConfig } from '../worker/config';
import { searchAttributeTypes } from '../worker/searchAttributes';

async function main(): Promise<void> {
  const cfg = temporalConfig();
  const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const wanted = searchAttributeTypes();
  const existing = await connection.operatorService.listSearchAttributes({ namespace: cfg.TEMPORAL_NAMESPACE });
  const missing = Object.fromEntries(Object.entries(wanted).filter(([name]) => !(name in (existing.customAttributes ?? {}))));
  if (Object.keys(missing).length > 0) {
    await connection.operatorService.addSearchAttributes({ namespace: cfg.TEMPORAL_NAMESPACE, searchAttributes: missing });
  }
  console.log(JSON.stringify({ level: 'info', msg: 'search attributes registered', added: Object.keys(missing) }));
  await connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
