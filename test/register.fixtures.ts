// Places in the register for tests: township → village → site, made through the API as the county admin,
// reusing what exists (by name), so tests can claim and move screens by siteId.
import type { CrierApp } from '../server/app.js';
import type { SiteType } from '../playlists/register.schema.js';

export async function placeSite(app: CrierApp, township: string, site = '便民服务中心', type: SiteType = '机关', village = `${township}社区`): Promise<string> {
  const post = async (url: string, payload: object) => {
    const res = await app.inject({ method: 'POST', url, payload });
    if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return (JSON.parse(res.body) as { id: string }).id;
  };
  const c = app.crier.catalogue.read();
  const townshipId = c.townships.find((t) => t.name === township)?.id ?? (await post('/api/v1/register/townships', { name: township }));
  const villageId =
    app.crier.catalogue.read().villages.find((v) => v.townshipId === townshipId && v.name === village)?.id ??
    (await post('/api/v1/register/villages', { townshipId, name: village, kind: village.endsWith('村') ? 'village' : 'community' }));
  return app.crier.catalogue.read().sites.find((s) => s.villageId === villageId && s.name === site)?.id ?? (await post('/api/v1/register/sites', { villageId, name: site, type }));
}
