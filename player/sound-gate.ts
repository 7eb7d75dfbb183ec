// When the browser's autoplay policy blocks sound (NotAllowedError), the operator must see why it is
// quiet and how to fix it: a large notice with the kiosk flag, and a tap anywhere starts sound. Video
// meanwhile airs muted (never black); the heartbeat reports `soundBlocked` so the console shows it.
import { el } from './dom.js';

export interface SoundGateStrings {
  soundBlocked: string;
  soundBlockedFix: string;
  soundBlockedTap: string;
}

export const isNotAllowed = (error: unknown) => error instanceof DOMException && error.name === 'NotAllowedError';

export function createSoundGate(root: HTMLElement, strings: SoundGateStrings, onUnblocked: () => void) {
  let isBlocked = false;
  /** Videos muted because of the block, to unmute on the tap that lifts it. */
  const mutedByBlock = new Set<HTMLMediaElement>();
  let notice: HTMLElement | null = null;

  function show(): void {
    if (notice) return;
    notice = document.createElement('div');
    notice.id = 'sound-blocked';
    notice.setAttribute('role', 'alert');
    const title = el('sound-blocked-title', strings.soundBlocked);
    const tap = el('sound-blocked-tap', strings.soundBlockedTap);
    const fix = el('sound-blocked-fix', strings.soundBlockedFix);
    const flag = document.createElement('code');
    flag.textContent = '--autoplay-policy=no-user-gesture-required';
    fix.append(flag);
    notice.append(title, tap, fix);
    root.append(notice);
  }

  function lift(): void {
    if (!isBlocked) return;
    isBlocked = false;
    delete document.documentElement.dataset.soundBlocked;
    notice?.remove();
    notice = null;
    // A tap is the user activation the policy wants: what was muted for it gets its sound back.
    for (const element of mutedByBlock) if (element.isConnected) element.muted = false;
    mutedByBlock.clear();
    onUnblocked();
  }
  for (const type of ['pointerdown', 'keydown', 'touchstart']) addEventListener(type, lift, true);

  return {
    /** The policy refused to play `element` with sound; `mutedInstead` when a video airs muted meanwhile. */
    blocked(element: HTMLMediaElement, mutedInstead: boolean): void {
      if (mutedInstead) mutedByBlock.add(element);
      if (isBlocked) return;
      isBlocked = true;
      document.documentElement.dataset.soundBlocked = 'true';
      show();
    },
    get isBlocked(): boolean {
      return isBlocked;
    },
  };
}
export type SoundGate = ReturnType<typeof createSoundGate>;
