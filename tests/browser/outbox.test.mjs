// outbox.test.mjs — the outbox page (/admin/outbox) in a browser: the
// administrator reaches it from the home page's navigation by keyboard
// alone, reads each message's recipient, subject and status (a password
// reset asked for just before among them, sent to the SMTP sink), filters by
// status by keyboard, and never finds the message's text: no token, no
// link that would let its reader in (outbox.c promises it).  axe-core finds
// no violations at 1280 and 390 px and the page never scrolls sideways.
// Someone who is not an administrator is refused, and has no link to it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, stopStack, launch, newPage, axe, signIn, signOut, tabTo, OUT } from './lib.mjs';

let stack, browser;
before(async () => { stack = await startStack(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); stopStack(stack); });

const STATUSES = ['Waiting to go', 'Failing, tried again later', 'Given up', 'Sent'];

async function press(page, selector) {
  await tabTo(page, selector);
  await Promise.all([page.waitForLoadState('load'), page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
}

async function noSideways(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${what} scrolls sideways by ${overflow}px`);
}

// The messages stay readable: no cell's text runs out of its cell (over
// the next), and a recipient is never squeezed to a few letters a line
// (the table scrolls in its own box instead).
async function readable(page, what) {
  const bad = await page.$$eval('main table td', (tds) => tds
    .filter((td) => td.scrollWidth > td.clientWidth + 1)
    .map((td) => td.innerText));
  assert.deepEqual(bad, [], `${what}: cells whose text runs over the next`);
  const narrow = await page.$$eval('main table tbody td:first-child', (tds) => tds
    .filter((td) => td.getBoundingClientRect().width < 120).map((td) => td.innerText));
  assert.deepEqual(narrow, [], `${what}: recipients squeezed`);
}

// The text of the first mail on the SMTP sink to `to` whose decoded text
// holds `part` (quoted-printable undone), waiting up to ms.  When none
// comes, the error carries what the stack logged, for the run's record.
async function mailFor(to, part, ms = 30000) {
  const dir = join(stack.dir, 'mail');
  for (const end = Date.now() + ms; Date.now() < end;) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.eml'))) {
      const raw = readFileSync(join(dir, f), 'latin1');
      if (!raw.startsWith(`X-Rcpt: ${to}\r\n`)) continue;
      const text = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
      if (text.includes(part)) return text;
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  const tail = (name) => {
    try { return readFileSync(join(stack.dir, name), 'utf8').split('\n').slice(-15).join('\n'); } catch { return '(none)'; }
  };
  throw new Error(`no mail to ${to} with ${part} in ${ms} ms; mail: ${readdirSync(dir).join(' ')}\n`
    + `ilnet.log:\n${tail('ilnet.log')}\nsmtp.log:\n${tail('smtp.log')}`);
}

// The messages' table as rows of cell texts.
async function rows(page) {
  return page.$$eval('main table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.innerText.trim())));
}

// Nothing on the page lets its reader in: no token, no invitation or
// reset link, no one-time token in any address.
async function noAccess(page, token) {
  const html = await page.content();
  assert.ok(!html.includes(token), 'the reset token is not on the page');
  assert.doesNotMatch(html, /\/invite\?|\/password\/reset\?|[?&](t|token)=/, 'no one-time link in the page');
  const hrefs = await page.$$eval('a[href], form[action]', (els) => els.map((e) => e.getAttribute('href') || e.getAttribute('action')));
  for (const h of hrefs) assert.doesNotMatch(h, /\/invite|\/password\/reset|token|[?&]t=/, `a link that lets in: ${h}`);
}

test('the administrator reaches the outbox by keyboard and sees who, what and whether it went, never a way in', async (t) => {
  const page = await newPage(browser);
  // A password reset for the demo leader: its mail carries a one-time link.
  await page.goto(`${stack.base}/password/forgot`);
  await tabTo(page, '#f-email');
  await page.keyboard.type('leader@example.org');
  await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
  await page.getByText(/a link to choose a new password is on its way/).waitFor();
  const asked = Date.now();
  const mail = await mailFor('leader@example.org', '/password/reset?t=');
  t.diagnostic(`the reset mail reached the sink ${Date.now() - asked} ms after the page said so`);
  const token = /\/password\/reset\?t=([A-Za-z0-9_-]+)/.exec(mail)[1];
  assert.ok(token.length >= 20, 'the mail holds the reset token');

  await signIn(page, stack.base, 'admin@example.org');
  await press(page, 'nav a[href="/admin/outbox"]');
  await page.getByRole('heading', { name: 'Mail', level: 1 }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/admin/outbox');
  assert.equal(await page.locator('nav a[href="/admin/outbox"]').getAttribute('aria-current'), 'page');
  const heads = await page.$$eval('main table thead th', (ths) => ths.map((th) => th.innerText.trim()));
  assert.deepEqual(heads.slice(0, 3), ['To', 'Subject', 'Status']);
  const all = await rows(page);
  assert.ok(all.length >= 2, `the demo's mails and the reset are listed (${all.length})`);
  for (const [to, subject, status, attempts, queued] of all) {
    assert.match(queued, /^\d{4}-\d\d-\d\d/, 'when it was queued');
    assert.match(to, /^[^@\s]+@[^@\s]+$/, 'a recipient');
    assert.ok(subject.length > 0, 'a subject');
    assert.ok(STATUSES.includes(status), `a status said plainly: ${status}`);
    assert.match(attempts, /^\d+$/, 'attempts');
  }
  // The reset went to the sink: sent, to its reader, under its subject.
  const reset = all.find((c) => c[0] === 'leader@example.org' && c[1] === 'Reset your ilnet password');
  assert.ok(reset, 'the reset is listed');
  assert.equal(reset[2], 'Sent');
  assert.match(reset[5], /^Sent \d{4}-\d\d-\d\d/);
  // The demo queued mail of its own before the reset: listed newest first.
  assert.ok(all.some((c) => c[1] !== 'Reset your ilnet password'), 'the demo\'s mails are listed');
  await noAccess(page, token);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    assert.deepEqual(await axe(page), [], `axe on the outbox at ${width}`);
    await noSideways(page, `the outbox at ${width}`);
    await readable(page, `the outbox at ${width}`);
    await page.screenshot({ path: join(OUT, `outbox-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });

  // Only the sent ones, chosen by keyboard.
  await tabTo(page, '#q-status');
  await page.keyboard.type('Sent');
  assert.equal(await page.inputValue('#q-status'), 'sent');
  await press(page, 'form.filters button[type="submit"]');
  assert.equal(new URL(page.url()).searchParams.get('status'), 'sent');
  const sent = await rows(page);
  assert.ok(sent.length >= 1, 'the reset at least');
  for (const c of sent) assert.equal(c[2], 'Sent', `only sent messages: ${c.join(' | ')}`);
  assert.ok(sent.some((c) => c[1] === 'Reset your ilnet password'));
  await noAccess(page, token);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    assert.deepEqual(await axe(page), [], `axe on the filtered outbox at ${width}`);
    await noSideways(page, `the filtered outbox at ${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(page.problems, [], 'no console errors');
  await signOut(page, stack.base);
  await page.context().close();
});

test('someone who is not an administrator is refused the outbox and has no link to it', async () => {
  const page = await newPage(browser);
  await page.goto(`${stack.base}/admin/outbox`);
  assert.match(new URL(page.url()).pathname, /^\/login$/, 'signed out: asked to sign in');
  for (const email of ['staff@example.org', 'leader@example.org']) {
    await signIn(page, stack.base, email);
    assert.equal(await page.locator('nav a[href="/admin/outbox"]').count(), 0, `no Mail link for ${email}`);
    const res = await page.goto(`${stack.base}/admin/outbox`);
    assert.equal(res.status(), 403, `${email} is refused`);
    assert.match(await page.locator('main').innerText(), /You do not have access to this page/);
    assert.equal(await page.locator('main table').count(), 0, 'no messages shown');
    assert.ok(!(await page.content()).includes('Reset your ilnet password'));
    assert.deepEqual(await axe(page), [], `axe on the refusal for ${email}`);
    await signOut(page, stack.base);
  }
  await page.context().close();
});
