// Lookups by id in a catalogue without scanning it: one index per catalogue object, built on first
// use. A catalogue is never changed in place (the store swaps in a new object), so an index cannot
// go stale; it is dropped with its catalogue (WeakMap).
import type { Catalogue, MediaItem, Screen } from './catalogue.schema.js';

interface CatalogueIndex {
  screens: Map<string, Screen>;
  /** Unclaimed screens by the pairing code they show. */
  codes: Map<string, Screen>;
  media: Map<string, MediaItem>;
}

const indexes = new WeakMap<object, CatalogueIndex>();
/** How many indexes were built: a test counts these to show lookups do not scan. */
export const indexStats = { built: 0 };

function indexOf(catalogue: Readonly<Catalogue>): CatalogueIndex {
  let index = indexes.get(catalogue);
  if (!index) {
    index = { screens: new Map(), codes: new Map(), media: new Map() };
    for (const s of catalogue.screens) {
      index.screens.set(s.id, s);
      if (s.isProvisional && s.pairingCode) index.codes.set(s.pairingCode, s);
    }
    for (const m of catalogue.media) index.media.set(m.id, m);
    indexes.set(catalogue, index);
    indexStats.built++;
  }
  return index;
}

export const screenById = (catalogue: Readonly<Catalogue>, id: string): Screen | undefined => indexOf(catalogue).screens.get(id);
export const unclaimedByCode = (catalogue: Readonly<Catalogue>, code: string): Screen | undefined => indexOf(catalogue).codes.get(code);
export const mediaById = (catalogue: Readonly<Catalogue>, id: string): MediaItem | undefined => indexOf(catalogue).media.get(id);
