// lib.mjs — start an isolated ilnet for a browser test, drive Debian's
// chromium with playwright-core, and check pages with axe-core.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, chmodSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const ROOT = process.env.ILNET_ROOT || join(here, '..', '..');
export const PASSWORD = 'ilnet-demo-2026';
export const OUT = join(here, 'out');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function startStack() {
  const dir = mkdtempSync(join(tmpdir(), 'ilnet-browser-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const smtp = await freePort();
  execFileSync(join(ROOT, 'tests', 'stack'), ['start', dir, String(port), String(smtp)], {
    stdio: 'inherit',
    env: { ...process.env, ILNET_ROOT: ROOT, ILNET_DEMO_PASSWORD: PASSWORD },
  });
  return { dir, base: `http://127.0.0.1:${port}` };
}

export function stopStack(stack) {
  if (!stack) return;
  execFileSync(join(ROOT, 'tests', 'stack'), ['stop', stack.dir], {
    stdio: 'inherit', env: { ...process.env, ILNET_ROOT: ROOT },
  });
  rmSync(stack.dir, { recursive: true, force: true });
}

export async function launch() {
  mkdirSync(OUT, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A page that records console errors (CSP violations among them).  A 422
// is expected: it is how a form with problems is answered.
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 422/.test(m.text())) page.problems.push(m.text());
  });
  page.on('pageerror', (e) => page.problems.push(String(e)));
  return page;
}

// Violations axe-core finds against WCAG 2.1 A and AA, as readable lines.
export async function axe(page) {
  // Runtime evaluation is not subject to the page's CSP, so axe runs as is.
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    // Only the violations are read: not collecting the passes' nodes makes
    // a run several times faster on a long page.
    resultTypes: ['violations'],
  }));
  return result.violations.map((v) =>
    `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
}

export async function signIn(page, base, email) {
  await page.goto(`${base}/login`);
  // By keyboard, as a person would.
  await page.focus('#f-email');
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await Promise.all([page.waitForURL(`${base}/`), page.keyboard.press('Enter')]);
}

export async function signOut(page, base) {
  await Promise.all([
    page.waitForURL(`${base}/login?msg=out`),
    page.getByRole('button', { name: 'Sign out' }).click(),
  ]);
}

// Press Tab (as a keyboard user would) until selector has the focus.
export async function tabTo(page, selector) {
  for (let i = 0; i < 300; i++) {
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}
