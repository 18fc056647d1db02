// phone.test.mjs — every page of every role fits a 390 px phone and a
// 1280 px screen: the document never scrolls sideways (a wide table scrolls
// in its own box), chart labels stay at least 12 px, and axe-core finds no
// violations.  The pages are those of cgi-bin/routes.c: each GET route a
// role may use is reached by following links from its home page (so {id}
// is filled with real demo ids the role may see), and the test fails when
// a route of the role was never reached.  Screenshots of the main pages at
// both widths land in tests/browser/out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, stopStack, launch, newPage, axe, signIn, OUT, ROOT } from './lib.mjs';

const WIDTHS = [390, 1280];
const ROLE_BITS = {
  ROLE_PUBLIC: ['public'], ROLE_ADMIN: ['admin'], ROLE_STAFF: ['staff'],
  ROLE_INTERMEDIARY: ['intermediary'], ROLE_LEADER: ['leader'], ROLE_STEWARD: ['steward'],
  STAFF: ['admin', 'staff'],
  ROLE_SIGNED_IN: ['admin', 'staff', 'intermediary', 'leader', 'steward'],
};
const ACCOUNTS = [
  ['admin', 'admin@example.org'], ['staff', 'staff@example.org'],
  ['intermediary', 'coach@example.org'], ['leader', 'leader@example.org'],
  ['steward', 'steward@example.org'],
];
// Pages whose screenshots are looked at, by route.
const SHOTS = new Set(['/', '/admin/schools', '/admin/people', '/grants', '/grants/{id}',
  '/portfolio', '/scans/{id}/results', '/schools/{id}', '/scan', '/scan/{id}/schools/{id}',
  '/visits', '/steward', '/admin/schools/import', '/my/schools']);

// The GET routes that answer HTML, with the roles that may use them.
export function htmlRoutes() {
  const src = readFileSync(join(ROOT, 'cgi-bin', 'routes.c'), 'utf8');
  const re = /\{\s*"GET",\s*"([^"]+)",\s*\w+,\s*([A-Z_ |]+),\s*([A-Z_0-9 |]+)\s*\}/g;
  const out = [];
  for (const m of src.matchAll(re)) {
    const [, path, roles, flags] = m;
    // Downloads (CSV, GeoJSON, iCalendar) are not pages.
    if (/RF_JSON/.test(flags) || /\.(csv|geojson|ics)$/.test(path)) continue;
    const who = new Set(roles.split('|').flatMap((b) => ROLE_BITS[b.trim()] || []));
    const pattern = new RegExp('^' + path.replace(/[.]/g, '\\.').replace(/\{id\}/g, '[0-9]+') + '$');
    out.push({ path, who, pattern });
  }
  assert.ok(out.length > 20, 'routes.c was read');
  return out;
}

let stack, browser;
const routes = htmlRoutes();
// Every page as served, for the HTML validator at the end.
const served = [];
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); stopStack(stack); });

function routeOf(url) {
  return routes.find((r) => r.pattern.test(url.pathname));
}

