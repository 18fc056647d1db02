// map.test.mjs — foundation staff use the network map by keyboard alone,
// first without the map's script (the server's drawing and table):
// filter it to a state (on a phone, the filters folded away until opened),
// open a school's card from the table beside the map, follow the legend
// to one stage, zoom to a state; at 1280 px and on a 390 px phone; axe-core finds no violations, the page never scrolls
// sideways, and the drawing is looked at in screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
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
  test(`without the map's script, staff filter the map and open a school's card, by keyboard, ${width} px wide`, async () => {
    const page = await newPage(browser);
    // The map's script never arrives: the drawing and the table are the map.
    await page.route('**/static/map.js*', (route) => route.abort());
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, stack.base, 'staff@example.org');
    await press(page, 'nav a[href="/map"]');
    assert.deepEqual(await axe(page), [], 'axe on /map');
    await fits(page, '/map');
    const all = await shown(page);
    assert.ok(all > 50, `${all} schools on the map`);
    assert.ok(await page.locator('figure.map circle').count() > 10);
    assert.equal(await page.locator('#leaflet-map').count(), 0);
    assert.ok(await page.locator('figure.map .nations a').count() >= 20, 'the nations are drawn');
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
    // (The map's script was held back on purpose: its failed load is no problem.)
    assert.deepEqual(page.problems.filter((p) => !/ERR_FAILED/.test(p)), []);
    await page.context().close();
  });
}

// With JavaScript: the drawing becomes a map one pans and zooms (Leaflet),
// by keyboard alone: its clusters open, a school's card opens in a popup.
const box = (page, sel) => page.locator(sel).first().evaluate((e) => {
  const b = e.getBoundingClientRect();
  return { x: b.x, y: b.y, w: b.width, h: b.height };
});

