// Runs every function through the real WebAssembly build (pkg-node, made by
// build.sh) and through the JavaScript fallback on the same inputs: they must
// agree with each other and with the expected values. No npm dependencies.
//
//   wasm-utils/build.sh && node wasm-utils/js/test.mjs
//
// Exits non-zero on the first disagreement.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as js from './groupbuy-utils.mjs';

const require = createRequire(import.meta.url);
let wasm;
try {
  wasm = require('../pkg-node/wasm_utils.js');
} catch (e) {
  console.error('cannot load wasm-utils/pkg-node: run wasm-utils/build.sh first\n', e.message);
  process.exit(2);
}

let checks = 0;
const DAY = 86_400_000;

/** Parsed JSON with any error reduced to its documented prefix. */
function normalize(text) {
  const v = JSON.parse(text);
  if (v && typeof v === 'object' && !Array.isArray(v) && 'error' in v) {
    assert.equal(Object.keys(v).length, 1, `error object has only "error": ${text}`);
    assert.match(v.error, /^invalid JSON: ./, text);
    return { error: 'invalid JSON' };
  }
  return v;
}

/** Calls `name` in both, asserts they agree (and equal `expected` if given). */
function same(name, args, expected, { json = false } = {}) {
  const label = `${name}(${args.map((a) => JSON.stringify(typeof a === 'bigint' ? String(a) : a)).join(', ')})`.slice(0, 160);
  const w = wasm[name](...args);
  const j = js[name](...args);
  const [wn, jn] = json ? [normalize(w), normalize(j)] : [w, j];
  assert.deepStrictEqual(jn, wn, `JS and WASM disagree on ${label}\n wasm: ${w}\n   js: ${j}`);
  if (expected !== undefined) assert.deepStrictEqual(wn, expected, `${label} gave ${w}`);
  checks++;
  return wn;
}

// ------------------------------------------------------------- API surface

const names = (m) => Object.keys(m).filter((k) => !k.startsWith('_')).sort();
assert.deepStrictEqual(names(js), names(wasm), 'the JS module exports the same names as the WASM package');

// ------------------------------------------------------------- validation

for (const [phone, ok] of [['+79991234567', true], ['+7 (999) 123-45-67', true], ['abc', true], ['', true],
  ['79991234567', false], ['+1234567890123456', false], ['+123456789012345', true], ['+7999+1234567', false],
  ['+７９９９１２３４５６７', false]]) {
  same('validate_phone', [phone], ok);
}
for (const [email, ok] of [['a@b.c', true], ['a@.c', false], ['a@bc', false], ['a b@c.d', true], ['', true],
  ['test@example.com', true], ['@domain.com', false], ['user@', false], ['a@b@c.d', false], ['a@я.', true]]) {
  same('validate_email', [email], ok);
}
const future = Date.now() + 10 * DAY;
same('validate_procurement_form', ['Мёд', 'Алтайский', 'Москва', 1000, future], {}, { json: true });
same('validate_procurement_form', [' ', '', '\u00a0', 0, 1], {
  title: 'Название обязательно', description: 'Описание обязательно', city: 'Город обязателен',
  target_amount: 'Целевая сумма должна быть положительной', deadline: 'Дедлайн должен быть в будущем',
}, { json: true });
same('validate_procurement_form', ['я'.repeat(201), 'd', 'c', NaN, future],
  { title: 'Название не должно превышать 200 символов', target_amount: 'Целевая сумма должна быть положительной' },
  { json: true });
same('validate_procurement_form', ['я'.repeat(200), 'd', 'c', 1, future], {}, { json: true }); // 200 characters (400 bytes): as the server counts
// byte-identical text too (the key order is the check order)
assert.equal(wasm.validate_procurement_form('', '', '', 0, 0), js.validate_procurement_form('', '', '', 0, 0));

// ------------------------------------------------------------- formatting

