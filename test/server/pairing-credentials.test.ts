// Pairing codes, device tokens and the per-address limiter, on their own.
import t from 'tap';
import { PAIRING_CODE_ALPHABET, PairingCodeSchema } from '../../player/protocol.js';
import { hashToken, newDeviceToken, newPairingCode, normalisePairingCode } from '../../server/pairing/credentials.js';
import { createNewScreenLimiter } from '../../server/pairing/new-screen-limiter.js';

t.test('codes: six characters of an alphabet without 0/O/1/I/L, never one already taken', async (t) => {
  for (const c of '0O1IL') t.notOk(PAIRING_CODE_ALPHABET.includes(c), `no ${c}`);
  const seen = new Map<string, number>();
  const taken = new Set<string>();
  let clashes = 0;
  for (let i = 0; i < 3000; i++) {
    const code = newPairingCode(taken);
    if (taken.has(code)) clashes++;
    taken.add(code);
    for (const ch of code) seen.set(ch, (seen.get(ch) ?? 0) + 1);
  }
  t.equal(clashes, 0, 'no code handed out twice');
  t.ok([...taken].every((c) => PairingCodeSchema.safeParse(c).success), 'every code passes the protocol schema');
  t.equal(seen.size, PAIRING_CODE_ALPHABET.length, 'every character of the alphabet is used');
  t.equal(normalisePairingCode(' k7p-3qx '), 'K7P3QX');
  t.notOk(PairingCodeSchema.safeParse('K7P3Q0').success, 'a zero is refused');
});

t.test('tokens: 32 random bytes in base64url; only the SHA-256 is kept', async (t) => {
  const a = newDeviceToken();
  t.equal(Buffer.from(a, 'base64url').length, 32);
  t.match(a, /^[A-Za-z0-9_-]{43}$/);
  t.not(newDeviceToken(), a);
  t.match(hashToken(a), /^[0-9a-f]{64}$/);
  t.equal(hashToken(a), hashToken(a));
});

t.test('limiter: so many per window and address, then room again as the window slides', async (t) => {
  let now = 0;
  const limiter = createNewScreenLimiter({ perWindow: 2, windowMs: 60_000, now: () => now });
  t.ok(limiter.tryTake('10.0.0.1'));
  t.ok(limiter.tryTake('10.0.0.1'));
  t.notOk(limiter.tryTake('10.0.0.1'), 'third in the minute refused');
  t.ok(limiter.tryTake('10.0.0.2'), 'another address is not affected');
  now = 59_999;
  t.notOk(limiter.tryTake('10.0.0.1'), 'a refusal does not count, the window has not passed');
  now = 60_000;
  t.ok(limiter.tryTake('10.0.0.1'), 'room again after a minute');
});
