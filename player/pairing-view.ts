// What a screen shows about its pairing: while unclaimed, its code and size in a corner (or only the
// code, large); once revoked, a full-screen "not authorised" with a fresh code to claim it again.
import type { Strings } from './strings.js';

export type PairingLook =
  /** With a name just after a claim, so the technician at the screen sees it worked. */
  | { kind: 'claimed'; name?: string }
  | { kind: 'unclaimed'; code: string; size: string }
  | { kind: 'code-only'; code: string; size: string }
  /** Code null until the server has handed out a fresh one. */
  | { kind: 'unauthorised'; code: string | null; size: string };

const el = (className: string, text = '') => Object.assign(document.createElement('div'), { className, textContent: text });

export function createPairingView(root: HTMLElement, strings: Strings) {
  const badge = el('pairing-badge');
  badge.id = 'pairing-badge';
  const card = el('pairing-card');
  card.id = 'pairing-card';
  root.append(badge, card);

  return {
    render(look: PairingLook): void {
      // Stable hooks for tests and for a technician with devtools.
      document.documentElement.dataset.pairing = look.kind;
      badge.replaceChildren();
      card.replaceChildren();
      badge.classList.toggle('has-name', look.kind === 'claimed' && !!look.name);
      if (look.kind === 'claimed') {
        if (look.name) badge.append(el('pairing-label', strings.claimedAs), el('pairing-name', look.name));
        return;
      }
      if (look.kind === 'unclaimed') {
        badge.append(el('pairing-label', strings.pairingCode), codeElement(look.code), el('pairing-size', look.size));
        return;
      }
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
