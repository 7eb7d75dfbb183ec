// The mode each player says hello with (`screen` or `audio`), kept on its screen. After an upgrade every
// screen's first hello brings one, thousands within seconds: they are written together, at most one
// commit (and one republish) a second, instead of a catalogue commit and a publish pass per hello.
import type { ScreenMode } from '../../playlists/catalogue.schema.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';

/** Modes noted within this long of the last write wait and go together in the next. */
export const MODE_WRITE_EVERY_MS = 1_000;

export function createModeWriter(deps: { catalogue: Pick<CatalogueStore, 'update'>; onChange: () => void }) {
  const pending = new Map<string, ScreenMode>();
  let lastWriteAt = -Infinity;
  let flush: Promise<void> | null = null;

  async function write(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastWriteAt + MODE_WRITE_EVERY_MS - Date.now())));
    lastWriteAt = Date.now();
    const modes = new Map(pending);
    pending.clear();
    flush = null;
    let changed = 0;
    await deps.catalogue.update((draft) => {
      changed = 0;
      for (const screen of draft.screens) {
        const mode = modes.get(screen.id);
        if (mode && screen.mode !== mode) (screen.mode = mode), changed++;
      }
    });
    if (changed) deps.onChange();
  }

  return {
    /** Resolves once the mode is written (with the others of its turn). */
    note(screenId: string, mode: ScreenMode): Promise<void> {
      pending.set(screenId, mode);
      return (flush ??= write());
    },
  };
}
