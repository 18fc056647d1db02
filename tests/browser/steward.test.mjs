// steward.test.mjs — a nation's data steward, by keyboard alone: consents
// to a use and labels a school, sees the change history, finds the use of
// a profile in the use log and filters it; axe-core finds no violations,
// and the pages fit a 390 px wide phone (wide tables scroll in their box).
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

// The page itself never scrolls sideways at this width.
async function fits(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${what} is ${overflow}px too wide`);
}

test('a steward sets consent and labels, then reads the use log, by keyboard', async () => {
  const page = await newPage(browser);
  await signIn(page, stack.base, 'steward@example.org');
  await press(page, 'nav a[href="/steward"]');
  assert.deepEqual(await axe(page), [], 'axe on /steward');

  // The first school: on the map at community precision, labelled TK CO.
  const map = await page.locator('select[id^="f-map_"]').first().getAttribute('id');
  const school = map.replace('f-map_', '');
  await tabTo(page, `#${map}`);
  await page.keyboard.press('ArrowDown');                       // none → community
  assert.equal(await page.inputValue(`#${map}`), 'community');
  await tabTo(page, `#f-labels_${school}`);
  await page.keyboard.type('TK CO; TK Nope');
  await press(page, 'form[action="/steward"] button[type="submit"]');
  // An unknown code: said so, the typing kept, nothing saved.
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /TK Nope/);
  assert.equal(await page.inputValue(`#f-labels_${school}`), 'TK CO; TK Nope');
  assert.equal(await page.inputValue(`#${map}`), 'community');
  assert.deepEqual(await axe(page), [], 'axe on /steward with an error');
  await tabTo(page, `#f-labels_${school}`);
  await page.keyboard.press('End');
  for (let i = 0; i < '; TK Nope'.length; i++) await page.keyboard.press('Backspace');
  await press(page, 'form[action="/steward"] button[type="submit"]');
  assert.match(page.url(), /msg=saved/);
  assert.match(await page.getByRole('status').innerText(), /Saved/);
  const history = await page.locator('caption', { hasText: 'Changes to sharing levels' }).locator('xpath=..').innerText();
  assert.match(history, /On the network map\s+\S.*\s+none\s+community/);
  assert.match(history, /Local Contexts labels\s+\S.*\s+none\s+TK CO/);
  assert.deepEqual(await axe(page), [], 'axe after saving');

  // The school's profile shows the label; the view is a use of its data.
  await page.goto(`${stack.base}/schools/${school}`);
  assert.match(await page.locator('main').innerText(), /TK Community Use Only/);
  await page.goto(`${stack.base}/steward`);
  await press(page, 'a[href="/steward/usage"]');
  assert.deepEqual(await axe(page), [], 'axe on /steward/usage');
  assert.match(await page.locator('tbody').innerText(), new RegExp(`school profile\\s+/schools/${school}\\s+1\\s+full`));

  // Filter by role, by keyboard: the filter lands in the address.
  await tabTo(page, '#q-role');
  await page.keyboard.press('End');                             // the last role: steward
  assert.equal(await page.inputValue('#q-role'), 'steward');
  await press(page, 'form.filters button[type="submit"]');
  assert.match(page.url(), /role=steward/);
  assert.match(await page.locator('tbody').innerText(), /school profile/);
  assert.match(await page.locator('a[href^="/steward/usage.csv"]').getAttribute('href'), /role=steward/);
  assert.deepEqual(await axe(page), [], 'axe on a filtered log');
  await page.screenshot({ path: join(OUT, 'steward-usage.png'), fullPage: true });

  // Leaders of the nation's schools: linked by keyboard, only here.
  await page.goto(`${stack.base}/steward`);
  await press(page, 'a[href="/steward/leaders"]');
  assert.deepEqual(await axe(page), [], 'axe on /steward/leaders');
  await tabTo(page, '#f-school');
  await page.keyboard.press('ArrowDown');                       // the first school
  await tabTo(page, '#f-name');
  await page.keyboard.type('Casey Leader');
  await tabTo(page, '#f-email');
  await page.keyboard.type('leader@example.org');
  await press(page, 'form button[type="submit"]:not(.secondary)');
  assert.match(page.url(), /msg=linked/);
  assert.match(await page.locator('main').innerText(), /Casey Leader|Linked/);
  assert.deepEqual(await axe(page), [], 'axe after linking a leader');

  // On a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  await fits(page, '/steward/leaders');
  await fits(page, '/steward/usage');
  await page.goto(`${stack.base}/steward`);
  await fits(page, '/steward');
  assert.deepEqual(await axe(page), [], 'axe on /steward at 390 px');
  await page.screenshot({ path: join(OUT, 'steward-phone.png'), fullPage: true });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