for (const [amount, text] of [[1234567.5, '1 234 567,50 ₽'], [1000, '1 000 ₽'], [0, '0 ₽'], [99.5, '99,50 ₽'],
  [12.345, '12,35 ₽'], [-1234.5, '-1 234,50 ₽'], [1234.56, '1 234,56 ₽'], [999999, '999 999 ₽'],
  // fixes vs the original: sign kept, kopecks carry
  [-0.5, '-0,50 ₽'], [999.999, '1 000 ₽'], [-999.999, '-1 000 ₽'], [-0.001, '0 ₽'],
  [NaN, '0 ₽'], [Infinity, '0 ₽'], [1e20, '100 000 000 000 000 000 000 ₽'], [2 ** 60, '1 152 921 504 606 846 976 ₽'],
  // the decimal as written is rounded, not the double's binary value (the original gave 1 ₽ and 2,67 ₽)
  [0.005, '0,01 ₽'], [1.005, '1,01 ₽'], [2.675, '2,68 ₽'], [-0, '0 ₽'], [0.1 + 0.2, '0,30 ₽'], [9.995, '10 ₽'],
  [0.0049, '0 ₽'], [1e-7, '0 ₽'], [-5e-324, '0 ₽'], [4503599627370495.5, '4 503 599 627 370 495,50 ₽'],
  ['1500.00', '1 500 ₽'], ['-0.015', '-0,02 ₽']]) {
  same('format_currency', [amount], text);
}
for (const [c, t, p] of [[500, 1000, 50], [0, 1000, 0], [1500, 1000, 100], [100, 0, 0], [-5, 10, 0], [999, 1000, 99],
  [NaN, 10, 0], [10, NaN, 0], [Infinity, 1, 100], [-1e-9, 1, 0]]) {
  same('calculate_progress', [c, t], p);
}
for (const [name, color] of [['', '#e17076'], ['A', '#faa774'], ['Иван', '#f5a623'], ['Тест', '#6ec9cb'],
  ['John', '#7bc862'], ['Anna', '#e17076'], ['😀 emoji', undefined], ['a'.repeat(1000), undefined]]) {
  same('get_avatar_color', [name], color);
}
for (const [f, l, out] of [['Иван', 'Петров', 'ИП'], ['Anna', '', 'A'], ['', 'Smith', 'S'], ['', '', '?'],
  ['ßa', 'b', 'SSB'], ['😀', 'ёж', '😀Ё'], ['ǆ', 'ﬁ', 'ǄFI']]) {
  same('get_initials', [f, l], out);
}
same('escape_html', [`<a href="x">'&'</a>`], '&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;');
for (const [text, html] of [
  ['', ''], ['Привет', 'Привет'], ['a\nb\n', 'a<br>b<br>'],
  ["<script>alert('x')</script>", '&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;'],
  ['see https://example.com/a?b=1&c=2 now',
    'see <a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener">https://example.com/a?b=1&amp;c=2</a> now'],
  ['http://x.ru\nnext', '<a href="http://x.ru" target="_blank" rel="noopener">http://x.ru</a><br>next'],
  ['http://a"onclick=1', '<a href="http://a&quot;onclick=1" target="_blank" rel="noopener">http://a&quot;onclick=1</a>'],
  ['http:// x', 'http:// x'], ['javascript:alert(1)', 'javascript:alert(1)'],
  ['xhttps://a\u00a0b', 'x<a href="https://a" target="_blank" rel="noopener">https://a</a>\u00a0b'],
  ['https://a\u0085b', '<a href="https://a" target="_blank" rel="noopener">https://a</a>\u0085b'],
  ['https://a\ufeffb', '<a href="https://a\ufeffb" target="_blank" rel="noopener">https://a\ufeffb</a>'],
]) {
  same('format_message_text', [text], html);
}

// ------------------------------------------------------------- time

const now = Date.now();
for (const [ms, days] of [[now + 2.5 * DAY, 2], [now - 5 * DAY, 0], [now + 400.5 * DAY, 400], [NaN, 0]]) {
  same('days_until', [ms], days);
}
for (const [ms, text] of [[now - 30_000, 'только что'], [now + 3_600_000, 'только что'],
  [now - 5.5 * 60_000, '5 мин. назад'], [now - 3.5 * 3_600_000, '3 ч. назад'], [now - 1.5 * DAY, 'вчера'],
  [now - 4.5 * DAY, '4 дн. назад'], [NaN, 'только что']]) {
  same('format_relative_time', [ms], text);
}

