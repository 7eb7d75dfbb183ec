// XSS payloads in every name and slogan field (issue 13), rendered by the console in real Chromium:
// places in the register, screens, playlists, schedules, broadcasts, quiet hours, volume schedules,
// alerts, slogans (headline, subline, title) and staff names. Each payload calls `__xss()` if it ever
// runs and marks any element it manages to inject with `data-xss`. On every console page: nothing ran,
// no element or event-handler attribute was injected, no CSP violation was even attempted, and the
// payloads show as plain text.
import t from 'tap';
import type { Page } from 'playwright-core';
import { browserTestOptions, launchBrowser } from '../browser.js';
import { consoleAs, go, scriptErrors } from '../console-ui.js';
import { sleep, startTestServer, TEST_ADMIN } from '../helper.js';
import { figure, isLong, size } from './driver.js';

const VECTORS = [
  '<img data-xss src=x onerror=__xss()>',
  '"><svg data-xss onload=__xss()>',
  '<script data-xss>__xss()</script>',
  "'><img data-xss src=x onerror=__xss()>",
  '<a data-xss href="javascript:__xss()">x</a>',
  '" onmouseover="__xss()" data-xss="',
  '</textarea></title></style><img data-xss src=x onerror=__xss()>',
  '<iframe data-xss srcdoc="<script>parent.__xss()</script>">',
  '<math><mtext><table><mglyph><style><img data-xss src=x onerror=__xss()>',
  '<details data-xss open ontoggle=__xss()>',
  '<input data-xss autofocus onfocus=__xss()>',
  '<object data-xss data="javascript:__xss()">',
  '<base data-xss href="//evil.example/">',
  '<!--<img src="--><img data-xss src=x onerror=__xss()>',
  '<meta data-xss http-equiv=refresh content="0;url=javascript:__xss()">',
  'javascript:__xss()',
  '{{constructor.constructor("__xss()")()}}',
  '${__xss()}',
  '<style data-xss>@import "//evil.example/x.css"</style>',
  '<body data-xss onload=__xss()>',
  '<video data-xss><source onerror=__xss()>',
  '<form data-xss><button formaction=javascript:__xss()>x</button></form>',
  '<embed data-xss src="javascript:__xss()">',
];
/** Each vector as written, and in the disguises filters miss. */
const DISGUISES: ((v: string) => string)[] = [
  (v) => v,
  (v) => v.toUpperCase().replace(/__XSS/g, '__xss').replace(/DATA-XSS/g, 'data-xss'),
  (v) => v.replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  (v) => v.replace(/</g, '\u003c').replace(/ /g, '\t'),
  (v) => v.replace(/<(\w)/g, '<\u0000$1'),
  (v) => v.replace(/</g, '%3C').replace(/>/g, '%3E'),
  (v) => v.replace(/<(\w)/g, '<\u200b$1'),
  (v) => `${v}${v}`,
  (v) => v.replace(/</g, '＜').replace(/>/g, '＞'),
];
const ALL = VECTORS.flatMap((v) => DISGUISES.map((d) => d(v)));
const PAYLOADS = isLong ? ALL : VECTORS.slice(0, 8);

