// The player's page forbids eval (CSP script-src 'self'): zod must not even probe for it (the probe's
// caught `new Function` still reports a CSP violation). Imported first by player/main.ts.
import * as z from 'zod';

z.config({ jitless: true });
