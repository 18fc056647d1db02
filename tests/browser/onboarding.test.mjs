// onboarding.test.mjs — an administrator checks a school roster, and a
// list of people, before importing them, on a phone: the problems and the
// preview are accessible and fit 390 px; imported, the notice says what
// happened.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startStack, stopStack, launch, newPage, axe, signIn, OUT } from './lib.mjs';

let stack, browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); stopStack(stack); });

async function fits(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${what} is ${overflow}px too wide`);
}

test('an administrator checks a roster, fixes it and imports it, on a phone', async () => {
  const page = await newPage(browser);
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, stack.base, 'admin@example.org');
  await page.goto(`${stack.base}/admin/schools/import`);
  assert.equal(await page.locator('a[href="/admin/schools/import/template.csv"]').count(), 1);
  const bad = 'Key,Name,State,City,Type,Grades,Students,Time zone\n' +
    'B-1,Phone Prairie School,Minnesota,Ely,Small rural,K-12,120,Central\n' +
    'B-2,Phone Hill School,Iowa,Ely,Rural,12-K,many,Eastern\n';
  await page.fill('#f-csv', bad);
  await Promise.all([page.waitForLoadState('load'), page.waitForEvent('framenavigated'),
    page.getByRole('button', { name: 'Check the roster' }).click()]);
  assert.match(await page.getByRole('alert').innerText(), /1 of 2 rows needs fixing/);
  assert.equal(await page.locator('caption', { hasText: 'Problems, row by row' }).locator('xpath=..').locator('tbody tr').count(), 5);
  assert.deepEqual(await axe(page), [], 'axe on the problems');
  await fits(page, 'the problems');
  await page.screenshot({ path: join(OUT, 'import-problems-390.png') });

  await page.fill('#f-csv', bad.replace('Iowa,Ely,Rural,12-K,many,Eastern', 'SD,Ely,Charter,9-12,80,Mountain'));
  await Promise.all([page.waitForLoadState('load'), page.waitForEvent('framenavigated'),
    page.getByRole('button', { name: 'Check the roster' }).click()]);
  assert.match(await page.getByRole('status').innerText(), /adds 2, updates 0 and leaves 0 unchanged/);
  assert.deepEqual(await axe(page), [], 'axe on the preview');
  await fits(page, 'the preview');
  await page.screenshot({ path: join(OUT, 'import-preview-390.png') });
  await Promise.all([page.waitForURL(/msg=done/),
    page.getByRole('button', { name: 'Import 2 schools' }).click()]);
  assert.match(await page.getByRole('status').innerText(), /2 added, 0 updated, 0 unchanged/);
  assert.deepEqual(page.problems, []);
});

test('an administrator checks a list of people before inviting them, on a phone', async () => {
  const page = await newPage(browser);
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, stack.base, 'admin@example.org');
  await page.goto(`${stack.base}/admin/people`);
  await Promise.all([page.waitForURL(/\/admin\/people\/import$/),
    page.getByRole('link', { name: 'Import people (CSV)' }).click()]);
  await page.fill('#f-csv', 'name,email,role,schools,organization\n' +
    'Phone Person,phone.person@example.org,Foundation staff,,\n' +
    'Phone Coach,phone.coach@example.org,Intermediary staff,,No Such Organization\n');
  await Promise.all([page.waitForLoadState('load'), page.waitForEvent('framenavigated'),
    page.getByRole('button', { name: 'Check the list' }).click()]);
  assert.match(await page.getByRole('alert').innerText(), /1 of 2 rows needs fixing/);
  assert.deepEqual(await axe(page), [], 'axe on the problems');
  await fits(page, 'the problems');
  await page.fill('#f-csv', 'name,email,role,schools,organization\n' +
    'Phone Person,phone.person@example.org,Foundation staff,,\n');
  await Promise.all([page.waitForLoadState('load'), page.waitForEvent('framenavigated'),
    page.getByRole('button', { name: 'Check the list' }).click()]);
  assert.match(await page.getByRole('status').innerText(), /invites 1 and leaves 0/);
  assert.deepEqual(await axe(page), [], 'axe on the preview');
  await fits(page, 'the preview');
  await page.screenshot({ path: join(OUT, 'people-import-preview-390.png') });
  await Promise.all([page.waitForURL(/msg=imported/), page.getByRole('button', { name: 'Invite 1' }).click()]);
  assert.match(await page.locator('.notice').innerText(), /1 invitation sent/);
  assert.deepEqual(page.problems, []);
});

test('the school picker narrows as one types, and without scripts through a search', async () => {
  const page = await newPage(browser);
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, stack.base, 'staff@example.org');
  await page.goto(`${stack.base}/admin/people`);
  const all = await page.locator('#f-schools option').count();
  assert.ok(all > 100, `${all} schools offered`);
  await page.fill('#f-schools-narrow', 'fargo');
  const shown = await page.locator('#f-schools option:not([hidden])').count();
  assert.ok(shown > 0 && shown < all, `${shown} of ${all} shown for fargo`);
  assert.match(await page.locator('#f-schools-shown').innerText(), /^[0-9]+ shown/);
  assert.deepEqual(await axe(page), [], 'axe with the list narrowed');
  await fits(page, '/admin/people');
  // The same without scripts: the search above the form asks the server.
  await page.fill('#q-find', 'Fargo');
  await Promise.all([page.waitForURL(/find=Fargo/), page.locator('#q-find').press('Enter')]);
  assert.ok(await page.locator('#f-schools option').count() < all);
  assert.deepEqual(page.problems, []);
});
