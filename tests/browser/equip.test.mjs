// equip.test.mjs — an intermediary logs a coaching visit by keyboard alone;
// axe-core finds no violations on the Equip pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startStack, stopStack, launch, newPage, axe, signIn, tabTo, OUT } from './lib.mjs';

let stack, browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); stopStack(stack); });

test('an intermediary logs a visit by keyboard alone', async () => {
  const page = await newPage(browser);
  await signIn(page, stack.base, 'coach@example.org');
  await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: 'Visits', exact: true }).click()]);
  assert.deepEqual(await axe(page), [], 'axe on /visits');
  const before = await page.locator('tbody tr').count();

  await tabTo(page, '#f-school');
  await page.keyboard.press('ArrowDown');                  // the first school served
  assert.notEqual(await page.inputValue('#f-school'), '');
  await tabTo(page, '#f-date');
  await page.keyboard.type('11202026');                     // mm dd yyyy, as the date field takes it
  await tabTo(page, '#f-time');
  await page.keyboard.type('0930AM');
  await tabTo(page, '#f-minutes');
  await page.keyboard.type('75');
  await tabTo(page, '#f-mode');
  await page.keyboard.press('Space');                       // on site
  await tabTo(page, '#f-activity');
  await page.keyboard.press('ArrowDown');                   // community engagement
  await tabTo(page, '#f-dimensions');
  await page.keyboard.press('Space');                       // cultural
  await tabTo(page, '#f-who_teachers');
  await page.keyboard.type('6');
  await tabTo(page, '#f-notes');
  await page.keyboard.type('Families joined the planning session.');
  await tabTo(page, '#f-next_steps');
  await page.keyboard.type('Invite elders to the next one.');
  await tabTo(page, 'form[action="/visits"] button[type="submit"]');
  await Promise.all([page.waitForURL(/msg=logged/), page.keyboard.press('Enter')]);
  assert.match(await page.getByRole('status').innerText(), /Visit logged/);
  assert.equal(await page.locator('tbody tr').count(), before + 1);
  assert.match(await page.locator('tbody').innerText(), /2026-11-20 09:30/);
  assert.match(await page.locator('main').innerText(), /Next steps from the visit on 2026-11-20/);
  assert.deepEqual(await axe(page), [], 'axe after logging');
  await page.screenshot({ path: join(OUT, 'visits.png'), fullPage: true });

  // The grant and its drafted report.
  await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: 'Grants', exact: true }).click()]);
  assert.deepEqual(await axe(page), [], 'axe on /grants (intermediary)');
  await Promise.all([page.waitForLoadState('load'), page.locator('tbody a').first().click()]);
  assert.deepEqual(await axe(page), [], 'axe on a grant (intermediary)');
  await Promise.all([page.waitForLoadState('load'), page.locator('a[href*="/reports/"]').nth(1).click()]);
  assert.match(await page.inputValue('#f-body'), /SCHOOLS SERVED/);
  assert.deepEqual(await axe(page), [], 'axe on a drafted report');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('staff: grants, a grant and the portfolio are accessible', async () => {
  const page = await newPage(browser);
  await signIn(page, stack.base, 'staff@example.org');
  await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: 'Grants', exact: true }).click()]);
  assert.deepEqual(await axe(page), [], 'axe on /grants (staff)');
  // Filled in, but with a fraction of a cent and no organization: the server says so.
  await page.fill('#f-title', 'Browser grant');
  await page.fill('#f-amount', '12.345');
  await page.fill('#f-start', '2026-01-01');
  await page.fill('#f-end', '2026-12-31');
  await page.getByRole('button', { name: 'Create grant' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /Enter the award in dollars and cents/);
  assert.equal(await page.inputValue('#f-amount'), '12.345');
  assert.deepEqual(await axe(page), [], 'axe on the grant form with errors');
  await page.goto(`${stack.base}/grants/1`);
  assert.deepEqual(await axe(page), [], 'axe on a grant (staff)');
  await page.screenshot({ path: join(OUT, 'grant.png'), fullPage: true });
  await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: 'Portfolio', exact: true }).click()]);
  assert.equal(await page.locator('svg[role="img"]').count(), 1);
  assert.deepEqual(await axe(page), [], 'axe on /portfolio');
  await page.goto(`${stack.base}/visits`);
  assert.doesNotMatch(await page.locator('main').innerText(), /Observed advisory/);   // no notes for staff
  assert.deepEqual(await axe(page), [], 'axe on /visits (staff)');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
