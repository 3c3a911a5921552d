// The web cabinet's procurement pages in headless Chromium, an organizer and a buyer in two
// browser contexts: the organizer opens a procurement (the form refuses bad input inline first)
// and publishes it; the buyer finds it by search as they type, sees the server's amount for a
// quantity and joins; the organizer confirms the order and moves the procurement to payment; the
// buyer pays from the balance; the organizer sees who paid. The buyer's "my purchases", the
// organizer's list and a supplier's page are checked too, each page is screenshotted at 1280 and
// 360 px in both themes, and two numbers are measured: the time from navigation to the first
// procurement list, and the cost of a keystroke of search over 10,000 procurements
// (`/?bench=10000`, read from the list's `data-search-ms`). Started by run.sh.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Checks, assert, launchBrowser, openAsMiniApp, screenshotFolder } from './harness.mjs';

const base = process.env.BASE_URL;
const serviceKey = process.env.SERVICE_KEY;
const shots = screenshotFolder(path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots-cabinet', 'pages'));
const browser = await launchBrowser();
const checks = new Checks(shots);
const newPage = async (label) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', locale: 'ru-RU' });
  return checks.watch(await context.newPage(), label);
};
const organizer = await newPage('organizer');
const buyer = await newPage('buyer');
const supplier = await newPage('supplier');
const main = (page, name) => page.locator(`main[data-page="${name}"][aria-busy="false"]`);
const stamp = Date.now() % 1_000_000;
const people = {
  organizer: { id: 910000 + (stamp % 9000), first_name: 'Ольга', last_name: 'Организатова', username: `olga_${stamp}`, language_code: 'ru' },
  buyer: { id: 920000 + (stamp % 9000), first_name: 'Борис', last_name: 'Покупкин', username: `boris_${stamp}`, language_code: 'ru' },
  supplier: { id: 930000 + (stamp % 9000), first_name: 'Семён', last_name: 'Поставкин', username: `semyon_${stamp}`, language_code: 'ru' },
};
// A word nobody else uses, so the search finds exactly this procurement.
const word = `пчелокрай${stamp}`;
const title = `Мёд ${word}`;
const ids = {};

async function api(method, url, body) {
  const response = await fetch(`${base}/api/${url}`, {
    method,
    headers: { Authorization: `Bearer ${serviceKey}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert(response.ok, `${method} ${url}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const userId = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('groupbuy-session')).user_id);

/** Screenshots the page as it is at 1280 and 360 px, light and dark. */
async function shoot(page, name, waitFor) {
  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => localStorage.setItem('groupbuy-theme', t), theme);
    await page.reload();
    await waitFor();
    for (const width of [1280, 360]) {
      await page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
      await page.waitForTimeout(100);
      await page.screenshot({ path: path.join(shots, `${name}-${width}-${theme}.png`), fullPage: true });
    }
  }
  await page.evaluate(() => localStorage.setItem('groupbuy-theme', 'light'));
  await page.setViewportSize({ width: 1280, height: 900 });
}

await checks.check('sign in an organizer, a buyer and a supplier', async () => {
  for (const [role, page] of [['organizer', organizer], ['buyer', buyer], ['supplier', supplier]]) {
    await openAsMiniApp(page, base, people[role], '/purchases');
    await main(page, 'purchases').waitFor();
    ids[role] = await userId(page);
    if (role !== 'buyer') await api('PATCH', `users/${ids[role]}/`, { role });
  }
  await organizer.goto(`${base}/organize`);
  await main(organizer, 'organize').waitFor();
  await organizer.locator('a[href="/organize/new"]').waitFor();
});

/** The organizer's new procurement, as typed by a person (a space in thousands, a comma). */
async function fillForm() {
  await organizer.fill('[name=title]', title);
  await organizer.fill('[name=description]', 'Гречишный мёд с пасеки, фасовка по килограмму.');
  await organizer.fill('[name=city]', 'Барнаул');
  await organizer.fill('[name=delivery_address]', 'ул. Ленина, 1, пункт выдачи');
  await organizer.fill('[name=target_amount]', '10 000');
  await organizer.fill('[name=price_per_unit]', '250,50');
  await organizer.fill('[name=unit]', 'кг');
  await organizer.fill('[name=deadline]', '2030-01-15T12:00');
}

