// The app a catalogue bench drives: signed in as admin through the real API, with ten townships in the
// register, each with a village and a site, and `fleet` claimed screens `fleet-0` … spread over the sites,
// put in by one commit (place sync fills township and site from the register): claims.bench.ts, schedules.bench.ts.
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';

const PASSWORD = 'bench-admin-password';

export async function adminAppWithFleet(dataDir: string, fleet: number) {
  const app = await buildApp({ ...loadConfig({}), dataDir, logLevel: 'silent', adminPassword: PASSWORD }, { logger: false });
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: PASSWORD } });
  const cookie = login.cookies.find((c) => c.name === 'crier_session')!;
  const headers = { cookie: `crier_session=${cookie.value}`, 'x-csrf-token': (JSON.parse(login.body) as { csrfToken: string }).csrfToken };
  const post = async (url: string, payload: object) => {
    const res = await app.inject({ method: 'POST', url, headers, payload });
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return JSON.parse(res.body) as { id: string };
  };
  const sites: string[] = [];
  for (let k = 1; k <= 10; k++) {
    const township = await post('/api/v1/register/townships', { name: `乡镇${k}` });
    const village = await post('/api/v1/register/villages', { townshipId: township.id, name: `乡镇${k}社区`, kind: 'community' });
    sites.push((await post('/api/v1/register/sites', { villageId: village.id, name: `乡镇${k}广场`, type: '广场' })).id);
  }
  const now = new Date().toISOString();
  await app.crier.catalogue.update((draft) => {
    for (let i = 0; i < fleet; i++) {
      draft.screens.push({ id: `fleet-${i}`, name: `屏幕 ${i}`, isProvisional: false, siteId: sites[i % 10]!, groups: [], createdAt: now, claimedAt: now });
    }
  });
  return { app, post, sites };
}

/** This process's CPU time (user + system) since `start`, in ms: steadier than wall time on a machine others share. */
export const cpuMs = (start: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
};
