// Primitives every schema file of the domain builds on; kept apart so schema files can import each other without a cycle.
import * as z from 'zod';

/** Names JavaScript gives to objects' own machinery: as an id they would reach it wherever an object serves as a map. */
export const RESERVED_IDS = ['__proto__', 'constructor', 'prototype'] as const;
export const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'id: letters, digits, "-" and "_" only')
  .regex(new RegExp(`^(?!(?:${RESERVED_IDS.join('|')})$)`), `id: ${RESERVED_IDS.join(', ')} are reserved`);
export const IsoTimeSchema = z.iso.datetime({ offset: true });
