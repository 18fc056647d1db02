// records.test.mjs — records people correct, by keyboard alone: a coach
// corrects a visit they logged and sees the change in its history; staff
// change a grant's stage through a confirmation page of its own.  axe-core
// clean, and no sideways scroll on a 390 px phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startStack, stopStack, launch, newPage, axe, signIn, tabTo, OUT } from './lib.mjs';

let stack, browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); stopStack(stack); });

async function fitsPhone(page, what) {
  await page.setViewportSize({ width: 390, height: 900 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390, `${what}: the page scrolls sideways (${wide} px)`);
  assert.deepEqual(await axe(page), [], `axe on ${what} at 390 px`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('a coach corrects a visit by keyboard; the history shows it', async () => {
  const page = await newPage(browser);
  await signIn(page, stack.base, 'coach@example.org');
  await page.goto(`${stack.base}/visits`);
  const href = await page.locator('tbody a[href^="/visits/"]').first().getAttribute('href');
  await page.goto(`${stack.base}${href}`);
  assert.match(await page.locator('h2#correct').innerText(), /Correct this visit/);
  assert.deepEqual(await axe(page), [], 'axe on a visit (author)');
  const was = await page.inputValue('#f-minutes');
  const now = was === '95' ? '100' : '95';

  await tabTo(page, '#f-minutes');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(now);
  await tabTo(page, 'form button[type="submit"]:not(.secondary)');
  await Promise.all([page.waitForURL(/msg=saved/), page.keyboard.press('Enter')]);
  assert.match(await page.getByRole('status').innerText(), /Visit corrected/);
  assert.match(await page.locator('ol.history').innerText(), new RegExp(`minutes ${was} → ${now}`));
  assert.equal(await page.inputValue('#f-minutes'), now);
  assert.deepEqual(await axe(page), [], 'axe after a correction');
  await page.screenshot({ path: join(OUT, 'visit-corrected.png'), fullPage: true });
  await fitsPhone(page, 'a visit');
  await page.setViewportSize({ width: 390, height: 900 });
  await page.screenshot({ path: join(OUT, 'visit-corrected-390.png'), fullPage: true });

  // Deleting asks first, on a page of its own; going back changes nothing.
  await page.setViewportSize({ width: 1280, height: 900 });
  await tabTo(page, 'form button.secondary');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: /Delete this visit\?/ }).waitFor();
  assert.deepEqual(await axe(page), [], 'axe on the delete confirmation');
  await fitsPhone(page, 'the delete confirmation');
  await tabTo(page, 'main .actions a');
  await page.keyboard.press('Enter');
  await page.locator('h2#correct', { hasText: 'Correct this visit' }).waitFor();
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('staff change a grant\'s stage through a confirmation page', async () => {
  const page = await newPage(browser);
  await signIn(page, stack.base, 'staff@example.org');
  await page.goto(`${stack.base}/grants?stage=proposed`);
  await Promise.all([page.waitForLoadState('load'), page.locator('tbody a').first().click()]);
  const grant = page.url();
  assert.deepEqual(await axe(page), [], 'axe on a proposed grant');

  await tabTo(page, '#f-stage');
  assert.equal(await page.inputValue('#f-stage'), 'awarded');
  await tabTo(page, 'form:has(#f-stage) button[type="submit"]');
  await page.keyboard.press('Enter');
  // The current page is loaded already: wait for the next one's heading.
  await page.getByRole('heading', { level: 1, name: /Move this grant to Awarded\?/ }).waitFor();
  assert.match(await page.locator('main').innerText(), /payments can be scheduled/);
  assert.deepEqual(await axe(page), [], 'axe on the stage confirmation');
  await page.screenshot({ path: join(OUT, 'stage-confirm.png'), fullPage: true });
  await fitsPhone(page, 'the stage confirmation');
  await page.setViewportSize({ width: 390, height: 900 });
  await page.screenshot({ path: join(OUT, 'stage-confirm-390.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  await tabTo(page, 'main .actions button[type="submit"]');
  await Promise.all([page.waitForURL(/msg=saved/), page.keyboard.press('Enter')]);
  assert.ok(page.url().startsWith(grant));
  assert.match(await page.locator('dl.facts').innerText(), /Awarded/);
  assert.match(await page.locator('ol.history').innerText(), /stage, proposed to awarded/);

  // The payment page: record as paid, with the day and a reference.
  await page.goto(`${stack.base}/grants/1`);
  await Promise.all([page.waitForLoadState('load'), page.locator('a[href*="/payments/"]').filter({ hasText: 'Pay' }).first().click()]);
  assert.deepEqual(await axe(page), [], 'axe on a payment');
  await fitsPhone(page, 'a payment');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
