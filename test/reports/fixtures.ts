// A hand-made county for report tests: two townships in the register, villages and sites, screens
// attached to sites (their free-text township kept in sync, as register's service does).
import type { CrierApp } from '../../server/app.js';

export const AT = '2026-01-01T00:00:00Z';

/** Multipart body with one file, as a browser's FormData would send it. */
export function multipartFile(name: string, bytes: Buffer, type: string) {
  const boundary = `----crier${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, bytes, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/**
 * 城关镇 (tw-cg): 东街社区 (two screens at 便民服务中心 and 万达广场) and 西门村 (a loudspeaker station);
 * 河口乡 (tw-hk): 河口村 (one screen) and 石桥村 (registered, nothing installed).
 */
export async function addTownships(app: CrierApp): Promise<void> {
  await app.crier.catalogue.update((draft) => {
    draft.townships.push({ id: 'tw-cg', name: '城关镇', code: '001' }, { id: 'tw-hk', name: '河口乡', code: '002' });
    draft.villages.push(
      { id: 'v-dj', townshipId: 'tw-cg', name: '东街社区', kind: 'community' },
      { id: 'v-xm', townshipId: 'tw-cg', name: '西门村', kind: 'village' },
      { id: 'v-hk', townshipId: 'tw-hk', name: '河口村', kind: 'village' },
      { id: 'v-sq', townshipId: 'tw-hk', name: '石桥村', kind: 'village' },
    );
    draft.sites.push(
      { id: 's-bm', villageId: 'v-dj', name: '便民服务中心', type: '机关' },
      { id: 's-wd', villageId: 'v-dj', name: '万达广场', type: '商场' },
      { id: 's-xm', villageId: 'v-xm', name: '西门村村委会', type: '社区/村' },
      { id: 's-hk', villageId: 'v-hk', name: '河口村村委会', type: '社区/村' },
      { id: 's-sq', villageId: 'v-sq', name: '石桥村村委会', type: '社区/村' },
    );
    const screen = (id: string, name: string, siteId: string, township: string, mode: 'screen' | 'audio' = 'screen') => ({ id, name, isProvisional: false, siteId, township, site: name, groups: [], mode, createdAt: AT });
    draft.screens.push(
      screen('scr-bm', '便民服务中心大厅屏', 's-bm', '城关镇'),
      screen('scr-wd', '万达广场LED', 's-wd', '城关镇'),
      screen('scr-xm', '西门村广播', 's-xm', '城关镇', 'audio'),
      screen('scr-hk', '河口村村委会屏', 's-hk', '河口乡'),
    );
  });
}

/** Shanghai wall time of a local date, as an instant. */
export const local = (date: string, hh: number, mm = 0) => new Date(Date.parse(`${date}T00:00:00+08:00`) + (hh * 60 + mm) * 60_000);

let playCount = 0;
/** `count` plays of `minutes` each from hh:00 local, back to back. */
export function plays(date: string, hh: number, count: number, minutes: number, mediaId: string) {
  return Array.from({ length: count }, (_, i) => {
    const start = local(date, hh, i * minutes);
    return {
      id: `play-${++playCount}`,
      itemId: `item-${mediaId}`,
      mediaId,
      hash: 'a'.repeat(64),
      manifestVersion: 'v1',
      startedAt: start.toISOString(),
      endedAt: new Date(start.getTime() + minutes * 60_000).toISOString(),
      completed: true,
    };
  });
}

export async function addTaggedMedia(app: CrierApp): Promise<void> {
  const slogan = (id: string, title: string, tags: string[]) => ({ id, kind: 'text' as const, title, hash: id.padEnd(64, '0').replace(/[^0-9a-f]/g, '0'), tags: tags as never, slogan: { headline: title, theme: 'alert' as const }, createdAt: AT });
  await app.crier.catalogue.update((draft) => {
    draft.media.push(slogan('m-loan', '网贷陷阱', ['网贷']), slogan('m-shua', '刷单就是诈骗', ['刷单']), slogan('m-mixed', '退款与冒充', ['网购退赔', '冒充领导/熟人']));
  });
}

/**
 * The hand-made week 2027-W02 (Mon 2027-01-11 … Sun 01-17, Asia/Shanghai), every figure countable by hand:
 *   scr-bm  便民服务中心  4 × 10 min 网贷 a day        → 40 min/day, working every day
 *   scr-wd  万达广场      2 × 10 min 刷单 a day        → 20 min/day, never reaches 30
 *   scr-xm  西门村广播    3 × 10 min 退赔+冒充, Mon–Sat → 30 min/day on 6 days; on Sunday only a heartbeat
 *   scr-hk  河口村        6 × 10 min 网贷 a day        → 60 min/day, working every day
 * So 东街社区 and 河口村 are covered, 西门村 (not airing enough) and 石桥村 (nothing installed) are not.
 */
export const WEEK_DATES = ['2027-01-11', '2027-01-12', '2027-01-13', '2027-01-14', '2027-01-15', '2027-01-16', '2027-01-17'];
export async function recordHandMadeWeek(app: CrierApp): Promise<void> {
  const log = app.crier.airingLog;
  for (const date of WEEK_DATES) {
    await log.recordPlays('scr-bm', false, plays(date, 9, 4, 10, 'm-loan'));
    await log.recordPlays('scr-wd', false, plays(date, 10, 2, 10, 'm-shua'));
    if (date !== '2027-01-17') await log.recordPlays('scr-xm', false, plays(date, 7, 3, 10, 'm-mixed'));
    await log.recordPlays('scr-hk', false, plays(date, 8, 6, 10, 'm-loan'));
  }
  // Two heartbeats a minute apart: one online interval of a minute.
  for (const minute of [0, 1]) {
    const at = local('2027-01-17', 12, minute);
    log.recordHeartbeat('scr-xm', { type: 'heartbeat', sentAt: at.toISOString(), airing: null, manifestVersion: null, uptimeMs: 1 }, at);
  }
  // Outside the week: must not count.
  await log.recordPlays('scr-bm', false, plays('2027-01-18', 9, 5, 10, 'm-loan'));
  await log.flush();
}
