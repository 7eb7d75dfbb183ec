// A quick yes for frames a zod schema accepts unchanged. A plays frame's 20 records took 35 µs of the
// event loop in zod (regex checks, an issue list and a copy of every record) against ~5 µs for the same
// tests run directly: ~0.3 s of the main thread in a 10,000-player burst. `acceptCheckOf(schema)` reads the
// schema's own checks (its patterns, bounds, refinements) and answers true only when zod would accept the
// value and give it back as it is (no unknown keys to strip, no defaults); on false the caller asks zod,
// which gives the error (or the stripped copy). A schema using anything not read here cannot be compiled
// (an error at start): the yes is never given on a guess.
import type { z } from 'zod';

type Check = (value: unknown) => boolean;
// zod's definitions, as far as they are read here.
interface Def {
  type: string;
  format?: string;
  coerce?: boolean;
  checks?: { _zod: { def: CheckDef } }[];
  pattern?: RegExp;
  shape?: Record<string, Schema>;
  element?: Schema;
  innerType?: Schema;
  entries?: Record<string, unknown>;
  values?: unknown[];
}
interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
  fn?: (value: never) => unknown;
}
interface Schema {
  _zod: { def: Def };
}

/** String formats whose whole check is their pattern (others, such as url or ipv6, test more than that). */
const PATTERN_FORMATS = new Set(['regex', 'uuid', 'datetime']);
const testOf = (pattern: RegExp): Check => (v) => ((pattern.lastIndex = 0), pattern.test(v as string));

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const hasOwn = Object.prototype.hasOwnProperty;

/** The tests of one check; lengths for strings and arrays alike. */
function checkOf(def: CheckDef, where: string): Check {
  switch (def.check) {
    case 'min_length':
      return (v) => (v as { length: number }).length >= def.minimum!;
    case 'max_length':
      return (v) => (v as { length: number }).length <= def.maximum!;
    case 'string_format':
      if (!def.pattern || !PATTERN_FORMATS.has(def.format!)) break;
      return testOf(def.pattern);
    case 'number_format':
      if (def.format === 'safeint') return (v) => Number.isSafeInteger(v);
      break;
    case 'greater_than':
      return def.inclusive ? (v) => (v as number) >= def.value! : (v) => (v as number) > def.value!;
    case 'less_than':
      return def.inclusive ? (v) => (v as number) <= def.value! : (v) => (v as number) < def.value!;
    case 'custom':
      // A refinement: zod runs it once the value's own checks passed, as here; a promise is no yes.
      return (v) => def.fn!(v as never) === true;
  }
  throw new Error(`accept-check: ${where}: check "${def.check}"${def.format ? ` (${def.format})` : ''} not supported`);
}

function all(checks: Check[]): Check {
  return (value) => {
    for (const check of checks) if (!check(value)) return false;
    return true;
  };
}

function compile(schema: Schema, where: string): Check {
  const def = schema._zod.def;
  if (def.coerce) throw new Error(`accept-check: ${where}: coercion not supported`);
  const own = all((def.checks ?? []).map((c) => checkOf(c._zod.def, where)));
  switch (def.type) {
    case 'string': {
      if (def.format === undefined) return (v) => typeof v === 'string' && own(v);
      // A format schema (z.iso.datetime(), z.uuid()) carries its pattern on itself.
      if (!def.pattern || !PATTERN_FORMATS.has(def.format)) break;
      const pattern = testOf(def.pattern);
      return (v) => typeof v === 'string' && pattern(v) && own(v);
    }
    case 'number':
      return (v) => typeof v === 'number' && Number.isFinite(v) && own(v);
    case 'boolean':
      return (v) => typeof v === 'boolean' && own(v);
    case 'literal':
      return (v) => def.values!.includes(v) && own(v);
    case 'enum': {
      const values = new Set(Object.values(def.entries!));
      return (v) => values.has(v) && own(v);
    }
    case 'optional': {
      const inner = compile(def.innerType!, where);
      // Absent keys are skipped by the object; a key present with undefined cannot come from JSON.
      return (v) => v !== undefined && inner(v);
    }
    case 'nullable': {
      const inner = compile(def.innerType!, where);
      return (v) => v === null || inner(v);
    }
    case 'array': {
      const element = compile(def.element!, `${where}[]`);
      return (v) => {
        if (!Array.isArray(v) || !own(v)) return false;
        for (const item of v) if (!element(item)) return false;
        return true;
      };
    }
    case 'object': {
      const fields = Object.entries(def.shape!).map(([key, field]) => {
        const isOptional = field._zod.def.type === 'optional';
        return { key, isOptional, check: compile(field, `${where}.${key}`) };
      });
      const known = new Set(fields.map((f) => f.key));
      return (v) => {
        if (!isRecord(v)) return false;
        // An unknown key would be stripped (a copy that differs): zod's to make.
        for (const key in v) if (!known.has(key)) return false;
        for (const { key, isOptional, check } of fields) {
          if (!hasOwn.call(v, key)) {
            if (isOptional) continue;
            return false;
          }
          if (!check(v[key])) return false;
        }
        return own(v);
      };
    }
  }
  throw new Error(`accept-check: ${where}: schema type "${def.type}" not supported`);
}

/** True only when `schema` accepts the value and its output is the value itself; false: ask zod. */
export function acceptCheckOf<S extends z.ZodType>(schema: S, name = 'value'): (value: unknown) => value is z.output<S> {
  return compile(schema as unknown as Schema, name) as (value: unknown) => value is z.output<S>;
}
