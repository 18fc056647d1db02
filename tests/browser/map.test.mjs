// map.test.mjs — foundation staff use the network map by keyboard alone:
// filter it to a state (on a phone, the filters folded away until opened),
// open a school's card from the table beside the map, follow the legend
// to one stage, zoom to a state; at 1280 px and on a 390 px phone; axe-core finds no violations, the page never scrolls
// sideways, and the drawing is looked at in screenshots.
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

const shown = async (page) => Number((await page.locator('#schools').innerText()).replace(/[^0-9]/g, ''));

for (const width of [1280, 390]) {
  test(`staff filter the map and open a school's card, by keyboard, ${width} px wide`, async () => {
    const page = await newPage(browser);
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, stack.base, 'staff@example.org');
    await press(page, 'nav a[href="/map"]');
    assert.deepEqual(await axe(page), [], 'axe on /map');
    await fits(page, '/map');
    const all = await shown(page);
    assert.ok(all > 50, `${all} schools on the map`);
    assert.ok(await page.locator('figure.map circle').count() > 10);
    await page.screenshot({ path: join(OUT, `map-${width}.png`), fullPage: true });

    // Filter: North Dakota only.  On a phone the filters are folded
    // away so that the map comes first: opened from their summary.
    const folded = await page.locator('details.map-filters').evaluate((d) => !d.open);
    assert.equal(folded, width < 640, `the filters are ${folded ? 'folded' : 'open'} at ${width} px`);
    if (folded) {
      await tabTo(page, 'details.map-filters > summary');
      await page.keyboard.press('Enter');
    }
    await tabTo(page, '#q-state');
    await page.selectOption('#q-state', 'ND');
    await press(page, 'form.filters button[type="submit"]');
    assert.match(page.url(), /state=ND/);
    const nd = await shown(page);
    assert.ok(nd > 0 && nd < all, `${nd} of ${all} in North Dakota`);
    assert.equal(await page.locator('table tbody tr').count(), Math.min(nd, 50));

    // A school from the table: its card, with its profile a link away.
    const first = page.locator('table tbody tr td a').first();
    const name = await first.innerText();
    await press(page, `table tbody tr td a[href="${await first.getAttribute('href')}"]`);
    await page.locator('#card').waitFor();
    assert.equal(await page.locator('#card-title').innerText(), name);
    assert.match(await page.locator('#card').innerText(), /profile/);
    assert.deepEqual(await axe(page), [], 'axe with a card open');
    await fits(page, 'the map with a card');

    // The legend filters: one stage.
    const stageLink = await page.locator('ul.legend a').nth(3).getAttribute('href');
    await press(page, `ul.legend a[href="${stageLink}"]`);
    assert.match(page.url(), /stage=/);
    assert.ok(await shown(page) <= nd);

    // Zoom to a state.
    await press(page, 'p.zoom a[href*="zoom=SD"]');
    assert.match(page.url(), /zoom=SD/);
    assert.deepEqual(await axe(page), [], 'axe zoomed');
    await page.screenshot({ path: join(OUT, `map-zoom-${width}.png`), fullPage: false });
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}
