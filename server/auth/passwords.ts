// Password hashing with Node's own scrypt: a per-user random salt, the cost stored beside the hash so it
// can be raised later without breaking old hashes, and a constant-time comparison.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_BYTES = 32;
/** log2 of scrypt's N. 15 (N = 32768, r = 8) costs about 32 MiB and ~100 ms per hash on this hardware. */
export const DEFAULT_SCRYPT_LOG_N = 15;

const scryptAsync = (password: string, salt: Buffer, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

const optionsFor = (logN: number): ScryptOptions => {
  const N = 2 ** logN;
  // maxmem must exceed 128·N·r, or Node refuses the larger costs.
  return { N, r: 8, p: 1, maxmem: 128 * N * 8 + 16 * 1024 * 1024 };
};

/** `scrypt$<logN>$<salt base64>$<key base64>`. */
export async function hashPassword(password: string, logN = DEFAULT_SCRYPT_LOG_N): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, optionsFor(logN));
  return `scrypt$${logN}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, logN, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !logN || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), optionsFor(Number(logN)));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash of nothing anyone knows: unknown usernames are checked against it, so they cost the same time. */
let decoy: Promise<string> | undefined;
export const decoyHash = (logN = DEFAULT_SCRYPT_LOG_N) => (decoy ??= hashPassword(randomBytes(16).toString('hex'), logN));

/** A one-time password people can type: no 0/O, 1/l/I. */
export function generatePassword(length = 14): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