// ------------------------------------------------------------- procurements

const iso = (ms) => new Date(ms).toISOString();
const SAMPLE = JSON.stringify([
  { id: 1, title: 'Мёд алтайский', description: 'Натуральный мёд', city: 'Москва', status: 'active',
    current_amount: 1000.0, target_amount: 2000.0, participant_count: 5, organizer_name: 'Пасека',
    created_at: '2025-01-02T10:00:00Z', deadline: iso(now + 16.5 * DAY) },
  { id: 2, title: 'Аренда авто', description: 'Поездка', city: 'Москва', status: 'active',
    current_amount: '300.00', target_amount: '300', participant_count: 2, created_at: '2025-01-01T10:00:00Z' },
  { id: 3, title: 'Чай', city: 'Казань', status: 'draft', current_amount: 500, target_amount: 500,
    participant_count: 3, created_at: '2025-01-03T10:00:00Z', deadline: 'not a date', extra: { nested: [1] } },
]);
const MIXED = JSON.stringify([
  { id: 10, title: 'ZEBRA зебра', city: '', status: '', current_amount: 5, target_amount: 0, deadline: '2030-01-01' },
  { id: 11, title: 'zebra', city: null, organizer_name: 'Zed', current_amount: 0, target_amount: 0, category: 'food' },
  { id: 12, title: '😀 smile', description: 'ZEBRA in the description', current_amount: -5, participant_count: 7 },
  { id: 13, title: '\uff5e tilde', status: 'payment', current_amount: 1e-3, target_amount: null, progress: 'ignored' },
  { id: 14.0, title: 'Ёлка', city: 'Москва', organizer_name: 'Зебра', current_amount: 2, target_amount: 3,
    created_at: '2024-12-31T23:59:59.999+03:00', deadline: '2025-01-01 00:00' },
]);
const BAD = ['', 'nope', '{', '{}', 'null', '[1]', '[[1,"t"]]', '[{"title":"t"}]', '[{"id":1}]',
  '[{"id":"1","title":"t"}]', '[{"id":1.5,"title":"t"}]', '[{"id":1,"title":null}]', '[{"id":1,"title":"t","city":5}]',
  '[{"id":1,"title":"t","current_amount":"abc"}]', '[{"id":1,"title":"t","current_amount":" 1"}]',
  '[{"id":1,"title":"t","current_amount":true}]', '[{"id":1,"title":"t","participant_count":2.5}]',
  '[{"id":1,"title":"t"}] x', '[{"id":10000000000000000000,"title":"t"}]'];

same('search_procurements', [SAMPLE, 'Москва'], [{ id: 1, score: 5 }, { id: 2, score: 5 }], { json: true });
same('search_procurements', [SAMPLE, ''], [], { json: true });
same('search_procurements', [SAMPLE, ' \t\u3000'], [], { json: true });
same('search_procurements', [SAMPLE, 'кофе'], [], { json: true });
same('search_procurements', [SAMPLE, 'МЁД'], [{ id: 1, score: 17 }], { json: true });
same('search_procurements', [JSON.stringify([
  { id: 7, title: 'Чай', city: 'Москва' },
  { id: 1, title: 'Мед липовый', city: 'Москва', organizer_name: 'Мед Иван', description: 'Свежий мед' }]),
'мед москва'], [{ id: 1, score: 25 }, { id: 7, score: 5 }], { json: true });
for (const q of ['zebra', 'ZEBRA зебра', 'z', '😀', 'ёлка', 'e', '\uff5e', 'зебра ZED']) {
  same('search_procurements', [MIXED, q], undefined, { json: true });
}
same('sort_procurements', [SAMPLE, 'title', 'asc'], [2, 1, 3], { json: true });
same('sort_procurements', [SAMPLE, 'amount', 'desc'], [1, 3, 2], { json: true });
same('sort_procurements', [SAMPLE, 'nope', 'desc'], [1, 2, 3], { json: true });
for (const key of ['title', 'amount', 'progress', 'deadline', 'participants', 'created', 'other']) {
  for (const order of ['asc', 'desc', '']) {
    same('sort_procurements', [SAMPLE, key, order], undefined, { json: true });
    same('sort_procurements', [MIXED, key, order], undefined, { json: true });
  }
}
same('sort_procurements', [MIXED, 'title', 'asc'], [11, 10, 14, 13, 12], { json: true }); // code point order: U+FF5E before U+1F600
same('aggregate_procurement_stats', [SAMPLE], {
  total_count: 3, active_count: 2, total_amount: 1800, total_target: 2800, overall_progress: 64,
  avg_participants: 3.3, cities: ['Москва', 'Казань'], by_status: { active: 2, draft: 1 },
  formatted_total_amount: '1 800 ₽', formatted_total_target: '2 800 ₽',
}, { json: true });
same('aggregate_procurement_stats', [MIXED], undefined, { json: true });
same('aggregate_procurement_stats', ['[]'], {
  total_count: 0, active_count: 0, total_amount: 0, total_target: 0, overall_progress: 0, avg_participants: 0,
  cities: [], by_status: {}, formatted_total_amount: '0 ₽', formatted_total_target: '0 ₽',
}, { json: true });
// totals are summed in exact kopecks: 0.1 + 0.2 is 0.3, "1.005" counts as 1,01 ₽
const CENTS = JSON.stringify([{ id: 1, title: 'a', current_amount: 0.1, target_amount: '1.005' },
  { id: 2, title: 'b', current_amount: '0.2', target_amount: 1.005 }]);