for (const width of [1280, 390]) {
  test(`with JavaScript, staff pan, zoom, open a cluster and a card by keyboard, ${width} px wide`, async () => {
    const page = await newPage(browser);
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, stack.base, 'staff@example.org');
    await press(page, 'nav a[href="/map"]');
    await page.locator('#leaflet-map .school-cluster').first().waitFor();
    assert.equal(await page.locator('figure.map > svg').isVisible(), false, 'the drawing gives way to the map');
    assert.ok(await page.locator('#leaflet-map .nation-icon').count() >= 20, 'the nations are on the map');
    assert.ok(await page.locator('#leaflet-map .org-icon').count() >= 1, 'intermediaries are on the map');
    assert.deepEqual(await axe(page), [], 'axe on /map with its script');
    await fits(page, '/map with its script');
    // Every place reachable by Tab has a name.
    const unnamed = await page.locator('#leaflet-map .leaflet-marker-icon').evaluateAll((els) =>
      els.filter((e) => !e.textContent.trim()).length);
    assert.equal(unnamed, 0);
    await page.screenshot({ path: join(OUT, `map-js-${width}.png`), fullPage: false });

    // Pan with the arrow keys, zoom with + and -.
    await tabTo(page, '#leaflet-map');
    const state = '#leaflet-map .leaflet-overlay-pane path:nth-of-type(2)';
    const before = await box(page, state);
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(400);
    const panned = await box(page, state);
    assert.ok(panned.x < before.x - 20, `panned: ${before.x} -> ${panned.x}`);
    const zoom = async () => Number(await page.locator('#leaflet-map').getAttribute('data-zoom'));
    const z0 = await zoom();
    const zoomed = (cmp, z) => page.waitForFunction(([c, v]) => {
      const now = Number(document.querySelector('#leaflet-map').getAttribute('data-zoom'));
      return c === 'in' ? now > v : now < v;
    }, [cmp, z], { timeout: 15000 });
    await page.keyboard.press('Equal');
    await zoomed('in', z0);
    const z1 = await zoom();
    await page.waitForTimeout(500);          // the zoom's animation ends
    await page.keyboard.press('Minus');
    await zoomed('out', z1);
    await page.waitForTimeout(500);

    // A cluster opens by keyboard: the map zooms in to it (or spreads it).
    const iconsBefore = await page.locator('#leaflet-map .school-icon').count();
    await tabTo(page, '#leaflet-map .school-cluster');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(1200);
    const spread = await page.locator('#leaflet-map .school-icon').count();
    assert.ok(await zoom() > z0 || spread > iconsBefore, `a cluster opened (${iconsBefore} -> ${spread} schools alone)`);

    // A school's card, its profile a link away; Escape closes it.
    await tabTo(page, '#leaflet-map .school-icon');
    const name = (await page.evaluate(() => document.activeElement.textContent)).split(',')[0];
    await page.keyboard.press('Enter');
    await page.locator('.leaflet-popup .map-card').waitFor();
    assert.equal(await page.locator('.map-card strong').first().innerText(), name);
    assert.match(await page.locator('.map-card').innerText(), /profile/);
    assert.ok(await page.evaluate(() => !!document.activeElement.closest('.leaflet-popup')), 'the card has the focus');
    assert.deepEqual(await axe(page), [], 'axe with a card open');
    await page.screenshot({ path: join(OUT, `map-js-card-${width}.png`), fullPage: false });
    await page.keyboard.press('Escape');
    await page.locator('.leaflet-popup').waitFor({ state: 'detached' });

    // The same filters as the page: the map shows what the table counts.
    await page.goto(`${stack.base}/map?state=ND`);
    await page.locator('#leaflet-map .leaflet-marker-icon').first().waitFor();
    const nd = await shown(page);
    assert.match(await page.locator('#leaflet-map').getAttribute('aria-label'), new RegExp(`^Map of ${nd} school`));
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}

// Cohorts: a member of a cohort filters the map to it by keyboard, and a
// school's card names its cohort-mates shown, without the script and in
// the script's popup alike.
for (const width of [1280, 390]) {
  test(`a cohort's member filters the map to it and sees a school's cohort-mates, ${width} px wide`, async () => {
    const page = await newPage(browser);
    await page.setViewportSize({ width, height: 900 });
    await page.route('**/static/map.js*', (route) => route.abort());
    await signIn(page, stack.base, 'leader@example.org');
    await page.goto(`${stack.base}/map`);
    if (await page.locator('details.map-filters').evaluate((d) => !d.open)) {
      await tabTo(page, 'details.map-filters > summary');
      await page.keyboard.press('Enter');
    }
    const options = await page.locator('#q-cohort option').count();
    assert.ok(options >= 2, 'the leader\u2019s cohort is a choice');
    await tabTo(page, '#q-cohort');
    await page.selectOption('#q-cohort', { index: 1 });
    await press(page, 'form.filters button[type="submit"]');
    assert.match(page.url(), /cohort=\d+/);
    const n = await shown(page);
    assert.ok(n >= 2, `${n} schools in the cohort`);
    const first = page.locator('table tbody tr td a').first();
    await press(page, `table tbody tr td a[href="${await first.getAttribute('href')}"]`);
    await page.locator('#card .cohort-tie').waitFor();
    assert.ok(await page.locator('#card .cohort-tie a').count() >= 2, 'the cohort and a mate are links');
    assert.ok(await page.locator('figure.map line.tie.cohort').count() >= 1, 'its cohort ties are drawn');
    assert.deepEqual(await axe(page), [], 'axe with a card and its cohort');
    await fits(page, 'the map with a cohort card');
    await page.screenshot({ path: join(OUT, `map-cohort-${width}.png`), fullPage: true });
    const url = page.url();
    await page.context().close();

    // With the script: the chosen school's popup says the same.
    const js = await newPage(browser);
    await js.setViewportSize({ width, height: 900 });
    await signIn(js, stack.base, 'leader@example.org');
    await js.goto(url);
    await js.locator('.leaflet-popup .map-card .cohort-tie').waitFor();
    assert.ok(await js.locator('.leaflet-popup .cohort-tie a').count() >= 2);
    assert.deepEqual(await axe(js), [], 'axe with the popup\u2019s cohort');
    await js.screenshot({ path: join(OUT, `map-js-cohort-${width}.png`), fullPage: false });
    assert.deepEqual(js.problems, []);
    await js.context().close();
  });
}

// A nation's boundary: an admin adds the one the nation provides (a file),
// it is not drawn until the nation's steward consents on their page, and
// then the map draws it, in the server's drawing and in the script's map.
// By keyboard where a person would use one; axe-core and the phone's width
// on every page.
function stewardNation() {
  const out = execFileSync('sqlite3', [join(stack.dir, 'ilnet.db'),
    "SELECT n.id || '|' || n.name || '|' || n.seat_lon || '|' || n.seat_lat FROM users u JOIN nations n"
    + " ON n.id = u.nation_id WHERE u.email = 'steward@example.org'"]).toString().trim().split('|');
  return { id: out[0], name: out[1], lon: Number(out[2]), lat: Number(out[3]) };
}

for (const width of [1280, 390]) {
  test(`an admin adds a nation's boundary, its steward consents, the map draws it, ${width} px wide`, async () => {
    const n = stewardNation();
    const r = (x) => Math.round(x * 100) / 100;
    const ring = [[-0.25, -0.15], [0.25, -0.15], [0.3, 0.1], [0, 0.2], [-0.25, 0.1], [-0.25, -0.15]]
      .map(([dx, dy]) => [r(n.lon + dx), r(n.lat + dy)]);
    const admin = await newPage(browser);
    await admin.setViewportSize({ width, height: 900 });
    await signIn(admin, stack.base, 'admin@example.org');
    await admin.goto(`${stack.base}/map`);
    await press(admin, 'a[href="/admin/nations"]');
    assert.deepEqual(await axe(admin), [], 'axe on /admin/nations');
    await fits(admin, '/admin/nations');
    await press(admin, `a[href="/admin/nations/${n.id}"]`);
    // First a file that is not a boundary: said on the same page.
    await admin.setInputFiles('#f-file', { name: 'boundary.geojson', mimeType: 'application/geo+json',
      buffer: Buffer.from(JSON.stringify({ type: 'Point', coordinates: [n.lon, n.lat] })) });
    await tabTo(admin, '#f-source');
    await admin.keyboard.type('Tribal GIS office, 2026');
    await press(admin, 'form[enctype] button[type="submit"]');
    await admin.locator('.error-summary').waitFor();
    assert.match(await admin.locator('.error-summary').innerText(), /holds a Point/);
    assert.equal(await admin.inputValue('#f-source'), 'Tribal GIS office, 2026', 'the input is kept');
    assert.deepEqual(await axe(admin), [], 'axe on the refused boundary');
    await fits(admin, 'the refused boundary');
    await admin.screenshot({ path: join(OUT, `boundary-error-${width}.png`), fullPage: true });
    // Then the nation's boundary.
    await admin.fill('#f-geojson', '');
    await admin.setInputFiles('#f-file', { name: 'boundary.geojson', mimeType: 'application/geo+json',
      buffer: Buffer.from(JSON.stringify({ type: 'Feature', properties: {},
        geometry: { type: 'Polygon', coordinates: [ring] } })) });
    await press(admin, 'form[enctype] button[type="submit"]');
    assert.match(await admin.locator('[role="status"]').innerText(), /drawn once the nation's data steward consents/);
    assert.match(await admin.locator('main').innerText(), /It is not drawn/);
    assert.ok(await admin.locator('figure.mini-map path.boundary').count() === 1, 'a small map of it');
    assert.deepEqual(await axe(admin), [], 'axe on the stored boundary');
    await fits(admin, 'the stored boundary');
    await admin.screenshot({ path: join(OUT, `boundary-admin-${width}.png`), fullPage: true });
    await admin.goto(`${stack.base}/map`);
    assert.equal(await admin.locator('figure.map path.boundary').count(), 0, 'not drawn before consent');
    await admin.context().close();

    // The steward sees it and consents, by keyboard.
    const steward = await newPage(browser);
    await steward.setViewportSize({ width, height: 900 });
    await signIn(steward, stack.base, 'steward@example.org');
    await press(steward, 'nav a[href="/steward"]');
    assert.ok(await steward.locator('#boundary ~ figure path.boundary').count() === 1, 'the steward sees what is asked');
    assert.deepEqual(await axe(steward), [], 'axe on /steward with a boundary');
    await fits(steward, '/steward');
    await press(steward, 'form[action="/steward/boundary"] button');
    assert.match(await steward.locator('[role="status"]').innerText(), /Consent given/);
    assert.match(await steward.locator('form[action="/steward/boundary"] button').innerText(), /Withdraw consent/);
    await steward.locator('#boundary').scrollIntoViewIfNeeded();
    await steward.screenshot({ path: join(OUT, `boundary-steward-${width}.png`), fullPage: false });

    // Drawn: without the script, a path named by the nation's title.
    const staff = await newPage(browser);
    await staff.setViewportSize({ width, height: 900 });
    await staff.route('**/static/map.js*', (route) => route.abort());
    await signIn(staff, stack.base, 'staff@example.org');
    await staff.goto(`${stack.base}/map`);
    const title = await staff.locator('figure.map path.boundary title').textContent();
    assert.equal(title, `${n.name} \u2014 its boundary, as the nation provided it`);
    assert.match(await staff.locator('details.nations-list').textContent(), /its boundary drawn, as the nation provided it/);
    assert.deepEqual(await axe(staff), [], 'axe on /map with a boundary');
    await fits(staff, '/map with a boundary');
    await staff.locator('details.nations-list > summary').click();
    await staff.locator('details.orgs-list > summary').click();
    await staff.locator('.map-side').screenshot({ path: join(OUT, `boundary-map-side-${width}.png`) });
    await staff.goto(`${stack.base}/map?state=${n.lon < -96.6 ? (n.lat > 45.94 ? 'ND' : 'SD') : 'MN'}`);
    await staff.screenshot({ path: join(OUT, `boundary-map-${width}.png`), fullPage: false });
    await staff.context().close();
    // With it: Leaflet's vector layer draws it too.
    const js = await newPage(browser);
    await js.setViewportSize({ width, height: 900 });
    await signIn(js, stack.base, 'staff@example.org');
    await js.goto(`${stack.base}/map`);
    await js.locator('#leaflet-map path.boundary').waitFor();
    assert.deepEqual(await axe(js), [], 'axe on the script\u2019s map with a boundary');
    await js.locator('#leaflet-map').screenshot({ path: join(OUT, `boundary-map-js-${width}.png`) });
    assert.deepEqual(js.problems, []);
    await js.context().close();

    // Withdrawn: gone from the map at once.
    await press(steward, 'form[action="/steward/boundary"] button');
    assert.match(await steward.locator('[role="status"]').innerText(), /Consent withdrawn/);
    const after = await newPage(browser);
    await signIn(after, stack.base, 'staff@example.org');
    await after.goto(`${stack.base}/map`);
    assert.equal(await after.locator('figure.map path.boundary').count(), 0, 'not drawn once withdrawn');
    await after.context().close();
    assert.deepEqual(steward.problems, []);
    await steward.context().close();
  });
}
