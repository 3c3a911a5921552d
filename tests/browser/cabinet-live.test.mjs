// The cabinet's live and account pages in headless Chromium: two people in one procurement's
// chat (live messages, typing, a dropped socket that resumes without gaps, a picture, editing
// and deleting), notifications arriving live with the navigation's badge, the profile (edit,
// language), and a deposit paid on the sandbox bank's page that ends with the credited
// balance. Fails on any console error. Started by run.sh (ONLY=cabinet-live).
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Checks, assert, launchBrowser, openAsMiniApp, screenshotFolder } from './harness.mjs';

const base = process.env.BASE_URL;
const serviceKey = process.env.SERVICE_KEY;
const shots = screenshotFolder(path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots-cabinet', 'live'));
const browser = await launchBrowser();
const checks = new Checks(shots);
const run = Math.floor(Math.random() * 100000);

// Keeps every WebSocket the app opens, so a test can drop one as a bad network would.
const keepSockets = () => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = function WebSocket(...args) {
    const socket = new Native(...args);
    window.__sockets.push(socket);
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) window.WebSocket[k] = Native[k];
};

async function person(label, user) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', locale: 'ru-RU' });
  await context.addInitScript(keepSockets);
  const page = checks.watch(await context.newPage(), label);
  await openAsMiniApp(page, base, user, '/profile');
  await page.locator('main[data-page="profile"][aria-busy="false"] form.profile').waitFor();
  const id = await page.evaluate(() => JSON.parse(localStorage.getItem('groupbuy-session')).user_id);
  return { context, page, id };
}