const cents = same('aggregate_procurement_stats', [CENTS], undefined, { json: true });
assert.deepStrictEqual([cents.total_amount, cents.formatted_total_amount, cents.total_target, cents.formatted_total_target],
  [0.3, '0,30 ₽', 2.02, '2,02 ₽']);
const batch = same('batch_process_procurements', [SAMPLE], undefined, { json: true });
assert.equal(batch[0].progress, 50);
assert.equal(batch[0].days_left, 16);
assert.equal(batch[0].formatted_current, '1 000 ₽');
assert.equal(batch[1].current_amount, 300);
assert.ok(!('days_left' in batch[1]) && !('days_left' in batch[2]));
assert.deepStrictEqual(Object.keys(batch[0]), ['id', 'title', 'description', 'city', 'status', 'current_amount',
  'target_amount', 'participant_count', 'category', 'organizer_name', 'created_at', 'deadline', 'progress',
  'formatted_current', 'formatted_target', 'days_left']);
same('batch_process_procurements', [MIXED], undefined, { json: true });
same('batch_process_procurements', ['[]'], [], { json: true });
for (const bad of BAD) {
  for (const [name, extra] of [['search_procurements', ['x']], ['sort_procurements', ['title', 'asc']],
    ['aggregate_procurement_stats', []], ['batch_process_procurements', []]]) {
    same(name, [bad, ...extra], { error: 'invalid JSON' }, { json: true });
  }
}

