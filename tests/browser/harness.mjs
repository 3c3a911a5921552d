// What every browser test here shares: Debian's Chromium launched headless, pages watched for
// console errors, uncaught exceptions and refused requests (a step that provokes a refusal on
// purpose says so first with expectRefusal), named checks that screenshot a failure, and the
// summary that sets the exit code.
import { chromium } from 'playwright-core';
import { createHmac } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

export const TIMEOUT = 15_000;

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh, empty screenshot folder. */
export function screenshotFolder(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export class Checks {
  constructor(shots) {
    this.shots = shots;
    this.problems = [];
    this.expected = [];
    this.results = [];
    this.step = 'start';
    this.pages = [];
  }

  /** Watches `page` (called `label` in reports) for problems. */
  watch(page, label = '') {
    const who = label ? `${label}: ` : '';
    page.setDefaultTimeout(TIMEOUT);
    page.on('console', (msg) => {
      // Chromium also logs every refused fetch; the response handler below judges those.
      if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) {
        this.problems.push(`${this.step}: ${who}console error: ${msg.text()}`);
      }
    });
    page.on('pageerror', (e) => this.problems.push(`${this.step}: ${who}uncaught: ${e.message}`));
    page.on('requestfailed', (r) => {
      // A WebSocket or fetch cut by leaving the page is not a failure of the app.
      if (/ERR_ABORTED/.test(r.failure()?.errorText ?? '')) return;
      this.problems.push(`${this.step}: ${who}request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`);
    });
    page.on('response', (r) => {
      if (r.status() < 400) return;
      const i = this.expected.findIndex((e) => e.status === r.status() && r.url().includes(e.urlPart));
      if (i >= 0) this.expected.splice(i, 1);
      else this.problems.push(`${this.step}: ${who}unexpected ${r.status()} from ${r.request().method()} ${r.url()}`);
    });
    this.pages.push({ page, label });
    return page;
  }

  expectRefusal(status, urlPart) {
    this.expected.push({ status, urlPart });
  }

  async check(name, body) {
    this.step = name;
    const before = this.problems.length;
    try {
      await body();
      if (this.expected.length) this.problems.push(`${name}: refusals that never came: ${JSON.stringify(this.expected)}`);
    } catch (e) {
      this.problems.push(`${name}: ${e.message.split('\n').slice(0, 3).join(' ')}`);
    }
    this.expected = [];
    const ok = this.problems.length === before;
    this.results.push({ name, ok });
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
    if (!ok) {
      for (const { page, label } of this.pages) {
        const file = path.join(this.shots, `failed-${name}${label ? `-${label}` : ''}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => {});
      }
    }
  }

  /** Prints the summary and exits: 1 when a check failed or a problem was seen. */
  finish(what) {
    const failed = this.results.filter((r) => !r.ok).length;
    if (this.problems.length) {
      console.log('\nproblems:');
      for (const p of this.problems) console.log(`  - ${p}`);
    }
    console.log(`\n${what} in Chromium: ${this.results.length - failed} of ${this.results.length} checks passed; screenshots in ${this.shots}`);
    process.exit(failed || this.problems.length ? 1 : 0);
  }
}

/**
 * Telegram Mini App launch data for `user` ({id, first_name, last_name?, username?,
 * language_code?}), signed with the bot token as Telegram signs it: the data-check string
 * (every field but `hash`, sorted, `key=value` per line) under HMAC-SHA256 keyed with
 * HMAC-SHA256("WebAppData", bot token).
 */
export function miniAppInitData(botToken, user, authDate = Math.floor(Date.now() / 1000)) {
  const fields = { auth_date: String(authDate), query_id: `AAH${user.id}test`, user: JSON.stringify(user) };
  const check = Object.keys(fields).sort().map((k) => `${k}=${fields[k]}`).join('\n');
  const secret = createHmac('sha256', 'WebAppData').update(botToken).digest();
  const hash = createHmac('sha256', secret).update(check).digest('hex');
  return new URLSearchParams({ ...fields, hash }).toString();
}

/** Opens the cabinet at `path` as Telegram opens a Mini App: the launch data in the hash. */
export async function openAsMiniApp(page, base, user, path = '/') {
  const initData = miniAppInitData(process.env.TELEGRAM_BOT_TOKEN, user);
  const hash = new URLSearchParams({ tgWebAppData: initData, tgWebAppVersion: '8.0', tgWebAppPlatform: 'web' });
  await page.goto(`${base}${path}#${hash}`);
}
