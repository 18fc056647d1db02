// answers.test.mjs — answers that are true, in a browser: a leader picks
// "which matters most" on the first pass through a section with scripts
// off; an error summary names its question and its link takes the keyboard
// to the field; copying from another school says what it copied; staff
// read every question's counts and the lists they invite from.  By
// keyboard, axe-core clean, at 1280 px and on a 390 px phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startStack, stopStack, launch, newPage, axe, signIn, tabTo, OUT, PASSWORD } from './lib.mjs';

let stack, browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); stopStack(stack); });

async function press(page, selector) {
  await tabTo(page, selector);
  await Promise.all([page.waitForLoadState('load'), page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
}

async function fits(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${what} scrolls sideways by ${overflow}px`);
}

async function schoolHref(page, n) {
  await page.goto(`${stack.base}/scan`);
  return page.locator('main a[href*="/schools/"]').nth(n).getAttribute('href');
}

test('with scripts off, "which matters most" is answered on the first pass', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${stack.base}/login`);
  await page.fill('#f-email', 'leader@example.org');
  await page.fill('#f-password', PASSWORD);
  await Promise.all([page.waitForURL(`${stack.base}/`), page.keyboard.press('Enter')]);
  const href = await schoolHref(page, 0);
  await page.goto(`${stack.base}${href}?section=supports`);
  await page.getByRole('heading', { name: /Section 6 of 7/ }).waitFor();
  // Nothing saved here yet, and every support is offered as the most important.
  assert.equal(await page.locator('input[name="q_support_top"]').count(), 6);
  await tabTo(page, '#f-q_supports_needed');            // how-to knowledge
  await page.keyboard.press('Space');
  await tabTo(page, '#f-q_supports_needed-1');          // observing practice
  await page.keyboard.press('Space');
  await tabTo(page, '#f-q_support_top');
  await page.keyboard.press('ArrowDown');               // the second: observing practice
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-q_support_top-1');
  await page.screenshot({ path: join(OUT, 'answers-first-pass-nojs.png'), fullPage: true });
  await press(page, 'button[value="next"]');
  await page.getByRole('heading', { name: /Section 7 of 7/ }).waitFor();
  await page.goto(`${stack.base}${href}?section=supports`);
  assert.ok(await page.locator('#f-q_support_top-1').isChecked(), 'the most important was kept');
  assert.equal(await page.locator('#f-q_support_top-1').getAttribute('value'), 'observe');
  await context.close();
});

for (const width of [1280, 390]) {
  test(`an error summary names its question and leads to it (${width} px)`, async () => {
    const page = await newPage(browser);
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, stack.base, 'leader@example.org');
    const href = await schoolHref(page, width === 1280 ? 1 : 2);
    await page.goto(`${stack.base}${href}?section=supports`);
    await page.getByRole('heading', { name: /Section 6 of 7/ }).waitFor();
    // With scripts, "which matters most" offers only what is ticked.
    // (Each width answers its own school: autosave keeps what is typed.)
    await tabTo(page, '#f-q_supports_needed');
    await page.keyboard.press('Space');
    assert.ok(await page.locator('#f-q_supports_needed').isChecked());
    assert.ok(await page.locator('#f-q_support_top').isVisible());
    assert.ok(!(await page.locator('#f-q_support_top-1').isVisible()));
    // Typing an other answer ticks Other.
    await tabTo(page, '#f-q_challenges_other');
    await page.keyboard.type('Distance');
    assert.ok(await page.locator('#f-q_challenges-7').isChecked(), 'Other ticked by typing');
    // "None" with another support: the summary names the question.
    await page.locator('#f-q_supports_needed-6').check();
    await press(page, 'button[value="next"]');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'errors');
    const link = alert.getByRole('link');
    assert.match(await link.first().innerText(), /^Which supports would most help educators at this school individualize learning\?: /);
    assert.ok(await page.locator('#f-q_supports_needed').isChecked(), 'input kept');
    assert.equal(await page.inputValue('#f-q_challenges_other'), 'Distance');
    assert.deepEqual(await axe(page), [], 'axe on the section with errors');
    await fits(page, 'the section with errors');
    await page.screenshot({ path: join(OUT, `answers-error-${width}.png`), fullPage: true });
    await tabTo(page, '#errors a[href="#f-q_supports_needed"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'f-q_supports_needed');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}

test('copying from another school says what it copied and submits nothing', async () => {
  const page = await newPage(browser);
  // host@ leads two schools: one begun, the other copied into.
  await signIn(page, stack.base, 'host@example.org');
  const href = await schoolHref(page, 0);
  await page.goto(`${stack.base}${href}?section=about`);
  await page.locator('#f-q_role').check();
  await page.fill('#f-q_years', '9');
  await Promise.all([page.waitForURL(/msg=saved/), page.getByRole('button', { name: 'Save and finish later' }).click()]);
  await page.goto(`${stack.base}/scan`);
  const from = await page.locator('#f-from option').nth(1).getAttribute('value');
  const to = await page.locator('#f-to option').nth(1).getAttribute('value');
  await page.selectOption('#f-from', from);
  await page.selectOption('#f-to', to);
  await tabTo(page, '#f-to');
  await page.keyboard.press('Tab');                     // the copy button
  await Promise.all([page.waitForLoadState('load'), page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
  const notice = page.locator('#copied');
  await notice.waitFor();
  assert.match(await notice.innerText(), /Copied from .*, as a draft/);
  assert.match(await notice.innerText(), /How many years have you led at this school\?/);
  assert.deepEqual(await axe(page), [], 'axe on the copied draft');
  await page.setViewportSize({ width: 390, height: 900 });
  await fits(page, 'the copied draft');
  await page.screenshot({ path: join(OUT, 'answers-copied-390.png'), fullPage: true });
  await page.goto(`${stack.base}/scan`);
  assert.doesNotMatch(await page.getByRole('table', { name: /Your schools in the/ }).locator('tbody').innerText(), /Submitted/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

for (const width of [1280, 390]) {
  test(`staff read every question and the lists they invite from (${width} px)`, async () => {
    const page = await newPage(browser);
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, stack.base, 'staff@example.org');
    await page.goto(`${stack.base}/scans/2018/results`);
    await page.getByRole('heading', { name: 'Every question, as answered' }).waitFor();
    assert.deepEqual(await axe(page), [], 'axe on the results');
    await fits(page, 'the results');
    await press(page, 'a[href="/scans/2018/wants?list=cohort"]');
    await page.getByRole('heading', { level: 1, name: /Inspire cohort/ }).waitFor();
    assert.ok(await page.locator('main a[href="/cohorts"]').count() === 1);
    assert.deepEqual(await axe(page), [], 'axe on a want list');
    await fits(page, 'a want list');
    await page.screenshot({ path: join(OUT, `answers-wants-${width}.png`), fullPage: true });
    await page.goto(`${stack.base}/scans/2018/wants?list=host&answer=any`);
    assert.deepEqual(await axe(page), [], 'axe on the host list');
    await fits(page, 'the host list');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}