// ProcurementSet: same answers as the one-shot functions, in both
for (const list of [SAMPLE, MIXED, js.synthetic_procurements_json(500)]) {
  const ws = new wasm.ProcurementSet(list);
  const jset = new js.ProcurementSet(list);
  const bytes = wasm.ProcurementSet.from_bytes(new TextEncoder().encode(list));
  assert.equal(ws.length, jset.length);
  assert.deepStrictEqual(jset.ids(), ws.ids());
  assert.deepStrictEqual(bytes.ids(), ws.ids());
  for (const q of ['zebra', 'москва', 'тестовая 12', 'мёд', '', 'закупка 7 организатор']) {
    assert.deepStrictEqual(jset.search(q), ws.search(q), `set.search(${q})`);
    assert.deepStrictEqual(normalize(jset.search_json(q)), normalize(ws.search_json(q)));
    assert.deepStrictEqual(normalize(ws.search_json(q)), normalize(wasm.search_procurements(list, q)));
    checks += 3;
  }
  // typing, deleting and retyping: the sets reuse the previous search, and
  // must still answer exactly like a fresh one-shot search
  for (const text of ['тестовая москва 12', 'мёд  zebra Zeb', 'организатор 7 закупка', 'ё😀 ～е']) {
    const chars = Array.from(text);
    const typed = chars.map((_, n) => chars.slice(0, n + 1).join(''));
    for (const q of [...typed, ...typed.slice().reverse(), ' ', text, text + ' ', `${text} ${text}`]) {
      const fresh = normalize(wasm.search_procurements(list, q));
      assert.deepStrictEqual(normalize(ws.search_json(q)), fresh, `typing set.search_json(${q})`);
      assert.deepStrictEqual(normalize(jset.search_json(q)), fresh, `typing JS set.search_json(${q})`);
      assert.deepStrictEqual(jset.search(q), ws.search(q), `typing set.search(${q})`);
      checks += 3;
    }
  }
  for (const key of ['title', 'amount', 'progress', 'deadline', 'participants', 'created', 'x']) {
    for (const order of ['asc', 'desc']) {
      const wi = ws.sort(key, order);
      assert.ok(wi instanceof Uint32Array);
      assert.deepStrictEqual(jset.sort(key, order), wi, `set.sort(${key}, ${order})`);
      const ids = ws.ids();
      assert.deepStrictEqual(Array.from(wi, (i) => ids[i]), JSON.parse(wasm.sort_procurements(list, key, order)));
      checks += 2;
    }
  }
  assert.deepStrictEqual(normalize(jset.stats_json()), normalize(ws.stats_json()));
  assert.deepStrictEqual(normalize(ws.stats_json()), normalize(wasm.aggregate_procurement_stats(list)));
  checks += 2;
  ws.free();
  bytes.free();
}
for (const bad of BAD) {
  assert.throws(() => new wasm.ProcurementSet(bad), /^Error: invalid JSON: /, bad);
  assert.throws(() => new js.ProcurementSet(bad), /^Error: invalid JSON: /, bad);
  checks += 2;
}
assert.throws(() => wasm.ProcurementSet.from_bytes(new Uint8Array([0x5b, 0xff, 0x5d])), /invalid JSON/);
assert.throws(() => js.ProcurementSet.from_bytes(new Uint8Array([0x5b, 0xff, 0x5d])), /invalid JSON/);

// ------------------------------------------------------------- messages

const MESSAGES = JSON.stringify([
  { id: 1, text: 'Привет всем!', user: { id: 10, first_name: 'Иван', last_name: 'П' }, created_at: '2023-12-31T09:05:00Z' },
  { id: 2, text: 'Когда доставка?', user: { id: 11, first_name: 'Анна' }, created_at: iso(now - 2 * DAY) },
  { id: 3, text: 'Доставка <b>завтра</b> https://x.ru', message_type: 'system', created_at: iso(now - 2 * DAY + 1000) },
  { id: 4, text: 'привет <b>\nhttps://x.ru/?a=1&b=2', user: { id: 42, first_name: 'Я' }, created_at: iso(now - DAY) },
  { id: 5, text: 'ok', user: { id: 11, first_name: 'Анна' }, created_at: iso(now) },
  { id: 6, text: 'no date', user: null, created_at: 'garbage' },
  {}, { text: null, user: { id: null } }, { id: 7, text: 'naive', created_at: '2025-06-28T12:30:00' },
]);
for (const user of [42, 42n, 11, null, undefined, 1.5, 'x']) {
  same('batch_process_messages', [MESSAGES, user], undefined, { json: true });
}
const processed = normalize(wasm.batch_process_messages(MESSAGES, 42));
assert.equal(processed[0].date_divider, '31 декабря 2023');
assert.equal(processed[3].date_divider, 'Вчера');
assert.equal(processed[4].date_divider, 'Сегодня');
assert.ok(!('date_divider' in processed[2]));
assert.equal(processed[3].is_own, true);
assert.equal(processed[3].sender_name, '');
assert.equal(processed[0].sender_name, 'Иван');
assert.equal(processed[2].formatted_text, 'Доставка &lt;b&gt;завтра&lt;/b&gt; https://x.ru');
assert.equal(processed[5].formatted_time, '');
assert.match(processed[0].formatted_time, /^\d\d:\d\d$/);
same('batch_process_messages', ['[]', 1], [], { json: true });
same('search_messages', [MESSAGES, 'привет'], [{ index: 0, id: 1 }, { index: 3, id: 4 }], { json: true });
same('search_messages', [MESSAGES, 'ДОСТАВКА'], [{ index: 1, id: 2 }, { index: 2, id: 3 }], { json: true });
same('search_messages', [MESSAGES, '  '], [], { json: true });
same('search_messages', [MESSAGES, ' ok '], [{ index: 4, id: 5 }], { json: true });
for (const bad of ['', '{}', '[1]', '[{"user":5}]', '[{"id":"x"}]', '[{"text":5}]', '[{"user":{"id":1.5}}]']) {
  same('batch_process_messages', [bad, 1], { error: 'invalid JSON' }, { json: true });
  same('search_messages', [bad, 'x'], { error: 'invalid JSON' }, { json: true });
}