/** The API as a service (the bots' key). */
async function api(method, url, body) {
  const response = await fetch(`${base}/api/${url}`, {
    method,
    headers: { Authorization: `Bearer ${serviceKey}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const ready = (page, name) => page.locator(`main[data-page="${name}"][aria-busy="false"]`).waitFor();
const messages = (page) => page.locator('ol[data-list=messages] > li.message');
const messageWith = (page, text) => page.locator('ol[data-list=messages] > li.message', { hasText: text });

/** A person's INN with valid check digits (the bank opens their account under it). */
function personInn() {
  const digits = Array.from({ length: 10 }, (_, i) => (i === 0 ? 5 : Math.floor(Math.random() * 10)));
  const check = (weights) => (weights.reduce((sum, w, i) => sum + w * digits[i], 0) % 11) % 10;
  digits.push(check([7, 2, 4, 10, 3, 5, 9, 4, 6, 8]));
  digits.push(check([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]));
  return digits.join('');
}

const olga = await person('organizer', { id: 770000 + run, first_name: 'Ольга', last_name: 'Живая', username: `olga_live_${run}`, language_code: 'ru' });
const boris = await person('buyer', { id: 990000 + run, first_name: 'Борис', last_name: 'Онлайн', username: `boris_live_${run}`, language_code: 'ru' });
let procurement;
const roomPath = () => `/chats/${procurement}`;

await checks.check('a procurement the two share', async () => {
  await api('PATCH', `users/${olga.id}/`, { role: 'organizer' });
  const created = await api('POST', 'procurements/', {
    title: `Мёд с пасеки ${run}`, description: 'Алтайский мёд к зиме', organizer: olga.id, city: 'Москва',
    target_amount: '10000.00', price_per_unit: '100.00', unit: 'кг',
    deadline: new Date(Date.now() + 7 * 86400_000).toISOString(),
  });
  procurement = created.id;
  await api('POST', `procurements/${procurement}/update_status/`, { status: 'active' });
  await api('POST', `procurements/${procurement}/join/`, { user_id: boris.id, quantity: '1' });
  await api('POST', 'chat/messages/', { procurement_id: procurement, user_id: olga.id, text: 'Добро пожаловать в закупку!' });
});

await checks.check('chats list the room with its unread count', async () => {
  const page = boris.page;
  await page.goto(`${base}/chats`);
  await ready(page, 'chats');
  const room = page.locator(`ul[data-list=chats] li[data-id="${procurement}"]`);
  await room.waitFor();
  await room.locator('.badge[data-unread="1"]').waitFor();
  await page.locator('nav [data-badge=chats]').waitFor();
  await room.locator('a').click();
  await ready(page, 'chat');
  await messageWith(page, 'Добро пожаловать').waitFor();
  // Seen at the bottom: read, and the navigation's chats badge goes.
  await page.locator('nav [data-badge=chats]').waitFor({ state: 'detached' });
});

await checks.check('one writes, the other sees it live, typing shows', async () => {
  await olga.page.goto(`${base}${roomPath()}`);
  await ready(olga.page, 'chat');
  await olga.page.locator('[data-link=open]').waitFor();
  await boris.page.locator('[data-link=open]').waitFor();
  await olga.page.locator('textarea[name=text]').pressSequentially('Завтра привезут мёд', { delay: 30 });
  await boris.page.locator('.typing[data-typing=true]', { hasText: 'Ольга' }).waitFor();
  await olga.page.keyboard.press('Enter');
  await messageWith(boris.page, 'Завтра привезут мёд').waitFor();
  await boris.page.locator('.typing[data-typing=false]').waitFor({ state: 'attached' });
  await boris.page.locator('textarea[name=text]').fill('Отлично, жду');
  await boris.page.click('button[data-action=send]');
  await messageWith(olga.page, 'Отлично, жду').waitFor();
  assert(await messageWith(boris.page, 'Отлично, жду').evaluate((li) => li.classList.contains('mine')), 'my message is not marked mine');
});

await checks.check('a dropped socket resumes without gaps', async () => {
  const page = boris.page;
  const before = await page.evaluate(() => window.__sockets.length);
  await page.evaluate(() => window.__sockets.filter((s) => s.url.includes('/ws/procurement/') && s.readyState === 1).forEach((s) => s.close()));
  // Written while Boris is away (the next attempt waits at least a third of a second).
  await Promise.all(['Пропущенное первое', 'Пропущенное второе'].map((text) =>
    api('POST', 'chat/messages/', { procurement_id: procurement, user_id: olga.id, text })));
  await messageWith(page, 'Пропущенное первое').waitFor();
  await messageWith(page, 'Пропущенное второе').waitFor();
  await page.locator('[data-link=open]').waitFor();
  const resumed = await page.evaluate((n) => window.__sockets.slice(n).map((s) => s.url), before);
  assert(resumed.some((url) => /\/ws\/procurement\/\d+\/\?since=\d+&token=/.test(url)), `no resume with since: ${resumed}`);
  for (const text of ['Пропущенное первое', 'Пропущенное второе', 'Завтра привезут мёд', 'Добро пожаловать']) {
    assert(await messageWith(page, text).count() === 1, `"${text}" is not shown exactly once`);
  }
  const seqs = await messages(page).evaluateAll((items) => items.map((li) => Number(li.dataset.seq)));
  assert(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]), `out of order: ${seqs}`);
});

await checks.check('a picture goes into the chat and shows inline', async () => {
  const png = await boris.page.screenshot({ clip: { x: 0, y: 0, width: 40, height: 30 } });
  await boris.page.locator('input[data-action=attach]').setInputFiles({ name: 'honey.png', mimeType: 'image/png', buffer: png });
  const image = olga.page.locator('ol[data-list=messages] li.message .picture img');
  await image.waitFor();
  await olga.page.waitForFunction(() => {
    const img = document.querySelector('ol[data-list=messages] li.message .picture img');
    return img && img.complete && img.naturalWidth === 40;
  });
  assert((await image.getAttribute('src')).startsWith('/media/'), 'the picture is not served from /media/');
});

await checks.check('own messages can be edited and deleted', async () => {
  // By id: while edited, the text sits in a field, which hasText does not read.
  const id = await messageWith(boris.page, 'Отлично, жду').getAttribute('data-id');
  const mine = boris.page.locator(`ol[data-list=messages] > li[data-id="${id}"]`);
  await mine.locator('button[data-action=edit]').click();
  await mine.locator('textarea[name=edit]').fill('Отлично, жду с нетерпением');
  await mine.locator('button[data-action=save-edit]').click();
  await messageWith(olga.page, 'Отлично, жду с нетерпением').locator('.edited').waitFor();
  const edited = messageWith(boris.page, 'с нетерпением');
  await edited.locator('button[data-action=delete]').click();
  await edited.locator('button[data-action=confirm-delete]').click();
  await messageWith(olga.page, 'с нетерпением').waitFor({ state: 'detached' });
  await messageWith(boris.page, 'с нетерпением').waitFor({ state: 'detached' });
  assert(await messageWith(olga.page, 'Завтра привезут мёд').locator('button[data-action=edit]').count() === 1, 'Olga cannot edit her own message');
  assert(await messageWith(boris.page, 'Завтра привезут мёд').locator('button[data-action=edit]').count() === 0, 'Boris may edit Olga\'s message');
});

await checks.check('a notification arrives live with the badge and is marked read', async () => {
  const page = boris.page;
  await page.goto(`${base}/notifications`);
  await ready(page, 'notifications');
  await page.locator('ul[data-list=notifications], main p.panel').first().waitFor();
  const badge = page.locator('nav [data-badge=notifications]');
  const count = async () => ((await badge.count()) ? parseInt(await badge.innerText(), 10) : 0);
  const before = await count();
  const sent = await api('POST', 'chat/notifications/send/', {
    user_id: boris.id, notification_type: 'system', title: `Пасека ${run}`, message: 'Мёд приехал на склад', procurement_id: procurement,
  });
  const item = page.locator(`ul[data-list=notifications] li[data-id="${sent.id}"][data-read=false]`);
  await item.waitFor();
  await page.waitForFunction((n) => parseInt(document.querySelector('nav [data-badge=notifications]')?.innerText ?? '0', 10) === n, before + 1);
  await item.locator('button[data-action=mark-read]').click();
  await page.locator(`ul[data-list=notifications] li[data-id="${sent.id}"][data-read=true]`).waitFor();
  await page.waitForFunction((n) => parseInt(document.querySelector('nav [data-badge=notifications]')?.innerText ?? '0', 10) === n, before);
  await page.click('button[data-action=mark-all-read]');
  await badge.waitFor({ state: 'detached' });
  await page.locator('ul[data-list=notifications] li[data-read=false]').first().waitFor({ state: 'detached' });
  assert(await page.locator('ul[data-list=notifications] li[data-read=true]').count() > 0, 'no notification shows as read');
});

await checks.check('profile edits and the language switch persist', async () => {
  const page = boris.page;
  await page.goto(`${base}/profile`);
  await ready(page, 'profile');
  await page.fill('input[name=first_name]', 'Борислав');
  await page.fill('input[name=phone]', '+7 900 123-45-67');
  await page.fill('input[name=email]', `boris${run}@example.ru`);
  await page.selectOption('select[name=language_code]', 'en');
  await page.click('button[data-action=save-profile]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.locator('nav a', { hasText: 'Notifications' }).waitFor();
  await page.reload();
  await ready(page, 'profile');
  await page.locator('h1', { hasText: 'Profile' }).waitFor();
  assert(await page.inputValue('input[name=first_name]') === 'Борислав', 'the name was not kept');
  assert(await page.inputValue('input[name=email]') === `boris${run}@example.ru`, 'the email was not kept');
  assert(await page.inputValue('select[name=language_code]') === 'en', 'the language was not kept');
  const me = await api('GET', `users/${boris.id}/`);
  assert(me.language_code === 'en' && me.phone.includes('900'), `the server has ${JSON.stringify(me)}`);
  const identities = await page.locator('ul[data-list=identities] li').allInnerTexts();
  assert(identities.some((t) => t.includes('Telegram')), `no Telegram identity: ${identities}`);
  // Back to Russian through the profile, for the screenshots.
  await page.selectOption('select[name=language_code]', 'ru');
  await page.click('button[data-action=save-profile]');
  await page.waitForFunction(() => document.documentElement.lang === 'ru');
});

await checks.check('a deposit paid on the sandbox bank page is credited without a reload', async () => {
  const page = boris.page;
  await page.goto(`${base}/balance`);
  await ready(page, 'balance');
  assert(await page.getAttribute('[data-balance]', 'data-balance') === '0.00', 'the balance does not start at zero');
  await page.fill('input[name=amount]', '1 500');
  await page.fill('input[name=inn]', personInn());
  await page.click('button[data-action=deposit]');
  const link = page.locator('a[data-action=pay-link]');
  await link.waitFor();
  await page.locator('.requisites [data-field=purpose]').waitFor();
  const bank = await boris.context.newPage();
  await bank.goto(await link.getAttribute('href'));
  await bank.click('button[type=submit]');
  await bank.waitForLoadState();
  await bank.close();
  await page.locator('.deposit-started[data-status=succeeded]').waitFor({ timeout: 120_000 });
  await page.locator('[data-balance="1500.00"]').waitFor();
  await page.locator('ul[data-list=transactions] li[data-type=deposit]').waitFor();
});

await checks.check('screenshots at 1280 and 360, light and dark', async () => {
  const page = boris.page;
  const views = [['chats', '/chats'], ['chat', roomPath()], ['notifications', '/notifications'], ['profile', '/profile'], ['balance', '/balance']];
  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => localStorage.setItem('groupbuy-theme', t), theme);
    for (const width of [1280, 360]) {
      await page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
      for (const [name, where] of views) {
        await page.goto(`${base}${where}`);
        await ready(page, name);
        if (name === 'chat') await page.locator('[data-link=open]').waitFor();
        if (name === 'balance') await page.locator('ul[data-list=transactions]').waitFor();
        await page.waitForTimeout(150);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert(wide <= width, `${name} at ${width} px is ${wide} px wide`);
        await page.screenshot({ path: path.join(shots, `${name}-${width}-${theme}.png`), fullPage: name !== 'chat' });
      }
    }
  }
  await page.evaluate(() => localStorage.removeItem('groupbuy-theme'));
});

await checks.check('keyboard: send from the message field, focusable list', async () => {
  const page = olga.page;
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto(`${base}${roomPath()}`);
  await ready(page, 'chat');
  await page.locator('[data-link=open]').waitFor();
  await page.focus('textarea[name=text]');
  await page.keyboard.type('С клавиатуры');
  await page.keyboard.press('Enter');
  await messageWith(page, 'С клавиатуры').waitFor();
  await page.keyboard.press('Shift+Tab');
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-action') ?? document.activeElement?.tagName);
  assert(focused === 'attach', `Shift+Tab from the text went to ${focused}`);
});

await browser.close();
checks.finish('The cabinet\'s live pages');
