// The player's and the console's pages forbid eval (CSP script-src 'self'): zod must not even probe for
// it (the probe's caught `new Function` still reports a CSP violation). Imported first by player/main.ts
// and server/console/main.tsx.
import * as z from 'zod';

z.config({ jitless: true });
