// Finds and launches Debian's Chromium for browser tests. Without one, tests skip, unless
// CRIER_REQUIRE_BROWSER is set (CI sets it), where a missing browser is a failure.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import type { Test } from 'tap';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** Options for a browser test: skip without Chromium, except under CRIER_REQUIRE_BROWSER where that fails. */
export function browserTestOptions(): { skip: string | false } {
  if (chromiumPath()) return { skip: false };
  if (process.env.CRIER_REQUIRE_BROWSER) {
    throw new Error('Chromium not found at CHROMIUM_PATH or /usr/bin/chromium (install the Debian package chromium)');
  }
  return { skip: 'Chromium not installed: apt-get install chromium, or set CHROMIUM_PATH' };
}

/**
 * The tests run under tsx, whose esbuild keeps function names by wrapping named functions in
 * `__name(fn, "name")`. A function Playwright sends into a page (evaluate, waitForFunction,
 * addInitScript) carries that call along, and a page has no `__name`: every context gets one first,
 * returning the function as it is (the name is not needed there).
 */
const NAME_HELPER = "Object.defineProperty(globalThis, '__name', { value: (fn) => fn, configurable: true, writable: true });";

/** A headless Chromium (`args`: CHROMIUM_ARGS unless given), closed when the test ends. */
export async function launchBrowser(t: Test, args: string[] = CHROMIUM_ARGS): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: chromiumPath()!, args });
  t.teardown(() => browser.close());
  // browser.newPage() makes its context through browser.newContext(), so both are covered.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await context.addInitScript({ content: NAME_HELPER });
    return context;
  };
  return browser;
}