await checks.check('the form refuses bad input inline, then opens a draft', async () => {
  await organizer.click('a[href="/organize/new"]');
  await main(organizer, 'new-procurement').waitFor();
  await organizer.click('button[data-action=save]');
  for (const field of ['title', 'description', 'city', 'target_amount', 'deadline']) {
    await organizer.locator(`[data-error-for="${field}"]`).waitFor();
  }
  await fillForm();
  // A payment deadline before the deadline: the server's rule, said before sending.
  await organizer.fill('[name=payment_deadline]', '2030-01-10T12:00');
  await organizer.locator('[data-error-for="payment_deadline"]').waitFor();
  assert(await organizer.locator('[data-error-for="title"]').count() === 0, 'the title error stayed');
  await organizer.fill('[name=payment_deadline]', '2030-02-01T12:00');
  // Shown with the inline errors of an empty form sent.
  await shoot(organizer, 'form', async () => {
    await main(organizer, 'new-procurement').waitFor();
    await organizer.click('button[data-action=save]');
    await organizer.locator('[data-error-for="title"]').waitFor();
  });
  // The reload of the screenshots emptied the form: fill it again.
  await fillForm();
  await organizer.fill('[name=payment_deadline]', '2030-02-01T12:00');
  await organizer.click('button[data-action=save]');
  await main(organizer, 'procurement').waitFor();
  await organizer.locator('article.procurement[data-status=draft]').waitFor();
  ids.procurement = Number(await organizer.getAttribute('article.procurement', 'data-id'));
  assert(ids.procurement > 0, 'no procurement id');
});

await checks.check('the organizer publishes: only the allowed next states are offered', async () => {
  const offered = await organizer.locator('[data-list=next-status] button').evaluateAll((bs) => bs.map((b) => b.dataset.action));
  assert(JSON.stringify(offered) === JSON.stringify(['status-active', 'status-cancelled']), `offered ${offered}`);
  await organizer.click('button[data-action=status-active]');
  await organizer.locator('article.procurement[data-status=active]').waitFor();
  const next = await organizer.locator('[data-list=next-status] button').evaluateAll((bs) => bs.map((b) => b.dataset.action));
  assert(JSON.stringify(next) === JSON.stringify(['status-stopped', 'status-cancelled']), `then offered ${next}`);
  // Staff feature it, so the catalog's slider shows it.
  await api('PATCH', `procurements/${ids.procurement}/`, { is_featured: true });
});

await checks.check('the buyer finds it by search as they type', async () => {
  const started = Date.now();
  await buyer.goto(`${base}/`);
  await buyer.locator('[data-list=procurements] article').first().waitFor();
  const firstList = await buyer.evaluate(() => Math.round(performance.now()));
  console.log(`     first procurement list after ${firstList} ms from navigation (${Date.now() - started} ms wall clock)`);
  await buyer.locator(`[data-list=featured] article[data-id="${ids.procurement}"]`).waitFor();
  // The catalog with the slider, while the procurement is open and featured.
  await shoot(buyer, 'catalog', () => buyer.locator(`[data-list=featured] article[data-id="${ids.procurement}"]`).waitFor());
  // The city filter asks the server: only this procurement is in Барнаул.
  await buyer.fill('[name=city]', 'барнаул');
  await buyer.press('[name=city]', 'Tab');
  await buyer.waitForFunction((id) => {
    const cards = [...document.querySelectorAll('[data-list=procurements] article')];
    return cards.length === 1 && cards[0].dataset.id === String(id);
  }, ids.procurement);
  await buyer.fill('[name=city]', '');
  await buyer.press('[name=city]', 'Tab');
  await buyer.waitForFunction(() => document.querySelectorAll('[data-list=procurements] article').length > 1);
  await buyer.locator('#catalog-search').pressSequentially(word.slice(0, 9), { delay: 20 });
  await buyer.locator(`[data-list=procurements] article[data-id="${ids.procurement}"]`).waitFor();
  await buyer.locator('#catalog-search').pressSequentially(word.slice(9), { delay: 20 });
  await buyer.waitForFunction(() => document.querySelectorAll('[data-list=procurements] article').length === 1);
  await buyer.click(`[data-list=procurements] article[data-id="${ids.procurement}"] h3 a`);
  await main(buyer, 'procurement').waitFor();
});

await checks.check('the buyer sees the server\'s amount for a quantity and joins', async () => {
  await buyer.fill('[name=quantity]', '3');
  // 3 × 250,50 ₽, as the server computes it.
  await buyer.locator('[data-field=join-amount]', { hasText: '751,50' }).waitFor();
  await buyer.fill('[name=quantity]', '0');
  await buyer.locator('button[data-action=join][disabled]').waitFor();
  await buyer.fill('[name=quantity]', '1,5');
  await buyer.locator('[data-field=join-amount]', { hasText: '375,75' }).waitFor();
  // From the keyboard: Enter in the quantity sends the form.
  await buyer.fill('[name=quantity]', '3');
  await buyer.press('[name=quantity]', 'Enter');
  await buyer.locator('section.order[data-order-status=pending]').waitFor();
  await buyer.locator('[data-field=my-amount]', { hasText: '751,50' }).waitFor();
  await buyer.locator('button[data-action=leave]').waitFor();
});

