// What a screen shows about its pairing: while unclaimed, its code and size in a corner (or only the
// code, large); once revoked, a full-screen "not authorised" with a fresh code to claim it again.
import { el } from './dom.js';
import type { Strings } from './strings.js';

export type PairingLook =
  /** With a name just after a claim, so the technician at the screen sees it worked. */
  | { kind: 'claimed'; name?: string }
  | { kind: 'unclaimed'; code: string; size: string }
  | { kind: 'code-only'; code: string; size: string }
  /** Code null until the server has handed out a fresh one. */
  | { kind: 'unauthorised'; code: string | null; size: string };

export function createPairingView(root: HTMLElement, strings: Strings) {
  const badge = el('pairing-badge');
  badge.id = 'pairing-badge';
  const card = el('pairing-card');
  card.id = 'pairing-card';
  root.append(badge, card);

  // The badge never covers content: while it shows, the stage (and a station's status page) give it a
  // strip of its own — along the bottom, or on the left of a strip LED, where height is scarce.
  const html = document.documentElement;
  const reserve = () => {
    const isShown = getComputedStyle(badge).display !== 'none';
    const box = badge.getBoundingClientRect();
    const isStrip = html.dataset.layout === 'strip';
    html.style.setProperty('--badge-bottom', isShown && !isStrip ? `${Math.ceil(innerHeight - box.top)}px` : '0px');
    html.style.setProperty('--badge-left', isShown && isStrip ? `${Math.ceil(box.right)}px` : '0px');
  };
  new ResizeObserver(reserve).observe(badge);
  addEventListener('resize', reserve);

  return {
    render(look: PairingLook): void {
      // Stable hooks for tests and for a technician with devtools.
      document.documentElement.dataset.pairing = look.kind;
      badge.replaceChildren();
      card.replaceChildren();
      badge.classList.toggle('has-name', look.kind === 'claimed' && !!look.name);
      if (look.kind === 'claimed') {
        if (look.name) badge.append(el('pairing-label', strings.claimedAs), el('pairing-name', look.name));
        return reserve();
      }
      if (look.kind === 'unclaimed') {
        badge.append(el('pairing-label', strings.pairingCode), codeElement(look.code), el('pairing-size', look.size));
        return reserve();
      }
      reserve();
      const box = el('pairing-box');
      if (look.kind === 'unauthorised') box.append(el('pairing-title', strings.notAuthorised), el('pairing-hint', strings.notAuthorisedHint));
      else box.append(el('pairing-hint', strings.claimHint));
      if (look.code) box.append(el('pairing-label', strings.pairingCode), codeElement(look.code));
      box.append(el('pairing-size', look.size));
      card.append(box);
    },
  };
}

function codeElement(code: string): HTMLElement {
  const element = el('pairing-code', code);
  element.id = 'pairing-code';
  return element;
}
