// A server that falls behind says so: a blocked event loop is warned about in the log, once per window.
import t from 'tap';
import { LAG_WARN_MS, watchEventLoop } from '../../server/ops/event-loop.js';
import { sleep } from '../helper.js';

const block = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: nothing else runs
  }
};

t.test('a stall longer than the threshold is logged at warn, with how long it was', async (t) => {
  const lines: { lagMs: number; msg: string }[] = [];
  const watch = watchEventLoop({ warn: (obj: { lagMs: number }, msg: string) => lines.push({ ...obj, msg }) } as never, { graceMs: 0 });
  t.teardown(() => watch.close());
  await sleep(600);
  t.same(lines, [], 'an idle loop is not reported');
  block(LAG_WARN_MS + 300);
  await sleep(1200);
  t.equal(lines.length, 1, 'one warning');
  t.ok(lines[0]!.lagMs >= LAG_WARN_MS, `it says how far behind (${lines[0]?.lagMs} ms)`);
  t.match(lines[0]!.msg, /滞后.*event loop lagging/);
  block(LAG_WARN_MS + 300);
  await sleep(1200);
  t.equal(lines.length, 1, 'not more than one warning per ten seconds');
});
