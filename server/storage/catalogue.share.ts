// A new catalogue shares what did not change with the one before: each unchanged item is that very
// object, and an unchanged list is the same array (catalogue.delta.ts keeps this true at every commit).
// Readers that compare by reference (the audit diff, caches keyed by object) then do work in proportion
// to the change, not to the catalogue.

type Item = { id: string };
/** A list of items with ids (media, screens, …), as opposed to a setting. */
export const isItemList = (value: unknown): value is Item[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null && typeof (v as Item).id === 'string');
