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
    const screen = (id: string, name: string, siteId: string, township: string, groups: string[] = []) => ({ id, name, isProvisional: false, siteId, township, site: name, groups, createdAt: AT });
    draft.screens.push(
      screen('scr-bm', '便民服务中心大厅屏', 's-bm', '城关镇'),
      screen('scr-wd', '万达广场LED', 's-wd', '城关镇'),
      screen('scr-xm', '西门村广播', 's-xm', '城关镇', ['广播']),
      screen('scr-hk', '河口村村委会屏', 's-hk', '河口乡'),
    );
  });
}
