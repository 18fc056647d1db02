// scan.test.mjs — a school leader completes a school's scan by keyboard
// alone; axe-core finds no violations on the scan pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startStack, stopStack, launch, newPage, axe, signIn, tabTo, OUT } from './lib.mjs';

let stack, browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); stopStack(stack); });

// Choose the index-th radio of a group: Tab into it, arrows to move.
async function radio(page, name, index) {
  await tabTo(page, `#f-${name}`);
  if (index === 0) await page.keyboard.press('Space');
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate((s) => document.activeElement.id, null),
    index === 0 ? `f-${name}` : `f-${name}-${index}`);
}

async function press(page, selector) {
  await tabTo(page, selector);
  await Promise.all([page.waitForLoadState('load'), page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
}

test('a leader completes a school scan by keyboard alone', async () => {
  const page = await newPage(browser);
  await signIn(page, stack.base, 'leader@example.org');
  await page.goto(`${stack.base}/scan`);
  assert.deepEqual(await axe(page), [], 'axe on /scan');
  await press(page, 'a[href^="/scan/"][href*="/schools/"]');
  await page.getByRole('heading', { name: /Section 1 of 7/ }).waitFor();
  assert.deepEqual(await axe(page), [], 'axe on a section');

  // Try to move on without the required answer: the error summary takes focus.
  await press(page, 'button[value="next"]');
  await page.getByRole('alert').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'errors');
  assert.deepEqual(await axe(page), [], 'axe on a section with errors');
  await page.screenshot({ path: join(OUT, 'scan-error.png'), fullPage: true });

  await radio(page, 'q_role', 0);                        // principal
  await tabTo(page, '#f-q_years');
  await page.keyboard.type('7');
  await press(page, 'button[value="next"]');

  await page.getByRole('heading', { name: /Section 2 of 7/ }).waitFor();
  for (const q of ['q_fam_individualized', 'q_fam_personalized', 'q_fam_student_centered'])
    await radio(page, q, 3);
  await press(page, 'button[value="next"]');

  await page.getByRole('heading', { name: /Section 3 of 7/ }).waitFor();
  await radio(page, 'q_stage', 4);                       // schoolwide
  await tabTo(page, '#f-q_since');
  await page.keyboard.type('2017');
  await radio(page, 'q_reach', 3);                       // nearly all
  await press(page, 'button[value="next"]');

  await page.getByRole('heading', { name: /Section 4 of 7/ }).waitFor();
  await tabTo(page, '#f-q_cultural_practices-1');
  await page.keyboard.press('Space');
  for (const q of ['q_cultural_agree', 'q_instructional_agree', 'q_career_agree'])
    await radio(page, q, 3);
  await page.screenshot({ path: join(OUT, 'scan-practices.png'), fullPage: true });
  await press(page, 'button[value="next"]');

  await page.getByRole('heading', { name: /Section 5 of 7/ }).waitFor();
  await press(page, 'button[value="next"]');
  await page.getByRole('heading', { name: /Section 6 of 7/ }).waitFor();
  await tabTo(page, '#f-q_supports_needed-1');           // observing practice
  await page.keyboard.press('Space');
  await press(page, 'button[value="next"]');
  await page.getByRole('heading', { name: /Section 7 of 7/ }).waitFor();
  await press(page, 'button[value="review"]');

  await page.getByRole('heading', { level: 1, name: /^Review/ }).waitFor();
  assert.match(await page.locator('main').innerText(), /Opportunities to observe practice/);
  assert.deepEqual(await axe(page), [], 'axe on the review page');
  await press(page, 'main button[type="submit"]');
  assert.match(await page.getByRole('status').innerText(), /Submitted/);
  assert.match(await page.getByRole('table', { name: /Your schools in the/ }).locator('tbody').innerText(), /Submitted/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('two tabs: autosave never silently overwrites the other', async () => {
  const a = await newPage(browser);
  await signIn(a, stack.base, 'leader@example.org');
  const b = await a.context().newPage();
  b.problems = [];
  b.on('console', (m) => { if (m.type() === 'error' && !/status of (409|422)/.test(m.text())) b.problems.push(m.text()); });
  await a.goto(`${stack.base}/scan`);
  const href = await a.locator('a[href*="/schools/"]').nth(1).getAttribute('href');
  const url = `${stack.base}${href}?section=about`;
  await a.goto(url);
  await b.goto(url);
  await a.fill('#f-q_community', 'Ranch families along the river');
  await a.locator('.autosave').filter({ hasText: 'Saved as you typed' }).waitFor();
  await b.fill('#f-q_community', 'Families from three towns');
  await b.locator('.autosave').filter({ hasText: 'saved from another window' }).waitFor();
  // Saving on purpose shows what differs, and keeps what was typed here.
  await b.locator('#f-q_role').check();
  await Promise.all([b.waitForLoadState('load'), b.getByRole('button', { name: 'Save and finish later' }).click()]);
  assert.match(await b.getByRole('alert').innerText(), /saved .Ranch families along the river./);
  assert.equal(await b.inputValue('#f-q_community'), 'Families from three towns');
  assert.deepEqual(await axe(b), [], 'axe on the conflict page');
  await b.screenshot({ path: join(OUT, 'scan-conflict.png'), fullPage: true });
  // A second save, knowingly, keeps tab B's words.
  await Promise.all([b.waitForURL(/msg=saved/), b.getByRole('button', { name: 'Save and finish later' }).click()]);
  assert.equal(await b.inputValue('#f-q_community'), 'Families from three towns');
  assert.deepEqual(b.problems, []);
  await a.context().close();
});

test('staff: scans, a cycle and its results are accessible', async () => {
  const page = await newPage(browser);
  await signIn(page, stack.base, 'staff@example.org');
  await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: 'Scans', exact: true }).click()]);
  assert.deepEqual(await axe(page), [], 'axe on /scans');
  await page.goto(`${stack.base}/scans/2018`);
  assert.deepEqual(await axe(page), [], 'axe on a cycle');
  await page.goto(`${stack.base}/scans/2018/results`);
  await page.getByRole('heading', { level: 1, name: 'Results of the 2018 scan' }).waitFor();
  assert.equal(await page.locator('svg[role="img"]').count(), 5);
  assert.deepEqual(await axe(page), [], 'axe on results');
  // Filters by keyboard; the view is in the address.
  await page.selectOption('#q-state', 'SD');
  await Promise.all([page.waitForURL(/state=SD/), page.getByRole('button', { name: 'Filter' }).click()]);
  assert.match(await page.locator('.figures').innerText(), /schools responded/);
  await page.screenshot({ path: join(OUT, 'results.png'), fullPage: true });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
