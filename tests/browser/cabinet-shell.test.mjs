// The web cabinet's frame in headless Chromium: anonymous browsing, the pages that need a
// person, Mini App sign-in (initData signed with the bot token, as Telegram does), a used login
// link, language and theme switches that stick, and signing out. Started by run.sh.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Checks, assert, launchBrowser, openAsMiniApp, screenshotFolder } from './harness.mjs';

const base = process.env.BASE_URL;
const shots = screenshotFolder(path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots-cabinet', 'shell'));
const browser = await launchBrowser();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', locale: 'ru-RU' });
const checks = new Checks(shots);
const page = checks.watch(await context.newPage());
const main = (name) => page.locator(`main[data-page="${name}"][aria-busy="false"]`);
const person = { id: 880000 + Math.floor(Math.random() * 10000), first_name: 'Вера', last_name: 'Шеллова', username: 'vera_shell', language_code: 'ru' };

await checks.check('anonymous browsing', async () => {
  await page.goto(`${base}/`);
  await main('catalog').waitFor();
  assert(await page.locator('button[data-action=sign-out]').count() === 0, 'nobody is signed in');
  await page.goto(`${base}/purchases`);
  await main('purchases').waitFor();
  await page.locator('section.sign-in').waitFor();
  await page.goto(`${base}/no/such/page`);
  await main('not-found').waitFor();
});

await checks.check('a used or unknown login link says so', async () => {
  checks.expectRefusal(401, '/api/auth/login-link');
  await page.goto(`${base}/login?code=not-a-real-code`);
  await page.locator('[role=alert]').waitFor();
  await page.locator('section.sign-in').waitFor();
});

await checks.check('Mini App sign-in', async () => {
  await openAsMiniApp(page, base, person, '/purchases');
  await main('purchases').waitFor();
  await page.locator('button[data-action=sign-out]').waitFor();
  assert(await page.locator('section.sign-in').count() === 0, 'still asked to sign in');
  // The session outlives a reload without the launch data.
  await page.goto(`${base}/profile`);
  await main('profile').waitFor();
  assert(await page.locator('section.sign-in').count() === 0, 'signed out by a reload');
});

await checks.check('language and theme switches stick', async () => {
  await page.goto(`${base}/`);
  await main('catalog').waitFor();
  assert(await page.getAttribute('html', 'lang') === 'ru', 'Russian first');
  await page.click('button[data-action=lang]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.locator('nav a', { hasText: 'Procurements' }).waitFor();
  const before = await page.getAttribute('html', 'data-theme');
  await page.click('button[data-action=theme]');
  await page.waitForFunction((t) => document.documentElement.dataset.theme !== t, before);
  await page.reload();
  await main('catalog').waitFor();
  assert(await page.getAttribute('html', 'lang') === 'en', 'the language was forgotten');
  assert(await page.getAttribute('html', 'data-theme') !== before, 'the theme was forgotten');
  await page.screenshot({ path: path.join(shots, 'shell-switched.png') });
  await page.click('button[data-action=lang]');
  await page.click('button[data-action=theme]');
});

await checks.check('keyboard: skip link and focus order', async () => {
  await page.goto(`${base}/`);
  await main('catalog').waitFor();
  await page.keyboard.press('Tab');
  assert(await page.evaluate(() => document.activeElement?.classList.contains('skip')), 'the skip link comes first');
});

await checks.check('sign out', async () => {
  await page.goto(`${base}/profile`);
  await main('profile').waitFor();
  await page.click('button[data-action=sign-out]');
  await main('catalog').waitFor();
  assert(await page.locator('button[data-action=sign-out]').count() === 0, 'still signed in');
  await page.goto(`${base}/profile`);
  await page.locator('section.sign-in').waitFor();
  assert(await page.evaluate(() => localStorage.getItem('groupbuy-session')) === null, 'the session is still stored');
});

await browser.close();
checks.finish('web cabinet shell');