// What is wrong with the page as shown at this width.
async function widthProblems(page, width) {
  await page.setViewportSize({ width, height: 900 });
  return page.evaluate((w) => {
    const found = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > w) {
      // Name the widest things that stick out, to say what to mend.
      const wide = [...document.querySelectorAll('main *, header *')]
        .filter((el) => el.getBoundingClientRect().right > w + 1)
        .filter((el) => !el.closest('.scroll, figure.chart, .visually-hidden, .skip'))
        .slice(0, 4).map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''}`);
      found.push(`document is ${doc.scrollWidth}px wide at ${w}px (${wide.join(', ')})`);
    }
    // Chart text as drawn: its font size times the scale of its SVG.
    for (const svg of document.querySelectorAll('svg')) {
      const vb = svg.viewBox && svg.viewBox.baseVal;
      const box = svg.getBoundingClientRect();
      const scale = vb && vb.width && box.width ? box.width / vb.width : 1;
      for (const t of svg.querySelectorAll('text')) {
        const px = parseFloat(getComputedStyle(t).fontSize) * scale;
        if (px < 11.95) { found.push(`chart text "${t.textContent.slice(0, 20)}" is ${px.toFixed(1)}px at ${w}px`); break; }
      }
    }
    // A date is never broken over two lines.
    for (const el of document.querySelectorAll('time, td.date, .nowrap')) {
      const range = document.createRange();
      range.selectNodeContents(el);
      const lines = new Set([...range.getClientRects()].map((x) => Math.round(x.top)));
      if (lines.size > 1) {
        found.push(`date "${el.textContent}" wraps at ${w}px`); break;
      }
    }
    return found;
  }, width);
}

// Follow links from home until every route the role may use was seen once
// (and once more with a query: a filter or a further page).
async function crawl(page, role) {
  const seen = new Map();      // route path (+ '?') -> pages seen
  const queue = [new URL('/', stack.base)];
  const tried = new Set();
  const problems = [];
  const axed = new Set();
  while (queue.length) {
    const url = queue.shift();
    if (tried.has(url.href)) continue;
    tried.add(url.href);
    const rt = routeOf(url);
    if (!rt) continue;
    // Two of a page with ids (a cycle open and one closed), one of others.
    const key = rt.path + (url.search ? '?' : '');
    const times = seen.get(key) || 0;
    if (times >= (rt.path.includes('{id}') && !url.search ? 2 : 1)) continue;
    const res = await page.goto(url.href);
    if (!res || res.status() !== 200) { problems.push(`${url.pathname}${url.search}: status ${res && res.status()}`); continue; }
    seen.set(key, times + 1);
    served.push({ what: `${role} ${url.pathname}${url.search}`, html: await res.text() });
    for (const w of WIDTHS) {
      for (const p of await widthProblems(page, w)) problems.push(`${url.pathname}${url.search}: ${p}`);
      if (SHOTS.has(rt.path) && !url.search) {
        const name = `${role}${rt.path === "/" ? "-home" : rt.path.replace(/\{id\}/g, 'n').replace(/[^a-z0-9]+/gi, '-')}-${w}.png`.replace(/-+\./, '.');
        await page.screenshot({ path: join(OUT, name) });
      }
    }
    // axe at phone width, where reflow problems show: once a route, as its
    // further pages (another id, a filter) share its markup.
    if (!axed.has(rt.path)) {
      axed.add(rt.path);
      await page.setViewportSize({ width: 390, height: 900 });
      for (const v of await axe(page)) problems.push(`${url.pathname}${url.search}: axe ${v}`);
    }
    // getAttribute, not .href: an SVG link's href is not a string.
    const links = await page.evaluate(() => [...document.querySelectorAll('a[href]')]
      .map((a) => new URL(a.getAttribute('href'), document.baseURI).href));
    // Pages below this one that a form leads to (a scan's review).
    for (const c of routes) {
      const rest = c.who.has(role) && c.path.startsWith(rt.path + '/') ? c.path.slice(rt.path.length) : null;
      if (rest && !rest.includes('{id}')) links.push(new URL(url.pathname + rest, url).href);
    }
    for (const href of links) {
      const next = new URL(href);
      if (next.origin !== new URL(stack.base).origin || next.hash) continue;
      if (/\.(csv|geojson|ics)$|^\/api\//.test(next.pathname)) continue;
      queue.push(next);
    }
  }
  return { seen, problems };
}

// The roles are crawled side by side (each in a context of its own): the
// crawl mostly waits on the browser and the stack, and one at a time it was
// the longest part of make test.
test('every page of every role fits 390 px and 1280 px', { concurrency: true }, async (t) => {
  await Promise.all(ACCOUNTS.map(([role, email]) => t.test(`every page of ${role}`, async () => {
    const page = await newPage(browser);
    await signIn(page, stack.base, email);
    const { seen, problems } = await crawl(page, role);
    const missed = routes.filter((r) => r.who.has(role) && !seen.has(r.path)).map((r) => r.path);
    // Public pages are for people signed out; they are checked below.
    const unreached = missed.filter((p) => !routes.find((r) => r.path === p).who.has('public'));
    assert.deepEqual(problems, [], `pages of ${role} with problems`);
    assert.deepEqual(unreached, [], `routes of ${role} never reached by a link`);
    assert.deepEqual(page.problems, [], 'console errors');
    await page.context().close();
  })));
});

test('the pages for people signed out fit 390 px and 1280 px', async () => {
  const page = await newPage(browser);
  const problems = [];
  for (const path of ['/login', '/password/forgot', '/invite?token=nothing', '/password/reset?token=nothing', '/no-such-page']) {
    const res = await page.goto(`${stack.base}${path}`);
    served.push({ what: `signed out ${path}`, html: await res.text() });
    for (const w of WIDTHS) {
      for (const p of await widthProblems(page, w)) problems.push(`${path}: ${p}`);
      if (path === '/login') await page.screenshot({ path: join(OUT, `public-login-${w}.png`) });
    }
    await page.setViewportSize({ width: 390, height: 900 });
    for (const v of await axe(page)) problems.push(`${path}: axe ${v}`);
  }
  assert.deepEqual(problems, []);
  await page.context().close();
});

// The Nu HTML Checker (vnu-jar from npm, run with Debian's Java) over every
// page the tests above were served: no errors, duplicate ids among them.
test('every page served is valid HTML', () => {
  assert.ok(served.length > 50, `${served.length} pages were served`);
  const require = createRequire(import.meta.url);
  const jar = require.resolve('vnu-jar/build/dist/vnu.jar');
  const dir = mkdtempSync(join(tmpdir(), 'ilnet-html-'));
  try {
    served.forEach((p, i) => writeFileSync(join(dir, `${i}.html`), p.html));
    const run = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'json', '--exit-zero-always', dir],
      { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(run.status, 0, `vnu did not run: ${run.error || run.stderr}`);
    // vnu writes its JSON report to standard error.
    const json = run.stderr;
    const report = JSON.parse(json);
    const errors = report.messages.filter((m) => m.type === 'error').map((m) => {
      const i = Number(/(\d+)\.html$/.exec(m.url || '')?.[1]);
      return `${served[i] ? served[i].what : m.url}:${m.lastLine}: ${m.message}`;
    });
    assert.deepEqual(errors, [], 'HTML errors');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
