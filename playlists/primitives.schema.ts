// Primitives every schema file of the domain builds on; kept apart so schema files can import each other without a cycle.
import * as z from 'zod';

export const IdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'id: letters, digits, "-" and "_" only');
export const IsoTimeSchema = z.iso.datetime({ offset: true });
