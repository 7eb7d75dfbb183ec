// The load test's heartbeat figures: a heartbeat counts in the phase it was sent in, whenever its ack comes.
import t from 'tap';
import { createHeartbeatLedger, SLOWEST_KEPT } from './heartbeat-ledger.js';

const iso = (ms: number) => new Date(ms).toISOString();
const T0 = Date.parse('2026-12-03T12:00:00.000Z');

t.test('a heartbeat sent before a phase began and answered in it counts where it was sent', async (t) => {
  const ledger = createHeartbeatLedger();
  const player = ledger.player();
  // Sent in 'memory' (the forced collection), answered 250 ms later, once the burst had begun.
  player.sent(iso(T0), 1000, 'memory');
  player.sent(iso(T0 + 400), 1400, 'plays-burst');
  t.ok(player.acked(iso(T0 + 400), 1420, iso(T0 + 415), T0 + 420));
  t.ok(player.acked(iso(T0), 1250, iso(T0 + 245), T0 + 250));
  const report = ledger.report();
  t.same(report.byPhase, { 'plays-burst': [20], memory: [250] });
  t.same(report.up, { 'plays-burst': [15], memory: [245] });
  t.same(report.down, { 'plays-burst': [5], memory: [5] });
  t.same(report.slowest['memory'], [[T0, 250, 245]]);
});

t.test('an ack that is not one of the player\'s heartbeats, or comes twice, counts nothing', async (t) => {
  const ledger = createHeartbeatLedger();
  const a = ledger.player();
  const b = ledger.player();
  a.sent(iso(T0), 0, 'idle');
  t.notOk(b.acked(iso(T0), 10, iso(T0 + 5)), "another player's echo");
  t.ok(a.acked(iso(T0), 10, iso(T0 + 5)));
  t.notOk(a.acked(iso(T0), 20, iso(T0 + 5)), 'the same ack again');
  t.same(ledger.report().byPhase, { idle: [10] });
});

t.test('each phase keeps its slowest, slowest first; a report starts the figures afresh', async (t) => {
  const ledger = createHeartbeatLedger();
  const player = ledger.player();
  const latencies = [5, 90, 12, 300, 7, 41, 150, 3, 66, 200, 18, 1];
  latencies.forEach((ms, i) => {
    player.sent(iso(T0 + i), i * 1000, 'plays-burst');
    player.acked(iso(T0 + i), i * 1000 + ms, iso(T0 + i + ms));
  });
  const { byPhase, slowest } = ledger.report();
  t.same(byPhase['plays-burst'], latencies);
  const kept = slowest['plays-burst']!;
  t.equal(kept.length, SLOWEST_KEPT);
  t.same(kept.map(([, ms]) => ms), [...latencies].sort((x, y) => y - x).slice(0, SLOWEST_KEPT));
  t.same(kept[0], [T0 + 3, 300, 300], 'when it was sent, its latency, the part before the stamp');
  t.same(ledger.report(), { byPhase: {}, up: {}, down: {}, slowest: {} });
});
