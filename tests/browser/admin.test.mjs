// The admin app in headless Chromium: log in, open every page, do one thing on each, check
// what the page shows after it, and fail on any console error or refused request the test did
// not ask for. Screenshots of every page in both themes at desktop and phone width go to
// tests/browser/screenshots/. Started by run.sh, which provides the server and these variables.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Checks, assert, launchBrowser, screenshotFolder } from './harness.mjs';

const base = process.env.ADMIN_URL;
const staff = { user: process.env.STAFF_USER, password: process.env.STAFF_PASSWORD };
const deadTask = process.env.DEAD_TASK;
const shots = screenshotFolder(path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots'));

const PAGES = ['dashboard', 'users', 'procurements', 'payments', 'transactions', 'messages', 'notifications',
  'categories', 'jobs', 'models', 'broadcasts', 'audit', 'doctor'];

const browser = await launchBrowser();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
const checks = new Checks(shots);
const page = checks.watch(await context.newPage());
const check = (name, body) => checks.check(name, body);
const expectRefusal = (status, urlPart) => checks.expectRefusal(status, urlPart);

const main = (name) => page.locator(`main[data-page="${name}"]`);
async function open(name) {
  await page.goto(`${base}#/${name}`);
  await main(name).waitFor();
  await page.waitForFunction((n) => {
    const m = document.querySelector(`main[data-page="${n}"]`);
    return m && m.getAttribute('aria-busy') !== 'true';
  }, name);
}
const rowsOf = (table) => page.locator(`table[data-table="${table}"] tbody tr`);
const status = () => page.locator('[role=status]');
const alert = () => page.locator('[role=alert]');
async function firstRowWith(table, field, text) {
  const row = rowsOf(table).filter({ has: page.locator(`[data-field="${field}"]`, { hasText: text }) }).first();
  await row.waitFor();
  return row;
}

await check('login', async () => {
  expectRefusal(401, '/api/admin/auth');          // the app asks who is logged in: nobody
  await page.goto(base);
  await main('login').waitFor();
  // Time to interactive: from the navigation to the login form the app rendered.
  const ms = await page.evaluate(() => Math.round(performance.now()));
  const wasm = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => e.name.endsWith('.wasm')).map((e) => e.encodedBodySize)[0]);
  console.log(`     login form interactive after ${ms} ms (wasm transferred: ${wasm} bytes)`);
  expectRefusal(401, '/api/admin/auth');          // a wrong password
  await page.fill('input[name=username]', staff.user);
  await page.fill('input[name=password]', 'not-the-password');
  await page.click('button[type=submit]');
  await alert().last().waitFor();
  await page.fill('input[name=password]', staff.password);
  await page.click('button[type=submit]');
  await main('dashboard').waitFor();
  assert(await alert().count() === 0, 'an alert is left after logging in');
});

await check('dashboard', async () => {
  await open('dashboard');
  for (const chart of ['registrations', 'procurements_by_status', 'revenue', 'queues']) {
    await page.locator(`svg[data-chart="${chart}"]`).waitFor();
  }
  assert(await page.locator('svg[data-chart="registrations"] rect.bar').count() >= 28, 'a month of registration bars');
  const total = await page.locator('.card .value').first().textContent();
  assert(Number(total) >= 2, `users on the dashboard: ${total}`);
  // Live: the figures are asked for again within the refresh interval.
  await page.waitForResponse((r) => r.url().includes('/api/admin/dashboard/'), { timeout: 7_000 });
});

