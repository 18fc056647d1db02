// connect.test.mjs — a school leader finds a suggested site visit and asks for seats
// by keyboard alone, on a 1280 px screen and on a 390 px phone; the
// request's page says it is confirmed; a host publishes a visit.  axe-core
// finds no violations, and no page scrolls sideways on the phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startStack, stopStack, launch, newPage, axe, signIn, tabTo, OUT } from './lib.mjs';

let stack, browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); stopStack(stack); });

async function press(page, selector) {
  await tabTo(page, selector);
  await Promise.all([page.waitForLoadState('load'), page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
}

async function fits(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${what} is ${overflow}px too wide`);
}

for (const width of [1280, 390]) {
  test(`a leader asks for seats at a site visit, by keyboard, ${width} px wide`, async () => {
    const page = await newPage(browser);
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, stack.base, 'leader@example.org');
    await press(page, 'nav a[href="/connect"]');
    assert.deepEqual(await axe(page), [], 'axe on /connect');
    await fits(page, '/connect');
    await page.screenshot({ path: join(OUT, `connect-${width}.png`), fullPage: true });

    // The suggestions for the leader's school say why; take the first (one
    // already asked for is not suggested again).
    const suggested = page.locator('ol.suggestions li');
    assert.ok(await suggested.count() >= 2, 'suggestions listed');
    assert.match(await suggested.first().innerText(), /seats? left/);
    const href = await suggested.first().locator('a').getAttribute('href');
    await press(page, `a[href="${href}"]`);
    assert.deepEqual(await axe(page), [], `axe on ${href}`);
    await fits(page, href);

    // The school the suggestions were for is chosen; two people, named one a line.
    await tabTo(page, '#f-party');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2');
    await tabTo(page, '#f-names');
    await page.keyboard.type('Ana Lund');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Bo Ek');
    await page.screenshot({ path: join(OUT, `connect-ask-${width}.png`), fullPage: true });
    await press(page, 'main form button[type="submit"]');
    assert.match(page.url(), /\/connect\/requests\/\d+\?msg=asked/);
    const main = await page.locator('main').innerText();
    assert.match(main, /Confirmed|Waiting for the host/);
    assert.match(main, /Ana Lund\s+Bo Ek/);
    assert.match(await page.getByRole('status').first().innerText(), /calendar/);
    assert.deepEqual(await axe(page), [], 'axe on the request');
    await fits(page, 'the request');
    await page.screenshot({ path: join(OUT, `connect-request-${width}.png`), fullPage: true });
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}

test('a host publishes a weekly visit, by keyboard', async () => {
  const page = await newPage(browser);
  await signIn(page, stack.base, 'host@example.org');
  await page.goto(`${stack.base}/connect/host`);
  assert.deepEqual(await axe(page), [], 'axe on /connect/host');
  const next = new Date(Date.now() + 10 * 86400e3).toISOString().slice(0, 10);
  const until = new Date(Date.now() + 31 * 86400e3).toISOString().slice(0, 10);
  await tabTo(page, '#f-date');
  await page.locator('#f-date').fill(next);
  await page.locator('#f-time').fill('13:15');
  await tabTo(page, '#f-dimensions');
  await page.keyboard.press('Space');
  await tabTo(page, '#f-confirm');
  await page.keyboard.press('Space');
  await page.locator('#f-until').fill(until);
  await press(page, 'form[action="/connect/host"] button[type="submit"]');
  assert.match(page.url(), /\/connect\/host\?msg=published/);
  assert.match(await page.getByRole('status').innerText(), /Published/);
  const published = await page.locator('tbody tr', { hasText: '13:15' }).count();
  assert.ok(published >= 3, `${published} weekly visits listed`);
  assert.deepEqual(await axe(page), [], 'axe after publishing');
  await page.setViewportSize({ width: 390, height: 900 });
  await fits(page, '/connect/host');
  await page.screenshot({ path: join(OUT, 'connect-host-390.png'), fullPage: true });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
