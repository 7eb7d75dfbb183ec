// A hand-made county for report tests: two townships, a few screens, known plays.
import type { CrierApp } from '../../server/app.js';

export const AT = '2026-01-01T00:00:00Z';

/** Multipart body with one file, as a browser's FormData would send it. */
export function multipartFile(name: string, bytes: Buffer, type: string) {
  const boundary = `----crier${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, bytes, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export async function addTownships(app: CrierApp): Promise<void> {
  await app.crier.catalogue.update((draft) => {
    draft.screens.push(
      { id: 'scr-cg-1', name: '城关镇便民服务中心', isProvisional: false, township: '城关镇', site: '便民服务中心', siteType: '机关', groups: [], createdAt: AT },
      { id: 'scr-hk-1', name: '河口村村委会', isProvisional: false, township: '河口乡', site: '河口村村委会', siteType: '村委会/社区', groups: [], createdAt: AT },
    );
  });
}