await check('users', async () => {
  await open('users');
  const rows = rowsOf('users');
  await rows.first().waitFor();
  const all = await rows.count();
  // Server-side search: the demo buyer by name.
  const searched = page.waitForResponse((r) => r.url().includes('/api/admin/users/') && r.url().includes('search='));
  await page.fill('input[name=search]', 'staff');
  await searched;
  await page.waitForFunction((n) => document.querySelectorAll('table[data-table="users"] tbody tr').length < n, all);
  await page.fill('input[name=search]', '');
  await page.waitForFunction((n) => document.querySelectorAll('table[data-table="users"] tbody tr').length === n, all);
  // Sorting asks the server.
  const sorted = page.waitForResponse((r) => r.url().includes('ordering=balance'));
  await page.click('th button[data-sort="balance"]');
  // …and shows its answer: wait for the table to be drawn in the new order before picking a row.
  const firstSorted = (await (await sorted).json()).results[0].id;
  await page.locator(`table[data-table="users"] tbody tr:first-child[data-row-id="${firstSorted}"]`).waitFor();
  // Toggle a user: the row shows the new state.
  // Not the staff account the test is logged in with.
  const id = await rowsOf('users').filter({ has: page.locator('[data-field="is_active"]', { hasText: 'да' }) })
    .and(page.locator('tr:not([data-staff="true"])')).first().getAttribute('data-row-id');
  const row = page.locator(`table[data-table="users"] tr[data-row-id="${id}"]`);
  await row.locator('button[data-action="toggle_active"]').click();
  await status().filter({ hasText: `Пользователь ${id}` }).waitFor();
  await page.locator(`tr[data-row-id="${id}"] [data-field="is_active"]`, { hasText: 'нет' }).waitFor();
  // A debit below zero is refused with the API's words, and changes nothing.
  expectRefusal(409, `/users/${id}/update_balance`);
  await page.locator(`tr[data-row-id="${id}"] button[data-action="update_balance"]`).click();
  await page.fill('form[data-form="update_balance"] input[name=amount]', '-500000.00');
  await page.click('form[data-form="update_balance"] button[type=submit]');
  await alert().last().waitFor();
});

await check('procurements', async () => {
  await open('procurements');
  const row = await firstRowWith('procurements', 'status', 'Сбор');
  const id = await row.getAttribute('data-row-id');
  await row.locator('select[name="new_status"]').selectOption('stopped');
  await row.locator('button[data-action="update_status"]').click();
  await status().filter({ hasText: `Закупка ${id}` }).waitFor();
  await page.locator(`tr[data-row-id="${id}"] [data-field="status"]`, { hasText: 'Остановлена' }).waitFor();
  // Its orders, in a panel.
  await page.locator(`tr[data-row-id="${id}"] button[data-action="participants"]`).click();
  await page.locator('section[data-panel="participants"]:not([aria-busy="true"])').waitFor();
  assert(await page.locator('section[data-panel="participants"] [role=alert]').count() === 0, 'participants refused');
  await page.click('section[data-panel="participants"] button[data-action="close"]');
  // Filtering by status asks the server and shows only those.
  await page.selectOption('.filters select[name="status"]', 'stopped');
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('table[data-table="procurements"] [data-field="status"]')];
    return cells.length > 0 && cells.every((c) => c.textContent.includes('Остановлена'));
  });
});

for (const name of ['payments', 'transactions', 'broadcasts']) {
  await check(name, async () => {
    await open(name);
    await page.locator(`table[data-table="${name}"]`).waitFor();
    assert(await alert().count() === 0, 'an alert on the page');
  });
}

await check('messages', async () => {
  await open('messages');
  await page.locator('table[data-table="messages"]').waitFor();
  const row = rowsOf('messages').first();
  if (await row.count()) {
    const id = await row.getAttribute('data-row-id');
    await row.locator('button[data-action="toggle_delete"]').click();
    await status().filter({ hasText: `Сообщение ${id}` }).waitFor();
  }
});

await check('notifications', async () => {
  await open('notifications');
  // Blank title and text: the API refuses, the page says why.
  expectRefusal(400, '/notifications/send_bulk');
  await page.click('form[data-form="send_bulk"] button[type=submit]');
  await alert().last().waitFor();
  await page.fill('form[data-form="send_bulk"] input[name=title]', 'Проверка из браузера');
  await page.fill('form[data-form="send_bulk"] textarea[name=message]', 'Тестовое уведомление для всех активных.');
  await page.click('form[data-form="send_bulk"] button[type=submit]');
  await status().filter({ hasText: 'получателей' }).waitFor();
});

await check('categories', async () => {
  await open('categories');
  const name = `Браузерный тест ${Date.now()}`;
  await page.fill('form[data-form="create_category"] input[name=name]', name);
  await page.selectOption('form[data-form="create_category"] select[name=parent]', { label: 'Продукты' });
  await page.click('form[data-form="create_category"] button[type=submit]');
  await status().filter({ hasText: name }).waitFor();
  await page.locator('table[data-table="categories"] [data-field="name"]', { hasText: name }).waitFor();
  // A category with procurements cannot go: 409, shown.
  expectRefusal(409, '/api/admin/categories/');
  const used = await firstRowWith('categories', 'name', 'Мёд и сладости');
  await used.locator('button[data-action="delete"]').click();
  await alert().last().waitFor();
});

