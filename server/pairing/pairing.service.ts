// Pairing: who may speak for a screen. An unknown player becomes an unclaimed screen with a code;
// staff claim the code and the player gets a device token; a revoked token closes the door again.
import { z } from 'zod';
import { screenById, unclaimedByCode, unclaimedScreens } from '../../playlists/catalogue.index.js';
import { ScreenSchema, type Catalogue, type Screen } from '../../playlists/catalogue.schema.js';
import { CLOSE_TRY_AGAIN_LATER, CLOSE_UNAUTHORISED, PairingCodeSchema, type Hello, type ServerMessage } from '../../player/protocol.js';
import type { ScreenWithStatus } from '../api.schema.js';
import type { Clock } from '../clock.js';
import { AppError, notFound } from '../errors.js';
import type { Presence } from '../gateway/presence.js';
import type { ScreensService } from '../services/screens.service.js';
import { appendedItems, committedList, draftItem, removeFromDraft } from '../storage/catalogue.draft.js';
import type { CatalogueStore } from '../storage/catalogue.store.js';
import { registerIndex } from '../../playlists/register.index.js';
import { freeTextPlaceFields, refuseFreeTextPlace } from '../register/register.api.js';
import { hashToken, newDeviceToken, newPairingCode, newScreenId, normalisePairingCode } from './credentials.js';
import type { NewScreenLimiter } from './new-screen-limiter.js';
import type { TokenStore } from './token.store.js';

/** What staff fill in when they claim a code read off a screen. */
export const ClaimSchema = ScreenSchema.pick({ name: true, groups: true, siteId: true })
  .partial({ groups: true })
  .extend({
    ...freeTextPlaceFields,
    code: z
      .string()
      .max(20)
      .transform(normalisePairingCode)
      .pipe(PairingCodeSchema)
      .describe('the six characters the screen shows; case, spaces and dashes are ignored'),
  })
  .superRefine(refuseFreeTextPlace);
export type Claim = z.infer<typeof ClaimSchema>;

/** A screen that was claimed and then revoked: its player must be claimed again (under a new code). */
export const isRevoked = (s: Screen) => !s.isProvisional && !!s.revokedAt;

export type Admission =
  | { admitted: true; screen: Screen; /** a token claimed while the player was away, to deliver now */ pendingToken?: string }
  | { admitted: false; frame: Extract<ServerMessage, { type: 'unauthorised' | 'error' }>; closeCode: number };

const unauthorised = (reason: 'revoked' | 'unknown-token' | 'token-required'): Admission => ({
  admitted: false,
  closeCode: CLOSE_UNAUTHORISED,
  frame: {
    type: 'unauthorised',
    reason,
    message: {
      revoked: '此屏幕的授权已被吊销 / this screen\'s authorisation was revoked',
      'unknown-token': '设备令牌无效 / unknown device token',
      'token-required': '此屏幕已被认领，需要设备令牌 / this screen is claimed: its device token is required',
    }[reason],
  },
});

const tryLater = (reason: 'too-many-new-screens' | 'too-many-unclaimed', message: string): Admission => ({
  admitted: false,
  closeCode: CLOSE_TRY_AGAIN_LATER,
  frame: { type: 'error', reason, message },
});

class UnclaimedCapReached extends Error {}

/** Whose request it is: township-scoped staff (township non-null) act only within their township. */
export interface StaffScope {
  township: string | null;
}
const COUNTY_WIDE: StaffScope = { township: null };
const outOfScope = (township: string | undefined) =>
  new AppError(403, 'out-of-scope', `超出您的乡镇范围：${township ?? '未指定乡镇'} / outside your township: ${township ?? 'no township'}`);

export type PairingService = ReturnType<typeof createPairingService>;