/** Records anything a payload runs or attempts, from before the console's own script. */
async function watch(page: Page, hits: string[]): Promise<void> {
  await page.exposeFunction('crierXssHit', (what: string) => hits.push(what));
  await page.addInitScript(() => {
    const w = window as unknown as { __xss: () => void; crierXssHit: (s: string) => void };
    w.__xss = () => w.crierXssHit(`ran on ${location.hash}`);
    document.addEventListener('securitypolicyviolation', (e) => w.crierXssHit(`CSP ${e.violatedDirective} on ${location.hash}: ${e.sample} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
  page.on('dialog', (d) => (hits.push(`dialog: ${d.message()}`), void d.dismiss()));
}

/** Elements or attributes a payload injected into the page. */
const injected = (page: Page) =>
  page.evaluate(() => {
    const found: string[] = [];
    for (const el of Array.from(document.querySelectorAll('*'))) {
      if (el.hasAttribute('data-xss')) found.push(`<${el.tagName.toLowerCase()} data-xss>`);
      for (const a of Array.from(el.attributes)) if (/^on/i.test(a.name)) found.push(`${el.tagName.toLowerCase()} ${a.name}`);
      if (/^\s*javascript:/i.test(el.getAttribute('href') ?? el.getAttribute('src') ?? '')) found.push(`${el.tagName.toLowerCase()} javascript: URL`);
    }
    return found;
  });

t.test('XSS payloads in every name and slogan field execute nowhere in the console', browserTestOptions(), async (t) => {
  const { app, baseUrl } = await startTestServer(t);
  const post = async (url: string, payload: object) => (await app.inject({ method: 'POST', url, payload })).statusCode;
  const catalogue = app.crier.catalogue.read();
  const playlistId = catalogue.defaultPlaylistId;
  const accepted = new Map<string, number>();
  const refused = new Map<string, number>();
  const count = (field: string, ok: boolean) => (ok ? accepted : refused).set(field, ((ok ? accepted : refused).get(field) ?? 0) + 1);
  const slogans = size(2, PAYLOADS.length);
  for (const [i, payload] of PAYLOADS.entries()) {
    const name = (n: number) => `X${i}·${payload}`.slice(0, n);
    const target = { kind: 'all' };
    count('township', (await post('/api/v1/register/townships', { name: name(60) })) === 201);
    count('playlist', (await post('/api/v1/playlists', { name: name(120), description: payload, items: catalogue.playlists[0]!.items })) === 201);
    // Each its own priority: rules of equal priority over the same hours are refused as a conflict.
    count('schedule', (await post('/api/v1/schedules', { name: name(120), playlistId, target, priority: i + 1 })) === 201);
    count('broadcast', (await post('/api/v1/broadcasts', { name: name(120), playlistId, target, times: ['07:00'], priority: i + 1 })) === 201);
    count('quiet hours', (await post('/api/v1/quiet-hours', { name: name(120), target, windows: [{ start: '02:00', end: '03:00' }] })) === 201);
    count('volume schedule', (await post('/api/v1/volume-schedules', { name: name(120), target, levels: [{ from: '01:00', to: '02:00', volume: 20 }], defaultVolume: 80 })) === 201);
    count('alert', (await post('/api/v1/alerts', { title: name(120), playlistId, target, priority: 50 })) === 201);
    count('user', (await post('/api/v1/users', { username: `xss-${i}`, displayName: name(60), role: 'viewer', password: 'first-password-1' })) === 201);
    if (i < slogans) count('slogan', [200, 201].includes(await post('/api/v1/media/slogans', { slogan: { headline: name(40), subline: payload.slice(0, 40), theme: 'alert' }, title: name(120) })));
  }
  // Screens, villages and sites: names straight into the catalogue (claiming a player per payload adds nothing here).
  await app.crier.catalogue.update((draft) => {
    const at = new Date().toISOString();
    for (const [i, payload] of PAYLOADS.entries()) {
      draft.screens.push({ id: `scr-xss-${i}`, name: `X${i}·${payload}`.slice(0, 120), isProvisional: false, township: `X${i}·${payload}`.slice(0, 60), groups: [`X${i}·${payload}`.slice(0, 60)], createdAt: at });
    }
  });
  count('screen', true);
  const fields = [...accepted.keys()];

  const browser = await launchBrowser(t);
  const page = await consoleAs(t, browser, baseUrl, TEST_ADMIN.username, TEST_ADMIN.password);
  const hits: string[] = [];
  await watch(page, hits);
  await page.reload();
  await page.locator('.sidebar nav').waitFor({ timeout: 10_000 });
  const routes = ['dashboard', 'media', 'playlists', 'schedules', 'screens', 'screens/scr-xss-0', 'register', 'reports', 'proof', 'campaign', 'weekly', 'audit', 'users'];
  const firstPlaylist = app.crier.catalogue.read().playlists.find((p) => p.name.startsWith('X0·'));
  if (firstPlaylist) routes.push(`playlists/${encodeURIComponent(firstPlaylist.id)}`);
  const shown = new Set<number>();
  const found: string[] = [];
  for (const lang of ['zh', 'en']) {
    if (lang === 'en') await page.goto(`${baseUrl}/console?lang=en`);
    for (const route of routes) {
      await go(page, route);
      await sleep(isLong ? 1500 : 800);
      for (const f of await injected(page)) found.push(`${lang} #/${route}: ${f}`);
      for (const m of (await page.evaluate(() => document.body.innerText)).matchAll(/X(\d+)·/g)) shown.add(Number(m[1]));
    }
  }
  t.same(hits, [], 'no payload ran, and none even tried (no CSP violation)');
  t.same(found.slice(0, 10), [], 'no element or handler injected into any page');
  t.same(scriptErrors(page), [], 'no script error');
  t.equal(shown.size, PAYLOADS.length, 'every payload was shown as text somewhere');
  const total = [...accepted.values()].reduce((a, b) => a + b, 0);
  figure(
    t,
    `XSS: ${PAYLOADS.length} payloads × ${fields.length} fields (${fields.join(', ')}), ${total} stored (${[...refused].map(([f, n]) => `${n} refused by ${f} validation`).join(', ') || 'none refused'}), ` +
      `${routes.length * 2} console pages (zh, en) in Chromium: ${hits.length} ran, ${found.length} injected`,
  );
});
