// cohorts.test.mjs — Inspire cohorts in a browser: foundation staff take
// attendance on a 390 px phone by keyboard alone (checkboxes and one save,
// no script needed); a leader opens their cohort from the navigation and
// finds it, with the session they attended, on their school's profile
// timeline; staff start a cohort.  axe-core finds no violations and no page
// scrolls sideways on the phone.
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

test('staff take attendance at 390 px, by keyboard', async () => {
  const page = await newPage(browser);
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, stack.base, 'staff@example.org');
  await press(page, 'nav a[href="/cohorts"]');
  assert.deepEqual(await axe(page), [], 'axe on /cohorts');
  await fits(page, '/cohorts');
  await page.screenshot({ path: join(OUT, 'cohorts-390.png'), fullPage: true });
  await press(page, 'main a[href="/cohorts/1"]');
  assert.deepEqual(await axe(page), [], 'axe on /cohorts/1');
  await fits(page, '/cohorts/1');
  await page.screenshot({ path: join(OUT, 'cohort-390.png'), fullPage: true });

  // The second session has been held: take its attendance.
  const take = page.locator('main a[href^="/cohorts/1/sessions/"]').nth(1);
  const href = await take.getAttribute('href');
  await press(page, `main a[href="${href}"]`);
  assert.deepEqual(await axe(page), [], `axe on ${href}`);
  await fits(page, href);
  const boxes = page.locator('input[name="present"]');
  const n = await boxes.count();
  assert.ok(n >= 3, 'members listed');
  // Tick everyone who is not ticked yet, by Tab and Space.
  for (let i = 0; i < n; i++) {
    const id = await boxes.nth(i).getAttribute('id');
    if (!(await boxes.nth(i).isChecked())) {
      await tabTo(page, `#${id}`);
      await page.keyboard.press('Space');
    }
  }
  await page.screenshot({ path: join(OUT, 'cohort-attendance-390.png'), fullPage: true });
  await press(page, 'main form button[type="submit"]');
  assert.match(page.url(), /msg=saved/);
  assert.match(await page.getByRole('status').first().innerText(), new RegExp(`Attendance saved: ${n} present`));
  for (let i = 0; i < n; i++) assert.ok(await boxes.nth(i).isChecked(), 'kept as saved');
  assert.deepEqual(await axe(page), [], 'axe after saving');
  await fits(page, 'attendance saved');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

for (const width of [1280, 390]) {
  test(`a leader opens their cohort and finds it on the profile timeline, ${width} px`, async () => {
    const page = await newPage(browser);
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, stack.base, 'leader@example.org');
    await press(page, 'nav a[href="/cohorts"]');
    assert.match(await page.locator('main').innerText(), /\(yours\)/);
    await press(page, 'main a[href="/cohorts/1"]');
    const main = await page.locator('main').innerText();
    assert.match(main, /Student voice in learning plans/);
    assert.match(main, /Pat Olson/);
    assert.doesNotMatch(main, /Take attendance/);
    assert.deepEqual(await axe(page), [], 'axe on the cohort, as a member');
    await fits(page, 'the cohort');
    await page.screenshot({ path: join(OUT, `cohort-leader-${width}.png`), fullPage: true });

    // The leader's own school, from the member list, shows the cohort.
    const mine = page.locator('main tr', { hasText: 'Pat Olson' }).locator('a');
    const school = await mine.getAttribute('href');
    await press(page, `main a[href="${school}"]`);
    const profile = await page.locator('main').innerText();
    assert.match(profile, /Inspire cohorts/);
    assert.match(profile, /Participation/);
    assert.match(profile, /Attended a session of Student voice in learning plans/);
    assert.deepEqual(await axe(page), [], 'axe on the profile');
    await fits(page, 'the profile');
    await page.screenshot({ path: join(OUT, `cohort-profile-${width}.png`), fullPage: true });
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}

for (const width of [1280, 390]) {
  test(`staff manage a cohort on its own page, ${width} px, by keyboard`, async () => {
    const page = await newPage(browser);
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, stack.base, 'staff@example.org');
    await page.goto(`${stack.base}/cohorts/1`);
    // The page everyone reads carries no management forms, only the way there.
    assert.equal(await page.locator('main form select').count(), 0);
    await press(page, 'main a[href="/cohorts/1/manage#want"]');
    assert.match(page.url(), /\/cohorts\/1\/manage#want$/);
    const main = await page.locator('main').innerText();
    assert.match(main, /Leaders who asked for a cohort/);
    assert.match(main, /Showing 1–\d+ of \d+ leaders/);
    assert.match(main, /Add a session/);
    assert.match(main, /Edit the cohort/);
    assert.deepEqual(await axe(page), [], 'axe on the manage page');
    await fits(page, 'the manage page');
    await page.screenshot({ path: join(OUT, `cohort-manage-${width}.png`), fullPage: true });
    // A change sent with a problem comes back here, the input kept.
    await page.fill('#f-date', '2027-01-15');
    await page.fill('#f-time', '09:00');
    await page.fill('#f-place', 'Cass Lake');
    await page.fill('#f-minutes', '5');
    await tabTo(page, '#add-session ~ form button[type="submit"]');
    await Promise.all([page.waitForLoadState('load'), page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
    assert.match(page.url(), /\/cohorts\/1$/);
    assert.match(await page.locator('main').innerText(), /from 15 to 720/);
    assert.equal(await page.locator('#f-place').inputValue(), 'Cass Lake');
    assert.deepEqual(await axe(page), [], 'axe on the manage page with a problem');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}

test('staff start a cohort, by keyboard', async () => {
  const page = await newPage(browser);
  await signIn(page, stack.base, 'staff@example.org');
  await page.goto(`${stack.base}/cohorts`);
  await tabTo(page, '#f-name');
  await page.keyboard.type('Family voices');
  await tabTo(page, '#f-dimensions');
  await page.keyboard.press('Space');
  await press(page, 'main form button[type="submit"]');
  assert.match(page.url(), /\/cohorts\/\d+\?msg=created/);
  assert.match(await page.getByRole('status').first().innerText(), /Cohort started/);
  assert.deepEqual(await axe(page), [], 'axe on the new cohort');
  await page.screenshot({ path: join(OUT, 'cohort-new-1280.png'), fullPage: true });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
