// season.test.mjs — the scan's season in a browser: staff set the season
// and close the cycle through its confirmation page by keyboard alone (the
// page says how many drafts it leaves out; "go back" keeps it open); staff
// reopen a response through its own confirmation page; a leader's home
// shows the deadline and each school's progress on a 390 px phone without
// sideways scroll; axe-core finds no violations on any of these pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startStack, stopStack, launch, newPage, axe, signIn, signOut, tabTo, OUT } from './lib.mjs';

let stack, browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); stopStack(stack); });

const year = new Date().getUTCFullYear();

async function press(page, selector) {
  await tabTo(page, selector);
  await Promise.all([page.waitForLoadState('load'), page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
}

async function noSideways(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${what} scrolls sideways by ${overflow}px`);
}

test('a leader sees the deadline and progress per school on a phone', async () => {
  const page = await newPage(browser);
  await page.setViewportSize({ width: 390, height: 900 });
  await signIn(page, stack.base, 'leader@example.org');
  const main = page.locator('main');
  await main.getByText(/Deadline: /).waitFor();
  assert.match(await main.innerText(), /\d+ of \d+ of your schools submitted/);
  assert.ok(await page.locator('ul.progress li').count() >= 1, 'each school listed');
  await noSideways(page, 'the leader home');
  assert.deepEqual(await axe(page), [], 'axe on the leader home');
  await page.screenshot({ path: join(OUT, 'season-leader-home-390.png'), fullPage: true });
  await page.goto(`${stack.base}/scan`);
  await main.getByText(/Deadline: /).waitFor();
  await noSideways(page, '/scan');
  assert.deepEqual(await axe(page), [], 'axe on /scan');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${stack.base}/`);
  await page.screenshot({ path: join(OUT, 'season-leader-home.png'), fullPage: true });
  // Start a draft, so that closing has one to leave out.
  await press(page, 'ul.progress a');
  await page.getByRole('heading', { name: /Section 1 of 7/ }).waitFor();
  await tabTo(page, '#f-q_role');
  await page.keyboard.press('Space');
  await press(page, 'button[value="save"]');
  await signOut(page, stack.base);
  await page.context().close();
});

test('staff set the season, then close the cycle by keyboard through its confirmation page', async () => {
  const page = await newPage(browser);
  await signIn(page, stack.base, 'staff@example.org');
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${stack.base}/`);
    await page.locator('main').getByText(/response rate/).waitFor();
    assert.deepEqual(await axe(page), [], `axe on the staff home at ${width}`);
    await noSideways(page, `the staff home at ${width}`);
    await page.screenshot({ path: join(OUT, `season-staff-home-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${stack.base}/scans/${year}`);
  assert.deepEqual(await axe(page), [], 'axe on the cycle page');
  // A schedule with a mistake: the message, the input kept.
  await tabTo(page, '#f-reminders');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('14, 3, 3');
  await press(page, 'form:has(#f-reminders) button[type="submit"]');
  await page.getByText('Each day appears once.').first().waitFor();
  assert.equal(await page.inputValue('#f-reminders'), '14, 3, 3');
  assert.deepEqual(await axe(page), [], 'axe on the cycle page with an error');
  await tabTo(page, '#f-reminders');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('21, 7');
  await press(page, 'form:has(#f-reminders) button[type="submit"]');
  await page.getByText('The season is saved.').waitFor();
  assert.match(await page.locator('main').innerText(), /21 days before the deadline/);
  await page.screenshot({ path: join(OUT, 'season-cycle.png'), fullPage: true });

  // Reopen a submitted response (marked so in the database for the test):
  // a page of its own, by keyboard, with a note to the leader.
  execFileSync('sqlite3', [join(stack.dir, 'ilnet.db'),
    "UPDATE responses SET status = 'submitted', submitted_at = unixepoch() WHERE id = (SELECT max(id) FROM responses)"]);
  await page.goto(`${stack.base}/scans/${year}`);
  await press(page, 'a[href$="/reopen"]');
  await page.getByRole('heading', { name: /^Reopen the \d+ scan for / }).waitFor();
  assert.match(await page.locator('main').innerText(), /Pat Olson/);
  assert.deepEqual(await axe(page), [], 'axe on the reopen page');
  await page.screenshot({ path: join(OUT, 'season-reopen.png'), fullPage: true });
  await tabTo(page, '#f-note');
  await page.keyboard.type('Please check the start year.');
  await press(page, 'main button[type="submit"]');
  await page.getByText(/Reopened: the leader can change the answers again; 1 leader/).waitFor();

  // Close: a page of its own that counts what is left out.
  await press(page, `a[href="/scans/${year}/close"]`);
  await page.getByRole('heading', { name: `Close the ${year} scan?` }).waitFor();
  const text = await page.locator('main').innerText();
  const drafts = Number(/(\d+) drafts?/.exec(text)[1]);
  assert.equal(drafts, 0, 'the leader\'s only draft was submitted, then reopened');
  assert.match(text, /1 reopened response not yet submitted again will be left out/);
  assert.deepEqual(await axe(page), [], 'axe on the close page');
  await page.screenshot({ path: join(OUT, 'season-close.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 900 });
  await noSideways(page, 'the close page at 390');
  await page.screenshot({ path: join(OUT, 'season-close-390.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  // Go back: still open.
  await press(page, `main a[href="/scans/${year}"]`);
  assert.match(await page.locator('main').innerText(), /Status: Open/);
  // Then close for real, by keyboard.
  await press(page, `a[href="/scans/${year}/close"]`);
  await press(page, 'main button[type="submit"]');
  await page.getByText('The cycle is closed').waitFor();
  await signOut(page, stack.base);
  await page.context().close();
});
