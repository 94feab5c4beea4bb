/**
 * Owner data never reaches Temporal in clear: every payload (workflow inputs
 * and results, activity arguments, updates, queries, signals, memos) is
 * encrypted with AES-256-GCM by the client and the worker before it leaves the
 * process, so histories are ciphertext at rest and on the wire. After
 * Temporal's encryption sample (`temporalio/samples-typescript`, `encryption`).
 *
 * Keys are named by id so they can be rotated: new payloads are encrypted with
 * the active key, and any configured key decrypts what it encrypted. A payload
 * that is not encrypted (a case started before encryption was configured, the
 * committed replay histories) passes through as it is.
 *
 * Key material comes from configuration (`PAYLOAD_KEYS` or
 * `PAYLOAD_KEYS_FILE`, with `PAYLOAD_KEY_ID`). Production (`NODE_ENV=production`)
 * refuses to start without it; elsewhere a key is made once for this machine
 * in `.data/payload-keys.json`, so `npm start` needs no configuration.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type DataConverter, METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { z } from 'zod';
import { projectRoot } from '../db/config';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_ENCRYPTION_KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);

export interface PayloadKeys {
  /** The key new payloads are encrypted with. */
  activeKeyId: string;
  keys: Map<string, Buffer>;
}

/** The codec's work is synchronous (node:crypto); its answer is a promise either way, a failure a rejection. */
function settled<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

/** AES-256-GCM over the whole serialised payload (metadata included): `iv ‖ ciphertext ‖ tag`. */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly config: PayloadKeys) {
    if (!config.keys.has(config.activeKeyId)) throw new Error(`payload key "${config.activeKeyId}" is not configured`);
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.config.activeKeyId;
    const key = this.config.keys.get(keyId) as Buffer;
    return settled(() =>
      payloads.map((payload) => {
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        const plain = temporal.api.common.v1.Payload.encode(payload).finish();
        const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
        return { metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [METADATA_ENCRYPTION_KEY_ID]: utf8(keyId) }, data };
      }),
    );
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return settled(() =>
      payloads.map((payload) => {
        if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
        const keyId = text(payload.metadata?.[METADATA_ENCRYPTION_KEY_ID]);
        const key = keyId === undefined ? undefined : this.config.keys.get(keyId);
        if (!key) throw new Error(`payload encrypted with key "${keyId ?? '?'}", which is not configured (PAYLOAD_KEYS)`);
        const data = Buffer.from(payload.data ?? new Uint8Array());
        if (data.length < IV_BYTES + TAG_BYTES) throw new Error('encrypted payload too short to hold its nonce and tag');
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
        decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
        const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
        return temporal.api.common.v1.Payload.decode(plain);
      }),
    );
  }
}

const keyMaterial = z
  .string()
  .refine((k) => Buffer.from(k, 'base64').length === 32, '每个密钥须为 32 字节（base64 编码）');
const keysSchema = z.record(z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, '密钥编号只能含字母、数字、点、下划线和连字符'), keyMaterial);

const configSchema = z.object({
  /** `{ "<key id>": "<32 bytes, base64>", ... }`, inline. */
  PAYLOAD_KEYS: z.string().optional(),
  /** The same JSON in a file (e.g. a mounted secret). */
  PAYLOAD_KEYS_FILE: z.string().optional(),
  /** Which key encrypts new payloads; required when more than one is configured. */
  PAYLOAD_KEY_ID: z.string().optional(),
  NODE_ENV: z.string().optional(),
});

/** Where a machine without configuration keeps the key it made for itself (never in production). */
export const devKeysFile = path.join(projectRoot, '.data', 'payload-keys.json');

function parseKeys(json: string, source: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error(`payload keys (${source}) are not valid JSON`);
  }
  const parsed = keysSchema.safeParse(raw);
  if (!parsed.success || Object.keys(parsed.data).length === 0) {
    throw new Error(`payload keys (${source}) must be { "<key id>": "<32 bytes, base64>" }: ${parsed.success ? 'no key given' : parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return parsed.data;
}

function devKeys(): Record<string, string> {
  try {
    return parseKeys(fs.readFileSync(devKeysFile, 'utf8'), devKeysFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(path.dirname(devKeysFile), { recursive: true });
  const keys = { [`dev-${randomBytes(3).toString('hex')}`]: randomBytes(32).toString('base64') };
  try {
    fs.writeFileSync(devKeysFile, `${JSON.stringify(keys)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process (the worker beside the API) made it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return parseKeys(fs.readFileSync(devKeysFile, 'utf8'), devKeysFile);
}

/** The payload keys from configuration; refuses production without them. */
export function loadPayloadKeys(env: NodeJS.ProcessEnv = process.env): PayloadKeys {
  const cfg = configSchema.parse(env);
  let keys: Record<string, string>;
  if (cfg.PAYLOAD_KEYS?.trim()) keys = parseKeys(cfg.PAYLOAD_KEYS, 'PAYLOAD_KEYS');
  else if (cfg.PAYLOAD_KEYS_FILE?.trim()) keys = parseKeys(fs.readFileSync(cfg.PAYLOAD_KEYS_FILE, 'utf8'), `PAYLOAD_KEYS_FILE=${cfg.PAYLOAD_KEYS_FILE}`);
  else if (cfg.NODE_ENV === 'production') {
    throw new Error('NODE_ENV=production needs payload encryption keys: set PAYLOAD_KEYS (or PAYLOAD_KEYS_FILE) and PAYLOAD_KEY_ID (README, Production)');
  } else keys = devKeys();
  const ids = Object.keys(keys);
  const activeKeyId = cfg.PAYLOAD_KEY_ID?.trim() || (ids.length === 1 ? (ids[0]) : undefined);
  if (!activeKeyId) throw new Error(`PAYLOAD_KEY_ID must name the active key when several are configured (${ids.join(', ')})`);
  if (!ids.includes(activeKeyId)) throw new Error(`PAYLOAD_KEY_ID "${activeKeyId}" is not one of the configured keys (${ids.join(', ')})`);
  return { activeKeyId, keys: new Map(Object.entries(keys).map(([id, k]) => [id, Buffer.from(k, 'base64')])) };
}

/** The data converter of every client and worker of the system: payloads encrypted. */
export function payloadDataConverter(keys: PayloadKeys = loadPayloadKeys()): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(keys)] };
}
