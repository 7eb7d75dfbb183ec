// Manifest patches (capability `manifest-patch`): what changed between two wire manifests, so an alert
// for all sends a few hundred bytes instead of the 15 KB manifest again. A structural diff over JSON:
// objects by key, arrays as one splice between the common prefix and suffix, anything else replaced.
// Applying it to the base gives a value that serialises byte for byte as the next one did.
import * as z from 'zod';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type ManifestPatch =
  /** A new value in place of the old one. */
  | { replace: Json }
  /** Keys whose values changed (patched) or are new, keys gone, and the key order when it is not the base's with new keys last. */
  | { keys: Record<string, ManifestPatch>; removed?: string[]; order?: string[] }
  /**
   * `remove` elements from `at` replaced by `insert`; `edits` [i, j, patch]: insert[i] is the base's element j
   * patched (a segment whose source changed is sent as that change, not whole; insert[i] is null on the wire).
   */
  | { at: number; remove: number; insert: Json[]; edits?: [number, number, ManifestPatch][] };

const isIndex = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const hasOnly = (o: object, allowed: string[]) => Object.keys(o).every((k) => allowed.includes(k));
const isNames = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((k) => typeof k === 'string'));

/**
 * The shape of a patch, checked in one walk: a zod union per node (tried branch by branch, through a lazy
 * schema) cost as much as validating the whole manifest. Values inside are JSON by construction (JSON.parse).
 */
function isManifestPatch(p: unknown): p is ManifestPatch {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return false;
  if ('replace' in p) return hasOnly(p, ['replace']) && p.replace !== undefined;
  if ('keys' in p) {
    const { keys, removed, order } = p as { keys: unknown; removed?: unknown; order?: unknown };
    return hasOnly(p, ['keys', 'removed', 'order']) && typeof keys === 'object' && keys !== null && !Array.isArray(keys) && Object.values(keys).every(isManifestPatch) && isNames(removed) && isNames(order);
  }
  const { at, remove, insert, edits } = p as { at?: unknown; remove?: unknown; insert?: unknown; edits?: unknown };
  return (
    hasOnly(p, ['at', 'remove', 'insert', 'edits']) && isIndex(at) && isIndex(remove) && Array.isArray(insert) &&
    (edits === undefined || (Array.isArray(edits) && edits.every((e) => Array.isArray(e) && e.length === 3 && isIndex(e[0]) && isIndex(e[1]) && isManifestPatch(e[2]))))
  );
}

export const ManifestPatchSchema = z.custom<ManifestPatch>(isManifestPatch, { message: '清单补丁格式不符 / not a manifest patch' });

const isObject = (v: Json): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Equal JSON, key order included (two keys in another order serialise differently). */
function isSame(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => isSame(v, b[i]!));
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && isSame(a[k]!, b[k]!));
}

/** The patch that turns `base` into `next`; null when they are equal. */
export function diffManifest(base: Json, next: Json): ManifestPatch | null {
  if (isSame(base, next)) return null;
  if (isObject(base) && isObject(next)) {
    const keys: Record<string, ManifestPatch> = {};
    const removed = Object.keys(base).filter((k) => !Object.hasOwn(next, k));
    for (const [k, value] of Object.entries(next)) {
      const patch = Object.hasOwn(base, k) ? diffManifest(base[k]!, value) : { replace: value };
      if (patch) Object.defineProperty(keys, k, { value: patch, enumerable: true, writable: true, configurable: true });
    }
    // Applying keeps the base's order and puts new keys last: say the order only when `next` has another.
    const kept = Object.keys(base).filter((k) => Object.hasOwn(next, k));
    const order = [...kept, ...Object.keys(next).filter((k) => !Object.hasOwn(base, k))];
    const nextOrder = Object.keys(next);
    const isReordered = order.some((k, i) => k !== nextOrder[i]);
    return { keys, ...(removed.length ? { removed } : {}), ...(isReordered ? { order: nextOrder } : {}) };
  }
  if (Array.isArray(base) && Array.isArray(next)) {
    let prefix = 0;
    while (prefix < base.length && prefix < next.length && isSame(base[prefix]!, next[prefix]!)) prefix++;
    let suffix = 0;
    while (suffix < base.length - prefix && suffix < next.length - prefix && isSame(base[base.length - 1 - suffix]!, next[next.length - 1 - suffix]!)) suffix++;
    const remove = base.length - prefix - suffix;
    const insert = next.slice(prefix, next.length - suffix);
    // Inserted elements paired with removed ones from the end (a split segment adds one at the front):
    // each goes as its patch when that is shorter than the element.
    const edits: [number, number, ManifestPatch][] = [];
    for (let i = insert.length - 1, j = prefix + remove - 1; i >= 0 && j >= prefix; i--, j--) {
      const patch = diffManifest(base[j]!, insert[i]!);
      if (patch && !('replace' in patch) && JSON.stringify(patch).length + 8 < JSON.stringify(insert[i]).length) {
        edits.push([i, j, patch]);
        insert[i] = null;
      }
    }
    return { at: prefix, remove, insert, ...(edits.length ? { edits: edits.reverse() } : {}) };
  }
  return { replace: next };
}

/** A plain object from entries: a key like `__proto__` stays a key, never a prototype. */
function objectOf(entries: Iterable<[string, Json]>): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  // defineProperty for every key made slow (dictionary) objects: only the one key that needs it gets it.
  for (const [k, v] of entries) {
    if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}

/**
 * `base` with the patch applied, as a new value (`base` is left as it was: a player that cannot use the
 * result keeps airing what it has). Throws when the patch does not fit the base.
 */
export function applyManifestPatch(base: Json, patch: ManifestPatch): Json {
  if ('replace' in patch) return patch.replace;
  if ('keys' in patch) {
    if (!isObject(base)) throw new Error('补丁要求对象 / patch expects an object');
    const removed = new Set(patch.removed ?? []);
    for (const k of removed) if (!Object.hasOwn(base, k)) throw new Error(`补丁删除不存在的键 ${k} / patch removes a missing key ${k}`);
    const entries = new Map<string, Json>();
    for (const [k, v] of Object.entries(base)) if (!removed.has(k)) entries.set(k, v);
    for (const [k, p] of Object.entries(patch.keys)) {
      const had = entries.get(k);
      if (had === undefined && !('replace' in p)) throw new Error(`补丁修改不存在的键 ${k} / patch changes a missing key ${k}`);
      entries.set(k, applyManifestPatch(had ?? null, p));
    }
    if (!patch.order) return objectOf(entries);
    if (patch.order.length !== entries.size || patch.order.some((k) => !entries.has(k))) throw new Error('补丁的键顺序不符 / patch key order does not match');
    return objectOf(patch.order.map((k) => [k, entries.get(k)!]));
  }
  if (!Array.isArray(base)) throw new Error('补丁要求数组 / patch expects an array');
  if (patch.at + patch.remove > base.length) throw new Error('补丁超出数组范围 / patch splices past the array');
  const insert = [...patch.insert];
  for (const [i, j, edit] of patch.edits ?? []) {
    if (i >= insert.length || j >= base.length) throw new Error('补丁引用不存在的元素 / patch edits a missing element');
    insert[i] = applyManifestPatch(base[j]!, edit);
  }
  return [...base.slice(0, patch.at), ...insert, ...base.slice(patch.at + patch.remove)];
}
