/**
 * The payload codec on its own: AES-256-GCM with named keys, rotation, and
 * the configuration production refuses to start without.
 */
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, loadPayloadKeys } from '../worker/payloadCodec';

const key = () => randomBytes(32).toString('base64');
const input = defaultPayloadConverter.toPayload({ ownerName: '张先生', ownerPhone: '13800000000' });

describe('the payload codec', () => {
  it('encrypts a payload so the phone is not in it, and decrypts it back exactly', async () => {
    const codec = new AesGcmPayloadCodec(loadPayloadKeys({ PAYLOAD_KEYS: JSON.stringify({ k1: key() }) }));
    const [sealed] = await codec.encode([input]);
    expect(Buffer.from(sealed?.data ?? []).includes('13800000000')).toBe(false);
    expect(Buffer.from(sealed?.metadata?.['encryption-key-id'] ?? []).toString()).toBe('k1');
    const [opened] = await codec.decode([sealed]);
    expect(defaultPayloadConverter.fromPayload(opened)).toEqual({ ownerName: '张先生', ownerPhone: '13800000000' });
  });

  it('after rotation new payloads use the new key and old ones still decrypt; a payload of a key no longer configured, or tampered with, is refused', async () => {
    const k1 = key();
    const old = new AesGcmPayloadCodec(loadPayloadKeys({ PAYLOAD_KEYS: JSON.stringify({ k1 }) }));
    const [before] = await old.encode([input]);
    const rotated = new AesGcmPayloadCodec(loadPayloadKeys({ PAYLOAD_KEYS: JSON.stringify({ k1, k2: key() }), PAYLOAD_KEY_ID: 'k2' }));
    const [after] = await rotated.encode([input]);
    expect(Buffer.from(after?.metadata?.['encryption-key-id'] ?? []).toString()).toBe('k2');
    expect((await rotated.decode([before, after])).map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      { ownerName: '张先生', ownerPhone: '13800000000' },
      { ownerName: '张先生', ownerPhone: '13800000000' },
    ]);
    await expect(old.decode([after])).rejects.toThrow('k2');
    const tampered = { ...before, data: Buffer.from(before.data!).map((b, i) => (i === 20 ? b ^ 1 : b)) };
    await expect(old.decode([tampered])).rejects.toThrow();
  });

  it('a payload that was never encrypted (a case from before, the committed histories) passes through', async () => {
    const codec = new AesGcmPayloadCodec(loadPayloadKeys({ PAYLOAD_KEYS: JSON.stringify({ k1: key() }) }));
    expect(await codec.decode([input])).toEqual([input]);
  });

  it('production without keys, a short key, or several keys with none active refuse to start', () => {
    expect(() => loadPayloadKeys({ NODE_ENV: 'production' })).toThrow('PAYLOAD_KEYS');
    expect(() => loadPayloadKeys({ PAYLOAD_KEYS: JSON.stringify({ k1: randomBytes(16).toString('base64') }) })).toThrow('32');
    expect(() => loadPayloadKeys({ PAYLOAD_KEYS: JSON.stringify({ k1: key(), k2: key() }) })).toThrow('PAYLOAD_KEY_ID');
    expect(() => loadPayloadKeys({ PAYLOAD_KEYS: JSON.stringify({ k1: key() }), PAYLOAD_KEY_ID: 'k9' })).toThrow('k9');
  });
});
