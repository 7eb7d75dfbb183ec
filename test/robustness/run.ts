// `npm run robustness [-- part …]`: the robustness checks long (CRIER_ROBUSTNESS=long), with their
// figures gathered at the end. Parts are the file names under test/robustness/ without `.test.ts`
// (access, fuzz-http, fuzz-ws, kill-plays, kill-catalogue, xss); none named runs them all.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIGURE } from './driver.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const parts = readdirSync(here).filter((f) => f.endsWith('.test.ts')).map((f) => f.slice(0, -'.test.ts'.length));
const asked = process.argv.slice(2);
const unknown = asked.filter((p) => !parts.includes(p));
if (unknown.length) {
  console.error(`未知的检查 / unknown part: ${unknown.join(', ')} (parts: ${parts.join(', ')})`);
  process.exit(2);
}
const files = (asked.length ? asked : parts).map((p) => path.join('test', 'robustness', `${p}.test.ts`));
const child = spawn(process.execPath, ['test/run-tap.mjs', '--timeout=3600', '--jobs=1', ...files], {
  env: { ...process.env, CRIER_ROBUSTNESS: 'long' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const figures: string[] = [];
let partial = '';
child.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  const lines = (partial + chunk.toString()).split('\n');
  partial = lines.pop()!;
  for (const line of lines) if (line.includes(FIGURE)) figures.push(line.slice(line.indexOf(FIGURE) + FIGURE.length).trim());
});
child.on('close', (code) => {
  console.log(`\n# Robustness figures (${new Date().toISOString()}):`);
  for (const f of figures) console.log(`  ${f}`);
  process.exit(code ?? 1);
});