// ------------------------------------------------------------- benchmark helper

assert.equal(wasm.synthetic_procurements_json(50).length > 0, true);
assert.deepStrictEqual(JSON.parse(wasm.synthetic_procurements_json(50)), JSON.parse(js.synthetic_procurements_json(50)));
for (const impl of [wasm, js]) {
  const ms = impl.benchmark_batch_processing(200);
  assert.ok(typeof ms === 'number' && ms >= 0);
}

// ------------------------------------------------------------- random inputs

let seed = 0x9e3779b9;
const rnd = () => {
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const PIECES = ['<', '>', '"', "'", '&', 'http://', 'https://', 'http:/', '\n', ' ', '\t', '\u00a0', '\u0085',
  '\u2028', 'x.ru/', '?a=1&b=2', 'мёд', 'МЁД', 'A', 'ß', 'İ', '😀', '+7', '9', '@', '.', '-', '(', 'Σ', 'ς'];
const randomText = () => {
  let s = '';
  for (let n = Math.floor(rnd() * 12); n > 0; n--) s += PIECES[Math.floor(rnd() * PIECES.length)];
  return s;
};
for (let i = 0; i < 3000; i++) {
  const a = randomText();
  const b = randomText();
  same('format_message_text', [a]);
  same('escape_html', [a]);
  same('get_avatar_color', [a]);
  same('get_initials', [a, b]);
  same('validate_phone', [a]);
  same('validate_email', [a]);
  same('validate_procurement_form', [a, b, a, rnd() * 10 - 5, future], undefined, { json: true });
  const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 12);
  same('format_currency', [x]);
  same('format_currency', [Math.round(x * 1000) / 1000]);
  same('calculate_progress', [x, rnd() * 1000]);
}
for (let i = 0; i < 300; i++) {
  const items = [];
  for (let n = Math.floor(rnd() * 8); n > 0; n--) {
    items.push({ id: Math.floor(rnd() * 100), title: randomText(), city: randomText(), description: randomText(),
      organizer_name: randomText(), current_amount: Math.floor(rnd() * 100), target_amount: Math.floor(rnd() * 3) * 50,
      status: ['active', 'draft', '', null][Math.floor(rnd() * 4)], participant_count: Math.floor(rnd() * 5) });
  }
  const list = JSON.stringify(items);
  same('search_procurements', [list, randomText()], undefined, { json: true });
  same('sort_procurements', [list, ['title', 'amount', 'progress'][i % 3], i % 2 ? 'desc' : 'asc'], undefined, { json: true });
  same('aggregate_procurement_stats', [list], undefined, { json: true });
  same('search_messages', [JSON.stringify(items.map((p) => ({ id: p.id, text: p.title }))), randomText()], undefined, { json: true });
}
for (let i = 0; i < 300; i++) {
  // totals of amounts with up to three decimals, as numbers and as strings: exact kopecks on both sides
  const amount = () => Math.round((rnd() - 0.3) * 10 ** Math.floor(rnd() * 9)) / 1000;
  const items = Array.from({ length: Math.floor(rnd() * 6) }, (_, id) => (
    { id, title: 't', current_amount: amount(), target_amount: i % 2 ? String(Math.abs(amount())) : amount() }));
  same('aggregate_procurement_stats', [JSON.stringify(items)], undefined, { json: true });
}

console.log(`wasm-utils: ${checks} checks passed, JS fallback and WebAssembly agree (TZ=${Intl.DateTimeFormat().resolvedOptions().timeZone})`);
