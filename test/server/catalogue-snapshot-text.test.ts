// The catalogue snapshot is written in slices with turns of the event loop between them (a compaction at
// 10,000 screens held the loop for tens of milliseconds), and its bytes are those JSON.stringify wrote.
import { createHash } from 'node:crypto';
import t from 'tap';
import { snapshotText } from '../../server/storage/catalogue.snapshot-text.js';
import { buildTestApp } from '../helper.js';

const NOW = '2026-11-30T08:00:00.000Z';

t.test('the same bytes as JSON.stringify(catalogue, null, 2), and the SHA-256 of them', async (t) => {
  const app = await buildTestApp(t);
  await app.crier.catalogue.update((draft) => {
    for (let i = 0; i < 2500; i++) draft.screens.push({ id: `s-${i}`, name: `屏幕 "${i}"\n第二行`, isProvisional: false, groups: ['甲', 'b'], createdAt: NOW });
  });
  const cases: object[] = [app.crier.catalogue.read(), {}, { a: [], b: {}, c: undefined, d: [1, [2, { e: null }]], f: 'x' }, { only: [undefined, 'y'] }];
  for (const value of cases) {
    const { text, sha } = await snapshotText(value);
    const expected = JSON.stringify(value, null, 2);
    t.equal(text, expected, `${expected.length} bytes alike`);
    t.equal(sha, createHash('sha256').update(expected).digest('hex'));
  }
});

t.test('the event loop turns while a large catalogue is written', async (t) => {
  const screens = Array.from({ length: 5000 }, (_, i) => ({ id: `s-${i}`, name: `屏幕 ${i}`, isProvisional: false, groups: [], createdAt: NOW }));
  let turns = 0;
  let isDone = false;
  const count = () => {
    if (isDone) return;
    turns++;
    setImmediate(count);
  };
  setImmediate(count);
  const written = snapshotText({ schemaVersion: 1, screens }).then(() => (isDone = true));
  const turnsWhenCalled = turns;
  await written;
  t.equal(turnsWhenCalled, 0, 'the call returned before any turn');
  t.ok(turns >= 4, `the loop turned ${turns} times while 5,000 screens were written (one slice of 1,000 per turn)`);
});