export function createPairingService(deps: {
  catalogue: CatalogueStore;
  tokens: TokenStore;
  presence: Presence;
  screens: ScreensService;
  clock: Clock;
  limiter: NewScreenLimiter;
  maxUnclaimedScreens: number;
  /** After a claim or a revocation: targets and manifests may change. */
  onChange?: () => void;
}) {
  const { catalogue, tokens, presence, screens, clock, limiter } = deps;
  const find = (id: string) => screenById(catalogue.read(), id);
  /** Codes shown now: the committed screens' (indexed) and those of screens new in this batch (at the end). */
  const takenCodes = (draft: Catalogue) => {
    const committed = committedList(draft.screens);
    const fresh = new Set(appendedItems(draft.screens).flatMap((s) => (s.pairingCode ? [s.pairingCode] : [])));
    return { has: (code: string) => fresh.has(code) || unclaimedByCode({ screens: committed }, code) !== undefined };
  };

  /** Drops the oldest offline unclaimed screens until one more fits; throws when every one is online. */
  function makeRoom(draft: Catalogue): void {
    // Under the cap even counting every screen new in this batch: no pass over the screens.
    const atMost = unclaimedScreens({ screens: committedList(draft.screens) }).length + appendedItems(draft.screens).length;
    if (atMost < deps.maxUnclaimedScreens) return;
    const unclaimed = draft.screens.filter((s) => s.isProvisional);
    const excess = unclaimed.length - deps.maxUnclaimedScreens + 1;
    if (excess <= 0) return;
    const offline = unclaimed
      .filter((s) => presence.countOf(s.id) === 0)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    if (offline.length < excess) throw new UnclaimedCapReached();
    removeFromDraft(draft.screens, offline.slice(0, excess).map((s) => s.id));
  }

  async function createUnclaimed(hello: Hello, ip: string): Promise<Admission> {
    if (!limiter.tryTake(ip)) {
      return tryLater('too-many-new-screens', '此地址新建屏幕过于频繁，请稍后再试 / too many new screens from this address, try again later');
    }
    try {
      const id = await catalogue.update((draft) => {
        const existing = hello.screenId ? draftItem(draft.screens, hello.screenId) : undefined;
        if (existing) return existing.id; // two first hellos with the same id raced: one record
        makeRoom(draft);
        const code = newPairingCode(takenCodes(draft));
        const screen: Screen = {
          id: hello.screenId ?? newScreenId(),
          name: `未认领屏幕 ${code}`,
          isProvisional: true,
          groups: [],
          createdAt: clock.now().toISOString(),
          pairingCode: code,
          // Known from the hello: stored with the screen so no second catalogue write follows the first hello.
          mode: hello.mode,
        };
        draft.screens.push(screen);
        return screen.id;
      });
      return { admitted: true, screen: find(id)! };
    } catch (error) {
      if (!(error instanceof UnclaimedCapReached)) throw error;
      return tryLater('too-many-unclaimed', '未认领屏幕过多，请先认领或清理 / too many unclaimed screens: claim or remove some first');
    }
  }

  /** An unclaimed screen from before pairing existed has no code yet: give it one. */
  async function ensureCode(screen: Screen): Promise<Screen> {
    if (screen.pairingCode) return screen;
    await catalogue.update((draft) => {
      const s = draftItem(draft.screens, screen.id);
      if (s?.isProvisional && !s.pairingCode) s.pairingCode = newPairingCode(takenCodes(draft));
    });
    return find(screen.id)!;
  }

  /** The player stored its token (paired-ack, or a hello carrying it): forget the plain copy. */
  const confirmPaired = (screenId: string): void => tokens.delivered(screenId);
  /** Claims waiting or running, per code: the same code is claimed one at a time, different codes together. */
  const claimsByCode = new Map<string, Promise<unknown>>();

  /** Staff claim a code: the screen gets its name and place, the player its token (now or at its next hello). */
  async function claimNow(claim: Claim, scope: StaffScope): Promise<ScreenWithStatus> {
    const input = claim;
    // A site from the register; township staff claim only into their own township (theirs when no site is given).
    const place = input.siteId ? registerIndex(catalogue.read()).placeOfSite(input.siteId) : null;
    if (input.siteId && !place) throw new AppError(422, 'unknown-site', `点位不存在 / no such site in the register: ${input.siteId}`);
    if (scope.township && place && place.townshipName !== scope.township) throw outOfScope(place.townshipName);
    const unknownCode = () => new AppError(404, 'unknown-pairing-code', `没有未认领屏幕使用配对码 ${input.code} / no unclaimed screen shows pairing code ${input.code}`);
    const target = unclaimedByCode(catalogue.read(), input.code);
    if (!target) throw unknownCode();
    const token = newDeviceToken();
    const at = clock.now();
    // The token is stored first: a claimed screen is never without one (a failed claim drops it again).
    await tokens.issue(target.id, hashToken(token), token, at);
    const id = await catalogue
      .update((draft) => {
        const screen = draftItem(draft.screens, target.id);
        if (!screen?.isProvisional || screen.pairingCode !== input.code) throw unknownCode(); // claimed by someone else meanwhile
        screen.isProvisional = false;
        delete screen.pairingCode;
        delete screen.revokedAt;
        screen.name = input.name;
        screen.groups = input.groups ?? [];
        // Township, site and site type are then copied from the register (server/register/place-sync.ts).
        if (input.siteId) screen.siteId = input.siteId;
        else if (scope.township) screen.township = scope.township;
        screen.claimedAt = at.toISOString();
        return screen.id;
      })
      .catch(async (error: unknown) => {
        if (find(target.id)?.isProvisional !== false) await tokens.drop(target.id);
        throw error;
      });
    presence.sendToScreen(id, { type: 'paired', screenId: id, screenName: input.name, token });
    deps.onChange?.();
    return screens.get(id);
  }

  return {
    confirmPaired,
    /**
     * Who a hello speaks for. A token names its screen; without one, an unclaimed screen is found by
     * id or created. A claimed screen never answers to its id alone (legacy screens, claimed before
     * pairing existed and so without a token, still do until they are paired or revoked).
     */
    async admit(hello: Hello, ip: string): Promise<Admission> {
      if (hello.token !== undefined) {
        const tokenHash = hashToken(hello.token);
        // Another node may have issued it since this one loaded its tokens.
        if (!tokens.screenOf(tokenHash)) await tokens.refresh({ tokenHash });
        const tokenScreenId = tokens.screenOf(tokenHash);
        const screen = tokenScreenId ? find(tokenScreenId) : undefined;
        // Revoked on another node: its catalogue says so even while this node's token copy lags.
        if (!screen || screen.isProvisional || isRevoked(screen)) {
          const named = hello.screenId ? find(hello.screenId) : undefined;
          return unauthorised((screen && isRevoked(screen)) || (named && isRevoked(named)) ? 'revoked' : 'unknown-token');
        }
        // Presenting the token proves it arrived: the plain copy of a claim is forgotten.
        confirmPaired(screen.id);
        return { admitted: true, screen };
      }
      const known = hello.screenId ? find(hello.screenId) : undefined;
      if (!known) return createUnclaimed(hello, ip);
      if (known.isProvisional) return { admitted: true, screen: await ensureCode(known) };
      if (isRevoked(known)) return unauthorised('revoked');
      await tokens.refresh({ screenId: known.id });
      const pendingToken = tokens.pendingOf(known.id);
      if (pendingToken) return { admitted: true, screen: known, pendingToken };
      // Claimed through pairing: only the token opens the door (even if the token store were lost).
      if (known.claimedAt || tokens.hasToken(known.id)) return unauthorised('token-required');
      // Legacy: claimed before pairing existed, never paired: still answers to its id.
      return { admitted: true, screen: known };
    },

    /** Staff claim a code: the screen gets its name and place, the player its token (now or at its next hello). */
    claim(claim: Claim, scope: StaffScope = COUNTY_WIDE): Promise<ScreenWithStatus> {
      // One claim per code at a time: two staff typing the same code must not leave a token nobody holds.
      // Claims of different codes run together, so their catalogue changes share one commit (the store's group commit).
      const before = claimsByCode.get(claim.code) ?? Promise.resolve();
      const run = before.then(() => claimNow(claim, scope));
      const settled = run.catch(() => undefined);
      claimsByCode.set(claim.code, settled);
      void settled.then(() => claimsByCode.get(claim.code) === settled && claimsByCode.delete(claim.code));
      return run;
    },

    /** Drops the token: connected players are told and disconnected, and the token is refused from now on. */
    async revoke(id: string, scope: StaffScope = COUNTY_WIDE): Promise<ScreenWithStatus> {
      const now = clock.now().toISOString();
      const screen = find(id);
      if (!screen) throw notFound('屏幕 screen', id);
      if (scope.township && screen.township !== scope.township) throw outOfScope(screen.township);
      if (screen.isProvisional) throw new AppError(409, 'not-claimed', `屏幕尚未认领，无可吊销的授权 / screen ${id} is not claimed: nothing to revoke`);
      // The token goes first: from this instant it opens nothing, whatever happens next.
      await tokens.drop(id);
      await catalogue.update((draft) => {
        const s = draftItem(draft.screens, id);
        if (s && !s.revokedAt) s.revokedAt = now;
      });
      const frame = unauthorised('revoked');
      for (const session of presence.sessionsOf(id)) {
        if (!frame.admitted) session.send(frame.frame);
        session.close(CLOSE_UNAUTHORISED, 'revoked');
      }
      deps.onChange?.();
      return screens.get(id);
    },
  };
}
