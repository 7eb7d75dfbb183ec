// The catalogue (media, playlists, schedules, screens) in one JSON file through lowdb's adapter, written atomically
// (temp file + rename). Behind this small interface so a larger deployment can move it to PostgreSQL.
import { DataFile } from 'lowdb/node';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CatalogueSchema, emptyCatalogue, type Catalogue } from '../../playlists/catalogue.schema.js';

export interface CatalogueStore {
  /** The current catalogue. Treat as read-only: change it only through `update`. */
  read(): Readonly<Catalogue>;
  /**
   * Applies `change` to a copy, validates the result and only then makes it current and writes it.
   * A throwing change or an invalid result leaves the catalogue as it was.
   */
  update<T>(change: (draft: Catalogue) => T): Promise<T>;
  readonly isNew: boolean;
}

export async function createCatalogueStore(dataDir: string): Promise<CatalogueStore> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, 'catalogue.json');
  const adapter = new DataFile<Catalogue>(file, {
    parse: (text) => {
      const parsed = CatalogueSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(`${file} is not a valid catalogue: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    },
    stringify: (data) => JSON.stringify(data, null, 2),
  });
  const stored = await adapter.read();
  const isNew = stored === null;
  let current: Catalogue = stored ?? emptyCatalogue();
  // Writes run one at a time, in call order, so no change is built on a stale copy.
  let queue: Promise<unknown> = Promise.resolve();

  return {
    isNew,
    read: () => current,
    update<T>(change: (draft: Catalogue) => T): Promise<T> {
      const run = async () => {
        const draft = structuredClone(current);
        const result = change(draft);
        const next = CatalogueSchema.parse(draft);
        // Only a catalogue that reached the disk becomes current.
        await adapter.write(next);
        current = next;
        return result;
      };
      const next = queue.then(run, run);
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
