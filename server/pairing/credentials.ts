// Pairing codes and device tokens: how they are made, compared and stored.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { PAIRING_CODE_ALPHABET, PAIRING_CODE_LENGTH } from '../../player/protocol.js';

/** Unbiased random characters (randomInt rejects out-of-range draws, unlike `byte % n`). */
const randomChars = (alphabet: string, length: number) =>
  Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');

/** A code not in `taken` (the unclaimed screens' codes): 31^6 ≈ 887 million, so a retry is rare. */
export function newPairingCode(taken: { has(code: string): boolean }): string {
  for (;;) {
    const code = randomChars(PAIRING_CODE_ALPHABET, PAIRING_CODE_LENGTH);
    if (!taken.has(code)) return code;
  }
}

/** Screen ids: lowercase letters and digits, 10 of them (about 50 bits). */
export const newScreenId = () => `scr-${randomChars('abcdefghjkmnpqrstuvwxyz23456789', 10)}`;

/** What staff type is forgiving: case, spaces and dashes are ignored. */
export function normalisePairingCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

/** 32 random bytes, base64url (43 characters): the device token a claimed player keeps. */
export const newDeviceToken = () => randomBytes(32).toString('base64url');

/**
 * Only this hash is stored: a copy of the catalogue does not let anyone impersonate a screen. A token
 * has 256 random bits, so looking its hash up by equality leaks nothing useful through timing.
 */
export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
