// WebAssembly (pkg-node, release build) against the JavaScript fallback, side
// by side on the same synthetic data, 1k / 10k / 100k items.
//
//   wasm-utils/build.sh && node wasm-utils/js/bench.mjs [--sizes 1000,10000] [--quick]
//
// Every case starts from the JSON text as the API returns it, so "data
// passing" (string → WebAssembly memory, JSON parsing) is inside the timing on
// both sides. WASM and JS take turns run by run. Prints markdown tables;
// ratio = JS ms / WASM ms (> 1: WASM wins).

import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import * as js from './groupbuy-utils.mjs';

const require = createRequire(import.meta.url);
const wasm = require('../pkg-node/wasm_utils.js');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const sizesArg = args.indexOf('--sizes');
const SIZES = sizesArg >= 0 ? args[sizesArg + 1].split(',').map(Number) : [1_000, 10_000, 100_000];

// ------------------------------------------------------------- synthetic data

let seed = 12345;
const rnd = () => {
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const pick = (a) => a[Math.floor(rnd() * a.length)];

const PRODUCTS = ['Мёд алтайский', 'Сыр пармезан', 'Кофе в зёрнах', 'Чай улун', 'Оливковое масло', 'Детская одежда',
  'Орехи грецкие', 'Рыба дальневосточная', 'Honey Manuka', 'Coffee Arabica', 'Посуда керамическая', 'Постельное бельё',
  'Игрушки LEGO', 'Сухофрукты', 'Икра красная', 'Шоколад бельгийский'];
const CITIES = ['Москва', 'Санкт-Петербург', 'Новосибирск', 'Екатеринбург', 'Казань', 'Нижний Новгород', 'Самара',
  'Омск', 'Ростов-на-Дону', 'Уфа'];
const NAMES = ['Иван', 'Анна', 'Мария', 'Пётр', 'Ольга', 'Сергей', 'Елена', 'Дмитрий', 'John', 'Kate'];
const SURNAMES = ['Петров', 'Смирнова', 'Кузнецов', 'Попова', 'Соколов', 'Лебедева', 'Smith'];
const STATUSES = ['active', 'draft', 'completed', 'payment', 'cancelled'];
const PHRASES = ['Совместная закупка напрямую у производителя.', 'Доставка до пункта выдачи включена.',
  'Оплата после подтверждения заказа.', 'Минимальная партия — 10 кг.', 'Качество проверено, есть сертификаты.',
  'Organic, fair trade.', 'Скидка 15% при сборе полной суммы.'];
const BASE = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

function procurements(n) {
  const items = [];
  for (let i = 0; i < n; i++) {
    const target = 1000 * (10 + Math.floor(rnd() * 490));
    items.push({
      id: i + 1,
      title: `${pick(PRODUCTS)} — партия ${i + 1}`,
      description: `${pick(PHRASES)} ${pick(PHRASES)} ${pick(PHRASES)}`,
      city: pick(CITIES),
      status: pick(STATUSES),
      current_amount: (Math.floor(rnd() * target * 100) / 100).toFixed(2), // our API: decimal strings
      target_amount: target.toFixed(2),
      participant_count: Math.floor(rnd() * 80),
      category: 'food',
      organizer_name: `${pick(NAMES)} ${pick(SURNAMES)}`,
      created_at: new Date(BASE + Math.floor(rnd() * 300) * DAY).toISOString(),
      deadline: new Date(BASE + Math.floor(rnd() * 600) * DAY).toISOString(),
      progress: 0,
    });
  }
  return JSON.stringify(items);
}

function messages(n) {
  const items = [];
  const start = Date.now() - 30 * DAY;
  for (let i = 0; i < n; i++) {
    const name = pick(NAMES);
    items.push({
      id: i + 1,
      text: rnd() < 0.2
        ? `Подробности тут: https://groupbuy.example/p/${i} ${pick(PHRASES)}`
        : `${pick(PHRASES)}\n${pick(PHRASES)} <${name}>`,
      user: { id: 1 + Math.floor(rnd() * 50), first_name: name, last_name: pick(SURNAMES) },
      message_type: rnd() < 0.05 ? 'system' : 'text',
      created_at: new Date(start + Math.floor((i / n) * 30 * DAY)).toISOString(),
    });
  }
  return JSON.stringify(items);
}

// what a user types into the search box, one keystroke per search
const TYPED = 'мёд алтайский москва'; // 20 characters → 20 searches
const SEARCHES = Array.from(TYPED, (_, i) => TYPED.slice(0, i + 1));
const SORTS = [['title', 'asc'], ['amount', 'desc'], ['deadline', 'asc']];

// ------------------------------------------------------------- timing

/**
 * Median ms of each function over `reps` runs after one warm-up run each.
 * The functions take turns run by run, so a burst of load from another
 * process on this shared machine slows both sides alike instead of one.
 */
function time(fns, reps) {
  for (const fn of fns) fn();
  const ms = fns.map(() => []);
  for (let r = 0; r < reps; r++) {
    fns.forEach((fn, k) => {
      const t0 = performance.now();
      fn();
      ms[k].push(performance.now() - t0);
    });
  }
  return ms.map((m) => m.sort((a, b) => a - b)[Math.floor(m.length / 2)]);
}

const fmt = (ms) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));
const ratio = (j, w) => `${(j / w).toFixed(2)}×`;

