// Whether video airs with its sound on a screen (issue 12.3): the screen's own setting, else its site
// type's, else on for broadcast stations and off for screens (a mall TV should not talk over the shop).
import type { Catalogue } from './catalogue.schema.js';
import type { ScreenAttributes } from './targets.js';

export type SoundSetting = 'on' | 'off';

export function soundOf(catalogue: Pick<Catalogue, 'siteTypeSound'>, screen: ScreenAttributes & { sound?: SoundSetting | undefined }): boolean {
  const setting = screen.sound ?? (screen.siteType ? catalogue.siteTypeSound?.[screen.siteType] : undefined);
  return setting ? setting === 'on' : screen.mode === 'audio';
}
