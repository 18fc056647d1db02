// convening.test.mjs — foundation staff plan next year's convening with a
// session; a school leader registers a party of three for it by keyboard
// alone; staff find a person by name on the check-in page of this year's
// convening and mark them in on a 390 px phone.  axe-core finds no
// violations, and no page scrolls sideways on the phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startStack, stopStack, launch, newPage, axe, signIn, signOut, tabTo, OUT } from './lib.mjs';

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

function day(offset) {
  const d = new Date(Date.now() + offset * 86400000 - 6 * 3600000);
  return d.toISOString().slice(0, 10);
}

test('staff plan a convening; a leader registers a party of three by keyboard', async () => {
  const page = await newPage(browser);
  await signIn(page, stack.base, 'staff@example.org');
  await page.goto(`${stack.base}/convening`);
  assert.deepEqual(await axe(page), [], 'axe on /convening (staff)');
  const year = new Date().getFullYear() + 1;
  await page.fill('#f-year', String(year));
  await page.fill('#f-title', 'Next Regional Convening');
  await page.fill('#f-place', 'Sinte Gleska University');
  await page.fill('#f-first_day', day(60));
  await page.fill('#f-last_day', day(61));
  await page.fill('#f-capacity', '30');
  await page.fill('#f-opens_on', day(-1));
  await page.fill('#f-closes_on', day(50));
  await Promise.all([page.waitForURL(new RegExp(`/convening/${year}\\?msg=created`)),
    page.getByRole('button', { name: 'Create the convening' }).click()]);
  await page.goto(`${stack.base}/convening/${year}/edit`);
  assert.deepEqual(await axe(page), [], 'axe on the edit page');
  const form = page.locator('form[action$="/sessions"]');
  await form.locator('input[name="title"]').fill('Breakout on career relevance');
  await form.locator('input[name="starts"]').fill('10:30');
  await form.locator('input[name="capacity"]').fill('12');
  await Promise.all([page.waitForURL(/msg=session/), form.getByRole('button', { name: 'Add the session' }).click()]);
  await signOut(page, stack.base);

  await signIn(page, stack.base, 'host@example.org');
  await press(page, 'nav a[href="/convening"]');
  assert.deepEqual(await axe(page), [], 'axe on /convening (leader)');
  await press(page, `a[href="/convening/${year}"]`);
  assert.deepEqual(await axe(page), [], `axe on /convening/${year}`);
  // Three people: the number first, then the page has a block for each.
  await tabTo(page, '#people-n');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('3');
  await Promise.all([page.waitForURL(/people=3/), page.keyboard.press('Enter')]);
  assert.equal(await page.locator('fieldset.person').count(), 3);
  assert.deepEqual(await axe(page), [], 'axe on the form for three');
  // The host leads two schools: the second one.
  await tabTo(page, '#f-school');
  await page.keyboard.press('ArrowDown');
  await tabTo(page, '#f-role1');
  await page.keyboard.type('Principal');
  await tabTo(page, '#f-name2');
  await page.keyboard.type('Ana Lund');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Teacher');
  await tabTo(page, '#f-diet2');
  await page.keyboard.type('Vegetarian');
  await tabTo(page, '#f-name3');
  await page.keyboard.type('Bo Ek');
  await tabTo(page, '#f-access3');
  await page.keyboard.type('Wheelchair access');
  await tabTo(page, '#f-session');
  await page.keyboard.press('Space');
  await page.screenshot({ path: join(OUT, 'convening-register-1280.png'), fullPage: true });
  await press(page, 'form[action$="/register"] button[type="submit"]');
  assert.match(page.url(), new RegExp(`/convening/${year}/parties/\\d+\\?msg=registered`));
  const main = await page.locator('main').innerText();
  assert.match(main, /Registered/);
  assert.match(main, /Ana Lund/);
  assert.match(main, /Wheelchair access/);
  assert.match(main, /Breakout on career relevance/);
  assert.match(await page.getByRole('status').first().innerText(), /calendar/);
  assert.deepEqual(await axe(page), [], 'axe on the party');
  await page.setViewportSize({ width: 390, height: 900 });
  await fits(page, 'the party page');
  await page.screenshot({ path: join(OUT, 'convening-party-390.png'), fullPage: true });
  await page.goto(`${stack.base}/convening/${year}`);
  assert.match(await page.locator('main').innerText(), /27 of 30 left/);
  await fits(page, 'the convening page');
  await page.screenshot({ path: join(OUT, 'convening-390.png'), fullPage: true });
  // Cancelling asks first, then says what was done (not "an updated invitation").
  await press(page, `a[href^="/convening/${year}/parties/"]`);
  await press(page, 'input[value="cancel"] + button');
  assert.match(await page.locator('h1').innerText(), /Cancel this registration\?/);
  await press(page, 'div.actions button[type="submit"]');
  assert.match(page.url(), /msg=cancelled/);
  assert.match(await page.getByRole('status').first().innerText(), /Cancelled: the places are freed/);
  await fits(page, 'the cancelled party');
  await page.context().close();
});

test('staff check a person in at 390 px', async () => {
  const page = await newPage(browser);
  await page.setViewportSize({ width: 390, height: 800 });
  await signIn(page, stack.base, 'staff@example.org');
  const year = day(21).slice(0, 4);
  await page.goto(`${stack.base}/convening/${year}/checkin`);
  assert.deepEqual(await axe(page), [], 'axe on check-in');
  await fits(page, 'check-in');
  await tabTo(page, '#q-q');
  await page.keyboard.type('rae');
  await Promise.all([page.waitForURL(/q=rae/), page.keyboard.press('Enter')]);
  const people = page.locator('ul.checkin li');
  assert.equal(await people.count(), 1);
  assert.match(await people.first().innerText(), /Rae Dahl/);
  await page.screenshot({ path: join(OUT, 'convening-checkin-390.png'), fullPage: true });
  await press(page, 'ul.checkin button.mark-in');
  assert.match(await page.getByRole('status').first().innerText(), /Rae Dahl is checked in/);
  assert.match(await people.first().innerText(), /In since/);
  assert.deepEqual(await axe(page), [], 'axe after check-in');
  await fits(page, 'check-in after');
  for (const path of ['attendance', 'badges', 'sign-in-sheet', 'registrations']) {
    await page.goto(`${stack.base}/convening/${year}/${path}`);
    assert.deepEqual(await axe(page), [], `axe on ${path}`);
    await fits(page, path);
  }
  await page.goto(`${stack.base}/convening/${year}/registrations`);
  // A coach's party says where it comes from: the organization.
  assert.match(await page.locator('main table').innerText(), /Prairie Learning Collaborative/);
  await page.goto(`${stack.base}/convening/${year}/attendance`);
  assert.match(await page.locator('main').innerText(), /1 of 4 registered people attended/);
  await page.emulateMedia({ media: 'print' });
  await page.goto(`${stack.base}/convening/${year}/badges`);
  assert.equal(await page.locator('header.banner').isVisible(), false, 'no banner on paper');
  await page.screenshot({ path: join(OUT, 'convening-badges-print.png'), fullPage: true });
  await page.context().close();
});