// ------------------------------------------------------------- cases

function workflow(impl, json, fromBytes = false) {
  // from a fetch body: `response.arrayBuffer()` for WASM, and for JS what
  // `response.json()` does (UTF-8 decode, then JSON.parse)
  const set = fromBytes
    ? (impl === wasm ? wasm.ProcurementSet.from_bytes(json) : new js.ProcurementSet(new TextDecoder().decode(json)))
    : new impl.ProcurementSet(json);
  let sink = 0;
  for (const q of SEARCHES) sink += set.search(q).length;
  for (const [by, order] of SORTS) sink += set.sort(by, order)[0] ?? 0;
  sink += set.stats_json().length;
  set.free();
  return sink;
}

const rows = { a: [], handle: [], b: [] };
for (const n of SIZES) {
  const reps = quick ? 3 : n >= 100_000 ? 5 : n >= 10_000 ? 15 : 60;
  const pj = procurements(n);
  const mj = messages(n);
  const cases = [
    ['batch_process_procurements', (m) => m.batch_process_procurements(pj)],
    ['search_procurements("мёд москва")', (m) => m.search_procurements(pj, 'мёд москва')],
    ['sort_procurements(title, asc)', (m) => m.sort_procurements(pj, 'title', 'asc')],
    ['sort_procurements(amount, desc)', (m) => m.sort_procurements(pj, 'amount', 'desc')],
    ['aggregate_procurement_stats', (m) => m.aggregate_procurement_stats(pj)],
    ['batch_process_messages', (m) => m.batch_process_messages(mj, 7)],
    ['search_messages("доставка")', (m) => m.search_messages(mj, 'доставка')],
    ['ProcurementSet load (new ProcurementSet(json))', (m) => new m.ProcurementSet(pj).free()],
  ];
  for (const [name, fn] of cases) {
    const [w, j] = time([() => fn(wasm), () => fn(js)], reps);
    rows.a.push([n, name, w, j]);
  }

  // operations on an already loaded handle: nothing crosses but the query
  const ws = new wasm.ProcurementSet(pj);
  const jset = new js.ProcurementSet(pj);
  const handleCases = [
    ['set.search (one keystroke, avg of 20)', (s) => { for (const q of SEARCHES) s.search(q); }, SEARCHES.length],
    ['set.sort(title, asc)', (s) => s.sort('title', 'asc'), 1],
    ['set.sort(amount, desc)', (s) => s.sort('amount', 'desc'), 1],
    ['set.stats_json', (s) => s.stats_json(), 1],
  ];
  for (const [name, fn, per] of handleCases) {
    const [w, j] = time([() => fn(ws), () => fn(jset)], reps).map((ms) => ms / per);
    rows.handle.push([n, name, w, j]);
  }
  ws.free();

  const [w, j, parse] = time([() => workflow(wasm, pj), () => workflow(js, pj), () => JSON.parse(pj)], reps);
  const bytes = new TextEncoder().encode(pj);
  const [wb, jb] = time([() => workflow(wasm, bytes, true), () => workflow(js, bytes, true)], reps);
  rows.b.push([n, w, j, parse, (bytes.length / 1e6).toFixed(1), wb, jb]);
  console.error(`done ${n}`);
}

// ------------------------------------------------------------- report

const out = [];
out.push(`Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${os.platform()} ${os.arch()}`);
out.push('');
out.push('### (a) Each operation alone, JSON text in → result out (data passing included)');
out.push('');
out.push('| items | operation | WASM ms | JS ms | JS/WASM |');
out.push('|---:|---|---:|---:|---:|');
for (const [n, name, w, j] of rows.a) out.push(`| ${n} | ${name} | ${fmt(w)} | ${fmt(j)} | ${ratio(j, w)} |`);
out.push('');
out.push('### (a′) One operation on an already loaded `ProcurementSet`');
out.push('');
out.push('| items | operation | WASM ms | JS ms | JS/WASM |');
out.push('|---:|---|---:|---:|---:|');
for (const [n, name, w, j] of rows.handle) out.push(`| ${n} | ${name} | ${fmt(w)} | ${fmt(j)} | ${ratio(j, w)} |`);
out.push('');
out.push(`### (b) Workflow: load once + ${SEARCHES.length} searches as the user types + ${SORTS.length} sorts + 1 aggregation`);
out.push('');
out.push('Input as a JS string (`response.text()`):');
out.push('');
out.push('| items | JSON MB | WASM ms | JS ms | JS/WASM | JSON.parse alone ms | (JS − JSON.parse) / WASM |');
out.push('|---:|---:|---:|---:|---:|---:|---:|');
for (const [n, w, j, parse, mb] of rows.b) {
  out.push(`| ${n} | ${mb} | ${fmt(w)} | ${fmt(j)} | ${ratio(j, w)} | ${fmt(parse)} | ${ratio(j - parse, w)} |`);
}
out.push('');
out.push('Input as UTF-8 bytes (`response.arrayBuffer()`; JS decodes with TextDecoder like `response.json()`):');
out.push('');
out.push('| items | WASM ms | JS ms | JS/WASM |');
out.push('|---:|---:|---:|---:|');
for (const [n, , , , , wb, jb] of rows.b) out.push(`| ${n} | ${fmt(wb)} | ${fmt(jb)} | ${ratio(jb, wb)} |`);
console.log(out.join('\n'));
