// The device-token store (server/pairing/token.store.ts): writes queued in the same turn share one
// transaction (claims in flight together wait for one durable write, not one each); each write is on disk
// when it resolves (another connection reads it); a drop refuses the token from the call on.
import t from 'tap';
import type { Test } from 'tap';
import { createTokenStore } from '../../server/pairing/token.store.js';

/** A store on `dir`, closed when the test ends. */
function openStore(t: Test, dir: string) {
  const store = createTokenStore(dir);
  t.teardown(() => store.close());
  return store;
}

t.test('claims in flight together share one durable transaction', async (t) => {
  const dir = t.testdir();
  const store = openStore(t, dir);
  const before = store.transactions();
  await Promise.all(Array.from({ length: 8 }, (_, i) => store.issue(`scr-${i}`, `hash-${i}`, `token-${i}`, new Date())));
  // Before: one transaction (and its fsyncs, holding the event loop) per claim.
  t.equal(store.transactions() - before, 1, 'eight issues, one transaction');
  const other = openStore(t, dir);
  t.same(Array.from({ length: 8 }, (_, i) => other.screenOf(`hash-${i}`)), Array.from({ length: 8 }, (_, i) => `scr-${i}`), 'on disk once answered: another connection reads all eight');
  t.equal(other.pendingOf('scr-3'), 'token-3');
  await store.issue('scr-8', 'hash-8', 'token-8', new Date());
  t.equal(store.transactions() - before, 2, 'a claim alone is its own transaction');
});

t.test('a drop refuses the token at once; a delivery forgets the plain copy at once; both are written', async (t) => {
  const dir = t.testdir();
  const store = openStore(t, dir);
  await store.issue('scr-a', 'hash-a', 'token-a', new Date());
  await store.issue('scr-b', 'hash-b', 'token-b', new Date());
  const dropped = store.drop('scr-a');
  t.equal(store.screenOf('hash-a'), undefined, 'refused from the call on');
  t.equal(store.hasToken('scr-a'), false);
  store.delivered('scr-b');
  t.equal(store.pendingOf('scr-b'), undefined, 'the plain copy is forgotten from the call on');
  await dropped;
  const other = openStore(t, dir);
  t.equal(other.screenOf('hash-a'), undefined, 'the drop is on disk');
  t.equal(other.screenOf('hash-b'), 'scr-b');
  t.equal(other.pendingOf('scr-b'), undefined, 'the delivery too (written with the drop)');
  // Revoked, then claimed again in the same turn: the new token stands.
  const again = [store.drop('scr-b'), store.issue('scr-b', 'hash-b2', 'token-b2', new Date())];
  await Promise.all(again);
  t.equal(store.screenOf('hash-b'), undefined);
  t.equal(store.screenOf('hash-b2'), 'scr-b');
});

t.test('closing writes what is queued', async (t) => {
  const dir = t.testdir();
  const store = createTokenStore(dir);
  const issued = store.issue('scr-c', 'hash-c', 'token-c', new Date());
  store.close();
  await issued;
  const other = openStore(t, dir);
  t.equal(other.screenOf('hash-c'), 'scr-c');
});

t.test('reads answer what is committed: a refused write changes nothing, a later store reads the same', async (t) => {
  const dir = t.testdir();
  const store = openStore(t, dir);
  await store.issue('scr-d', 'hash-d', 'token-d', new Date());
  await store.issue('scr-e', 'hash-e', 'token-e', new Date());
  // Another screen's token hash: the unique index refuses it, alone (its neighbour in the batch is written).
  const refused = store.issue('scr-e', 'hash-d', 'token-x', new Date());
  const neighbour = store.issue('scr-f', 'hash-f', 'token-f', new Date());
  await t.rejects(refused, /UNIQUE/, 'refused by the store');
  await neighbour;
  t.equal(store.screenOf('hash-d'), 'scr-d', 'the hash still opens the screen it belongs to');
  t.equal(store.screenOf('hash-e'), 'scr-e', 'the refused screen keeps its own token');
  t.equal(store.pendingOf('scr-e'), 'token-e', 'and its plain copy');
  t.equal(store.screenOf('hash-f'), 'scr-f', 'the neighbour in the batch is written');
  // A new token replaces the old one: the old hash opens nothing.
  await store.issue('scr-d', 'hash-d2', 'token-d2', new Date());
  t.equal(store.screenOf('hash-d'), undefined, 'the replaced token opens nothing');
  t.equal(store.screenOf('hash-d2'), 'scr-d');
  const other = openStore(t, dir);
  for (const hash of ['hash-d', 'hash-d2', 'hash-e', 'hash-f']) t.equal(other.screenOf(hash), store.screenOf(hash), `a store opened now agrees on ${hash}`);
  for (const screen of ['scr-d', 'scr-e', 'scr-f', 'scr-none']) {
    t.equal(other.hasToken(screen), store.hasToken(screen), `and on whether ${screen} has a token`);
    t.equal(other.pendingOf(screen), store.pendingOf(screen), `and on its plain copy`);
  }
});
