// signin.test.mjs — a person signs in, moves around by role, signs out;
// axe-core finds no WCAG 2.1 AA violations on any page on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startStack, stopStack, launch, newPage, axe, signIn, signOut, OUT } from './lib.mjs';

let stack, browser;

before(async () => {
  stack = await startStack();
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  stopStack(stack);
});

async function visit(page, base, link, heading) {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: link, exact: true }).first().click()]);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: heading }).waitFor());
  assert.deepEqual(await axe(page), [], `axe on ${page.url()}`);
}

test('sign-in page: accessible, errors announced, input kept', async () => {
  const page = await newPage(browser);
  await page.goto(`${stack.base}/`);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.deepEqual(await axe(page), []);
  await page.fill('#f-email', 'admin@example.org');
  await page.fill('#f-password', 'not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /email address or password is not right/);
  assert.equal(await page.inputValue('#f-email'), 'admin@example.org');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'errors');
  assert.deepEqual(await axe(page), []);
  await page.screenshot({ path: join(OUT, 'login-error.png'), fullPage: true });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('administrator: navigation by role, every page accessible', async () => {
  const page = await newPage(browser);
  await signIn(page, stack.base, 'admin@example.org');
  await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const name of ['Home', 'People', 'Schools', 'Organizations', 'Account'])
    assert.equal(await nav.getByRole('link', { name, exact: true }).count(), 1, name);
  assert.equal(await nav.getByRole('link', { name: 'Data sharing' }).count(), 0);
  assert.deepEqual(await axe(page), []);
  await page.screenshot({ path: join(OUT, 'admin-home.png'), fullPage: true });

  await visit(page, stack.base, 'People', 'People');
  await page.screenshot({ path: join(OUT, 'admin-people.png'), fullPage: true });
  await visit(page, stack.base, 'Schools', 'Schools');
  await visit(page, stack.base, 'Organizations', 'Organizations');
  await visit(page, stack.base, 'Account', 'Your account');
  // Forms in their error states, and the other admin pages.
  await page.goto(`${stack.base}/admin/people`);
  await page.fill('#f-name', 'Robin Ortiz');
  await page.fill('#f-email', 'robin@example.org');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /Choose at least one school/);
  assert.equal(await page.inputValue('#f-name'), 'Robin Ortiz');
  assert.deepEqual(await axe(page), [], 'axe on the invite form with errors');
  await page.goto(`${stack.base}/admin/schools/import`);
  assert.deepEqual(await axe(page), [], 'axe on the import page');
  await page.fill('#f-csv', 'name,state\nOnly,MN\n');
  await page.getByRole('button', { name: 'Check the roster' }).click();
  await page.getByRole('alert').waitFor();
  assert.deepEqual(await axe(page), [], 'axe on the import page with errors');
  await page.goto(`${stack.base}/admin/schools`);
  await Promise.all([page.waitForLoadState('load'), page.locator('tbody a.small').first().click()]);
  await page.fill('#f-enrollment', 'lots');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('alert').waitFor();
  assert.equal(await page.inputValue('#f-enrollment'), 'lots');
  assert.deepEqual(await axe(page), [], 'axe on the school editor with errors');
  await page.screenshot({ path: join(OUT, 'school-edit-error.png'), fullPage: true });
  // The skip link is the first thing a keyboard reaches, and it works.
  await page.goto(`${stack.base}/admin/schools`);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to main content');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  await signOut(page, stack.base);
  assert.match(await page.getByRole('status').innerText(), /You have signed out/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('school leader and data steward see their own pages', async () => {
  const page = await newPage(browser);
  await signIn(page, stack.base, 'leader@example.org');
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.equal(await nav.getByRole('link', { name: 'People' }).count(), 0);
  await visit(page, stack.base, 'My schools', 'My schools');
  assert.equal(await page.locator('tbody tr').count(), 3);
  await signOut(page, stack.base);

  await signIn(page, stack.base, 'steward@example.org');
  await visit(page, stack.base, 'Data sharing', 'Data sharing');
  await page.screenshot({ path: join(OUT, 'steward.png'), fullPage: true });
  // Raise the first school to "foundation" and save, by keyboard.
  const first = page.locator('tbody select').first();
  await first.focus();
  await first.selectOption('foundation');
  await Promise.all([page.waitForURL(/msg=saved/), page.getByRole('button', { name: 'Save sharing levels' }).click()]);
  assert.match(await page.getByRole('status').innerText(), /Saved/);
  assert.match(await page.locator('table').nth(1).innerText(), /private\s+foundation/);
  assert.deepEqual(await axe(page), []);
  await signOut(page, stack.base);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('staff page through long lists, filters kept, without losing accessibility', async () => {
  const page = await newPage(browser);
  await signIn(page, stack.base, 'staff@example.org');
  await page.goto(`${stack.base}/admin/schools?state=MN`);
  const pages = page.getByRole('navigation', { name: 'Pages of schools' });
  assert.match(await pages.innerText(), /Showing 1–50 of \d+ schools/);
  await Promise.all([page.waitForURL(/page=2/), pages.getByRole('link', { name: /Next/ }).click()]);
  assert.match(page.url(), /state=MN/);
  assert.match(await pages.innerText(), /Showing 51–100 of/);
  assert.deepEqual(await axe(page), [], 'axe on page 2 of schools');
  await Promise.all([page.waitForLoadState('load'), pages.getByRole('link', { name: /Previous/ }).click()]);
  assert.match(await pages.innerText(), /Showing 1–50 of/);
  await page.goto(`${stack.base}/scans/2018?page=2`);
  assert.match(await page.getByRole('navigation', { name: 'Pages of responses' }).innerText(), /Showing 51–/);
  assert.deepEqual(await axe(page), [], 'axe on page 2 of a cycle\'s responses');
  await page.goto(`${stack.base}/visits`);
  assert.deepEqual(await axe(page), [], 'axe on visits with their pager');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