await checks.check('the buyer writes in the chat and the organizer sees it live', async () => {
  const room = `${base}/chats/${ids.procurement}`;
  await organizer.goto(room);
  await main(organizer, 'chat').waitFor();
  await buyer.goto(room);
  await main(buyer, 'chat').waitFor();
  const text = `Когда привезут ${word}?`;
  await buyer.locator('textarea[name=text]').fill(text);
  await buyer.click('button[data-action=send]');
  // Live: the organizer's page was open before the message existed and is not reloaded.
  await organizer.locator('ol[data-list=messages] > li.message', { hasText: text }).waitFor();
  await buyer.goto(`${base}/procurements/${ids.procurement}`);
  await main(buyer, 'procurement').waitFor();
  await organizer.goto(`${base}/procurements/${ids.procurement}`);
  await main(organizer, 'procurement').waitFor();
});

await checks.check('the organizer confirms the order and moves to payment', async () => {
  await organizer.reload();
  await main(organizer, 'procurement').waitFor();
  await organizer.locator('[data-list=participants] li[data-status=pending]').waitFor();
  await organizer.click('[data-list=participants] button[data-action=confirm]');
  await organizer.locator('[data-list=participants] li[data-status=confirmed]').waitFor();
  await organizer.click('button[data-action=status-stopped]');
  await organizer.locator('article.procurement[data-status=stopped]').waitFor();
  await organizer.click('button[data-action=status-payment]');
  await organizer.locator('article.procurement[data-status=payment]').waitFor();
  await organizer.locator('[data-field=paid-summary]', { hasText: '0 из 1' }).waitFor();
});

await checks.check('the buyer pays from the balance', async () => {
  await api('POST', `users/${ids.buyer}/update_balance/`, { amount: '2000.00', description: 'browser test' });
  await buyer.reload();
  await main(buyer, 'procurement').waitFor();
  await buyer.locator('section.order[data-order-status=confirmed]').waitFor();
  await buyer.click('button[data-action=pay]');
  await buyer.locator('section.order[data-order-status=paid]').waitFor();
  const me = await api('GET', `users/${ids.buyer}/`);
  assert(me.balance === '1248.50', `balance after paying: ${me.balance}`);
  // The notifications about it reach the buyer live: the badge, then the list.
  await buyer.locator('nav [data-badge=notifications]').waitFor();
  await buyer.click('nav a[href="/notifications"]');
  await main(buyer, 'notifications').waitFor();
  await buyer.locator('ul[data-list=notifications] li', { hasText: word }).first().waitFor();
  await buyer.goto(`${base}/procurements/${ids.procurement}`);
  await main(buyer, 'procurement').waitFor();
  await shoot(buyer, 'procurement-buyer', () => buyer.locator('section.order[data-order-status=paid]').waitFor());
});

await checks.check('the organizer sees who paid, and asks for the forecast', async () => {
  await organizer.reload();
  await organizer.locator('[data-list=participants] li[data-status=paid]').waitFor();
  await organizer.locator('[data-field=paid-summary]', { hasText: '1 из 1' }).waitFor();
  await organizer.click('button[data-action=predict]');
  await organizer.locator('.prediction [data-field=predicted]').waitFor();
  const answeredBy = await organizer.locator('.prediction [data-field=model]').textContent();
  console.log(`     forecast: ${await organizer.locator('.prediction [data-field=predicted]').textContent()}, answered by: ${answeredBy}`);
  await organizer.locator('.prediction').screenshot({ path: path.join(shots, 'prediction-1280-light.png') });
  await shoot(organizer, 'procurement-organizer', () => organizer.locator('[data-list=participants] li[data-status=paid]').waitFor());
});