await check('jobs', async () => {
  await open('jobs');
  await page.locator('table[data-table="queues"]').waitFor();
  const row = page.locator(`table[data-table="dead"] tr[data-row-id="${deadTask}"]`);
  await row.waitFor();
  await row.locator('button[data-action="retry"]').click();
  await status().filter({ hasText: 'Отправлено заново: 1' }).waitFor();
  await row.waitFor({ state: 'detached' });
});

await check('audit', async () => {
  await open('audit');
  for (const action of ['user.toggle_active', 'procurement.update_status', 'category.create', 'notification.send_bulk', 'job.retry']) {
    await page.locator('table[data-table="audit"] [data-field="action"]', { hasText: action }).first().waitFor();
  }
});

await check('models', async () => {
  // run.sh seeds generated history, so both kinds train for real: "train now" queues the job,
  // the page follows it, and shows the outcome, the metrics beside the baselines and the
  // served success version's calibration.
  await open('models');
  await page.locator('[data-summary="models"]').waitFor();
  for (const kind of ['success_prediction', 'demand_forecast']) {
    const section = page.locator(`section[data-model-type="${kind}"]`);
    await section.locator('[data-empty="models"]').waitFor();
    await section.locator('button[data-action="train"]').click();
    await section.locator('[role=status]', { hasText: 'обучена' }).waitFor({ timeout: 90_000 });
    const row = section.locator('tbody tr[data-status="ready"]');
    await row.waitFor();
    const cells = await row.locator('td.num').allInnerTexts();
    assert(cells.filter((c) => /\d\.\d{3} \/ \d\.\d{3}/.test(c)).length >= 3, `${kind}: metrics beside baselines: ${cells}`);
  }
  const success = page.locator('section[data-model-type="success_prediction"]');
  assert(/\[[-+]\d\.\d{3}; [-+]\d\.\d{3}\]/.test(await success.locator('tbody tr').first().innerText()),
    'the AUC gain over the logistic regression with its interval');
  const bars = await page.locator('svg[data-chart="calibration"] rect.bar').count();
  assert(bars >= 10, `calibration bars: ${bars}`);
});

await check('doctor', async () => {
  await open('doctor');
  await page.locator('.verdict').waitFor();
  assert(await page.locator('.checks li').count() > 0, 'no checks listed');
});

await check('theme', async () => {
  const before = await page.getAttribute('html', 'data-theme');
  await page.click('button[data-action=theme]');
  const after = await page.getAttribute('html', 'data-theme');
  assert(before !== after && ['light', 'dark'].includes(after), `theme ${before} → ${after}`);
  await page.reload();
  await main('doctor').waitFor();
  assert(await page.getAttribute('html', 'data-theme') === after, 'the theme is remembered');
});

await check('keyboard', async () => {
  // Tab reaches the navigation links and Enter follows them.
  await open('dashboard');
  await page.locator('nav a[href="#/users"]').focus();
  await page.keyboard.press('Enter');
  await main('users').waitFor();
});

for (const theme of ['light', 'dark']) {
  for (const width of [1280, 360]) {
    await check(`screens-${theme}-${width}`, async () => {
      await page.setViewportSize({ width, height: width > 400 ? 900 : 780 });
      await page.evaluate((t) => localStorage.setItem('groupbuy-theme', t), theme);
      await page.reload();
      for (const name of PAGES) {
        await open(name);
        if (name === 'dashboard') await page.locator('svg[data-chart="queues"]').waitFor();
        assert(await page.getAttribute('html', 'data-theme') === theme, `theme on ${name}`);
        await page.screenshot({ path: path.join(shots, `${name}-${theme}-${width}.png`), fullPage: true });
      }
      if (width < 400) {
        // The navigation folds behind the menu button on a phone, and the page never scrolls sideways.
        assert(!(await page.locator('nav#nav').isVisible()), 'the navigation is open on a phone');
        await page.click('button.menu');
        await page.screenshot({ path: path.join(shots, `menu-open-${theme}-${width}.png`) });
        await page.locator('nav#nav a[href="#/users"]').click();
        await main('users').waitFor();
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert(wide <= 362, `the page is ${wide}px wide at 360`);
              }
    });
  }
}

await check('logout', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await open('dashboard');
  await page.click('button[data-action=logout]');
  await main('login').waitFor();
  expectRefusal(401, '/api/admin/auth');
  await page.reload();
  await main('login').waitFor();
});

await browser.close();
checks.finish('admin app');