await checks.check('my purchases: what I buy and what changed', async () => {
  await buyer.goto(`${base}/purchases`);
  await buyer.locator(`[data-list=buying] li[data-id="${ids.procurement}"]`).waitFor();
  await buyer.locator(`[data-list=buying] li[data-id="${ids.procurement}"] [data-field=my-amount]`, { hasText: '751,50' }).waitFor();
  await buyer.locator('[data-list=changes] li').first().waitFor();
  await shoot(buyer, 'purchases', () => buyer.locator('[data-list=buying] li').first().waitFor());
  // In English, by the shell's switch (after a reload in the light theme shoot left chosen).
  await buyer.reload();
  await buyer.locator('[data-list=buying] li').first().waitFor();
  await buyer.click('button[data-action=lang]');
  await buyer.locator('h1', { hasText: 'My purchases' }).waitFor();
  await buyer.locator('#buying', { hasText: 'What I buy' }).waitFor();
  await buyer.locator('[data-list=changes] li', { hasText: /just now|min ago/ }).first().waitFor();
  await buyer.setViewportSize({ width: 360, height: 780 });
  await buyer.screenshot({ path: path.join(shots, 'purchases-360-light-en.png'), fullPage: true });
  await buyer.setViewportSize({ width: 1280, height: 900 });
  await buyer.click('button[data-action=lang]');
  await buyer.locator('h1', { hasText: 'Мои покупки' }).waitFor();
});

await checks.check('the organizer\'s list and the edit form', async () => {
  await organizer.goto(`${base}/organize`);
  await organizer.locator(`[data-list=organized] article[data-id="${ids.procurement}"]`).waitFor();
  await shoot(organizer, 'organize', () => organizer.locator('[data-list=organized] article').first().waitFor());
  await organizer.goto(`${base}/organize/${ids.procurement}`);
  await main(organizer, 'edit-procurement').waitFor();
  assert(await organizer.inputValue('[name=title]') === title, 'the form is not filled');
  assert(await organizer.locator('[name=price_per_unit][disabled]').count() === 1, 'the price of a published one is editable');
});

await checks.check('the supplier sees what they supply, with quantities and amounts', async () => {
  const deadline = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const supplied = await api('POST', 'procurements/', {
    title: `Сыр ${word}`, description: 'Фермерский сыр', organizer: ids.organizer, supplier: ids.supplier, city: 'Казань',
    target_amount: '5000.00', price_per_unit: '500.00', unit: 'кг', deadline,
  });
  await api('POST', `procurements/${supplied.id}/update_status/`, { status: 'active' });
  await api('POST', `procurements/${supplied.id}/join/`, { user_id: ids.buyer, quantity: '2' });
  await supplier.goto(`${base}/supply`);
  const card = supplier.locator(`[data-list=supplied] article[data-id="${supplied.id}"]`);
  await card.waitFor();
  await card.locator('[data-field=ordered]', { hasText: '2 кг' }).waitFor();
  await card.locator('[data-field=ordered-amount]', { hasText: '1\u00a0000,00' }).waitFor();
  await shoot(supplier, 'supply', () => supplier.locator('[data-list=supplied] article').first().waitFor());
});

await checks.check('search over 10,000 procurements: cost per keystroke', async () => {
  await buyer.goto(`${base}/?bench=10000`);
  await buyer.locator('[data-list=procurements] article').first().waitFor();
  const query = 'мёд алтайский москва';
  const timings = [];
  const index = [];
  for (let i = 0; i < query.length; i++) {
    const typed = query.slice(0, i + 1);
    await buyer.locator('#catalog-search').pressSequentially(query[i]);
    await buyer.waitForFunction((q) => document.querySelector('[data-list=procurements]')?.dataset.searchQuery === q, typed);
    timings.push(Number(await buyer.getAttribute('[data-list=procurements]', 'data-search-ms')));
    index.push(Number(await buyer.getAttribute('[data-list=procurements]', 'data-index-ms')));
  }
  const summary = (what, list) => {
    const sorted = [...list].sort((a, b) => a - b);
    const mean = list.reduce((a, b) => a + b, 0) / list.length;
    console.log(`     ${what}: ${list.length} keystrokes, median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} ms, mean ${mean.toFixed(2)} ms, max ${sorted.at(-1).toFixed(2)} ms`);
    console.log(`       per keystroke: ${list.map((t) => t.toFixed(1)).join(' ')}`);
  };
  summary('search over 10,000, keystroke to list drawn', timings);
  summary('search over 10,000, the index alone', index);
  const found = await buyer.locator('[data-summary]').textContent();
  console.log(`     ${found.trim()}`);
  // More of the matches on demand.
  const before = await buyer.locator('[data-list=procurements] article').count();
  await buyer.click('button[data-action=more]');
  await buyer.waitForFunction((n) => document.querySelectorAll('[data-list=procurements] article').length === n * 2, before);
});

await browser.close();
checks.finish('Cabinet pages');
