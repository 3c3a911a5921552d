// GroupBuy client-side helpers in plain JavaScript: the fallback the web app
// uses when WebAssembly cannot load. Same names, arguments and results as the
// wasm-bindgen exports of the `wasm-utils` crate (src/lib.rs); js/test.mjs runs
// both on the same inputs and fails on any disagreement.
//
// Where JavaScript and Rust naturally differ, this file follows Rust:
// whitespace is Unicode White_Space (not `\s`), byte lengths are UTF-8,
// characters are code points (not UTF-16 units), strings sort by code point,
// and dates are parsed with our ISO grammar instead of `Date.parse`.

const RUBLE_SUFFIX = ' \u20bd';
const ERROR_PREFIX = 'invalid JSON: ';
const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

// ---------------------------------------------------------------- text utils

/** Unicode White_Space, as Rust's `char::is_whitespace` (all in the BMP). */
function isWs(c) {
  return (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0x85 || c === 0xa0 ||
    c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000;
}

function trimWs(s) {
  let a = 0;
  let b = s.length;
  while (a < b && isWs(s.charCodeAt(a))) a++;
  while (b > a && isWs(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

function splitWs(s) {
  const words = [];
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    if (isWs(s.charCodeAt(i))) {
      if (start >= 0) words.push(s.slice(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) words.push(s.slice(start));
  return words;
}

/** UTF-8 length (a lone surrogate becomes U+FFFD, 3 bytes, on its way to Rust). */
function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length &&
      (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Code point order (Rust `str` order); plain `<` compares UTF-16 units. */
function cmpStr(a, b) {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      // surrogates (D800–DFFF) encode code points above FFFF: move them up
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function cmpNum(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Rust's saturating `f64 as i32` (NaN → 0). */
function toI32(x) {
  if (Number.isNaN(x)) return 0;
  if (x >= 2147483647) return 2147483647;
  if (x <= -2147483648) return -2147483648;
  return Math.trunc(x) | 0;
}

/** Rust's `f64::round` (half away from zero). */
function roundHalfAway(x) {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

// ---------------------------------------------------------------- validation

export function validate_phone(phone) {
  let kept = '';
  for (const ch of phone) if ((ch >= '0' && ch <= '9') || ch === '+') kept += ch;
  if (kept === '') return true;
  return kept.length >= 11 && kept.length <= 16 && /^\+[0-9]*$/.test(kept);
}

export function validate_email(email) {
  if (email === '') return true;
  const parts = email.split('@');
  if (parts.length !== 2) return false;
  const [local, domain] = parts;
  return local.length > 0 && domain.includes('.') && utf8Length(domain) > 2;
}

function procurementFormErrors(title, description, city, targetAmount, deadlineMs, nowMs) {
  const errors = {};
  if (trimWs(title) === '') errors.title = 'Название обязательно';
  else if ([...title].length > 200) errors.title = 'Название не должно превышать 200 символов';
  if (trimWs(description) === '') errors.description = 'Описание обязательно';
  if (trimWs(city) === '') errors.city = 'Город обязателен';
  if (Number.isNaN(targetAmount) || targetAmount <= 0) {
    errors.target_amount = 'Целевая сумма должна быть положительной';
  }
  if (Number.isNaN(deadlineMs) || deadlineMs <= nowMs) {
    errors.deadline = 'Дедлайн должен быть в будущем';
  }
  return errors;
}

export function validate_procurement_form(title, description, city, target_amount, deadline_ms) {
  return JSON.stringify(procurementFormErrors(
    title, description, city, +target_amount, +deadline_ms, Date.now()));
}

// ---------------------------------------------------------------- formatting

/**
 * Whole roubles as digits and kopecks rounded half up on the number's decimal text (what
 * String() prints), never through float arithmetic: 1.005 is 1 rouble 1 kopeck. For |x| < 2^53.
 */
function decimalRubles(abs) {
  const text = String(abs);
  // String() uses an exponent only below 1e-6 here, which rounds to no kopecks
  if (text.includes('e')) return ['0', 0];
  const [whole, fraction = ''] = text.split('.');
  const digit = (i) => (i < fraction.length ? fraction.charCodeAt(i) - 48 : 0);
  let kopecks = digit(0) * 10 + digit(1) + (digit(2) >= 5 ? 1 : 0);
  let rubles = Number(whole);
  if (kopecks === 100) {
    rubles += 1;
    kopecks = 0;
  }
  return [String(rubles), kopecks];
}

export function format_currency(amount) {
  amount = +amount;
  if (!Number.isFinite(amount)) return '0' + RUBLE_SUFFIX;
  const abs = Math.abs(amount);
  // from 2^53 on a double is an integer whose shortest text may end in zeros it does not have
  if (abs >= 2 ** 53) return formatRubles(amount < 0, BigInt(abs).toString(), 0);
  const [digits, kopecks] = decimalRubles(abs);
  return formatRubles(amount < 0 && (digits !== '0' || kopecks > 0), digits, kopecks);
}

/** Signed kopecks of an amount as a BigInt; null for non-finite numbers and 2^53 roubles on. */
function amountKopecks(amount) {
  if (!Number.isFinite(amount) || Math.abs(amount) >= 2 ** 53) return null;
  const [digits, kopecks] = decimalRubles(Math.abs(amount));
  const abs = BigInt(digits) * 100n + BigInt(kopecks);
  return amount < 0 ? -abs : abs;
}

/**
 * A sum of amounts in exact kopecks, each rounded as format_currency rounds it (0.1 + 0.2 is
 * 0.3); the plain double sum when one of them is not an amount. [number, formatted text].
 */
function total(amounts) {
  let exact = 0n;
  let float = 0;
  for (const amount of amounts) {
    float += amount;
    const k = exact === null ? null : amountKopecks(amount);
    exact = k === null ? null : exact + k;
  }
  if (exact === null) return [float, format_currency(float)];
  const abs = exact < 0n ? -exact : exact;
  const [rubles, kopecks] = [String(abs / 100n), Number(abs % 100n)];
  const sign = exact < 0n ? '-' : '';
  return [Number(`${sign}${rubles}.${String(kopecks).padStart(2, '0')}`), formatRubles(exact < 0n, rubles, kopecks)];
}

function formatRubles(negative, digits, kopecks) {
  let out = negative ? '-' : '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ' ';
    out += digits[i];
  }
  if (kopecks > 0) out += ',' + String(kopecks).padStart(2, '0');
  return out + RUBLE_SUFFIX;
}

export function calculate_progress(current, target) {
  current = +current;
  target = +target;
  if (Number.isNaN(target) || target <= 0) return 0;
  return Math.min(100, Math.max(0, toI32(current / target * 100))) | 0;
}

const AVATAR_PALETTE = ['#e17076', '#faa774', '#a695e7', '#7bc862', '#6ec9cb', '#65aadd', '#ee7aae', '#f5a623'];

export function get_avatar_color(name) {
  let hash = 0;
  for (const ch of name) hash = (ch.codePointAt(0) + ((hash << 5) - hash)) | 0;
  return AVATAR_PALETTE[Math.abs(hash) % 8];
}

export function get_initials(first_name, last_name) {
  let out = '';
  for (const name of [first_name, last_name]) {
    if (name.length > 0) out += String.fromCodePoint(name.codePointAt(0)).toUpperCase();
  }
  return out === '' ? '?' : out;
}

const HTML_ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' };

export function escape_html(text) {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]);
}

function withBreaks(s) {
  return s.split('\n').join('<br>');
}

/** Position and scheme length of the first `http://` or `https://`, or null. */
function findUrlStart(s, from) {
  for (let at = s.indexOf('http', from); at >= 0; at = s.indexOf('http', at + 4)) {
    if (s.startsWith('://', at + 4)) return [at, 7];
    if (s.startsWith('s://', at + 4)) return [at, 8];
  }
  return null;
}

export function format_message_text(text) {
  if (text === '') return '';
  const escaped = escape_html(text);
  let out = '';
  let pos = 0;
  for (let found = findUrlStart(escaped, pos); found; found = findUrlStart(escaped, pos)) {
    const [start, schemeLen] = found;
    let end = start + schemeLen;
    while (end < escaped.length) {
      const c = escaped.charCodeAt(end);
      if (isWs(c) || c === 0x3c) break;
      end++;
    }
    if (end === start + schemeLen) {
      out += withBreaks(escaped.slice(pos, end));
      pos = end;
      continue;
    }
    const url = escaped.slice(start, end);
    out += withBreaks(escaped.slice(pos, start)) +
      `<a href="${url}" target="_blank" rel="noopener">${url}</a>`;
    pos = end;
  }
  return out + withBreaks(escaped.slice(pos));
}

// ---------------------------------------------------------------- time

/** Minutes east of UTC at `utcMs` in the engine's time zone. */
function offsetMinutes(utcMs) {
  return -(new Date(utcMs).getTimezoneOffset() | 0) | 0;
}

function daysUntil(deadlineMs, nowMs) {
  return Math.max(0, toI32((deadlineMs - nowMs) / MS_PER_DAY));
}

export function days_until(deadline_ms) {
  return daysUntil(+deadline_ms, Date.now());
}

function formatRelativeTime(tsMs, nowMs) {
  const diff = nowMs - tsMs;
  if (Number.isNaN(diff) || diff < 60_000) return 'только что';
  if (diff < MS_PER_HOUR) return `${Math.floor(diff / MS_PER_MINUTE)} мин. назад`;
  if (diff < MS_PER_DAY) return `${Math.floor(diff / MS_PER_HOUR)} ч. назад`;
  const days = Math.floor(diff / MS_PER_DAY);
  return days === 1 ? 'вчера' : `${days} дн. назад`;
}

export function format_relative_time(ts_ms) {
  return formatRelativeTime(+ts_ms, Date.now());
}

function civilFromDays(days) {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function daysFromCivil(year, month, day) {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function daysInMonth(year, month) {
  if (month === 4 || month === 6 || month === 9 || month === 11) return 30;
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return 31;
}

function localMs(utcMs) {
  return utcMs + offsetMinutes(utcMs) * MS_PER_MINUTE;
}

function localDay(utcMs) {
  return Math.floor(localMs(utcMs) / MS_PER_DAY);
}

function formatHhMm(utcMs) {
  let ofDay = localMs(utcMs) % MS_PER_DAY;
  if (ofDay < 0) ofDay += MS_PER_DAY;
  const minutes = Math.floor(ofDay / MS_PER_MINUTE);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

const MONTHS_GENITIVE = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа',
  'сентября', 'октября', 'ноября', 'декабря'];

function formatRuDate(date, currentYear) {
  const text = `${date.day} ${MONTHS_GENITIVE[date.month - 1]}`;
  return date.year === currentYear ? text : `${text} ${date.year}`;
}

function isDigit(c) {
  return c >= 0x30 && c <= 0x39;
}

/** The ISO 8601 subset of `time::parse_iso_ms` → UTC ms, or null. */
function parseIsoMs(s) {
  const num = (from, len) => {
    if (from + len > s.length) return null;
    let v = 0;
    for (let i = from; i < from + len; i++) {
      const c = s.charCodeAt(i);
      if (!isDigit(c)) return null;
      v = v * 10 + (c - 0x30);
    }
    return v;
  };
  const year = num(0, 4);
  if (year === null || s[4] !== '-' || s[7] !== '-') return null;
  const month = num(5, 2);
  const day = num(8, 2);
  if (month === null || day === null) return null;
  if (month < 1 || month > 12 || day === 0 || day > daysInMonth(year, month)) return null;
  let i = 10;
  let msOfDay = 0;
  if (s[i] === 'T' || s[i] === 't' || s[i] === ' ') {
    const hour = num(i + 1, 2);
    if (hour === null || s[i + 3] !== ':') return null;
    const minute = num(i + 4, 2);
    if (minute === null) return null;
    i += 6;
    let second = 0;
    let millis = 0;
    if (s[i] === ':') {
      second = num(i + 1, 2);
      if (second === null) return null;
      i += 3;
      if (s[i] === '.' || s[i] === ',') {
        i += 1;
        const start = i;
        while (i < s.length && isDigit(s.charCodeAt(i))) {
          if (i - start < 3) millis = millis * 10 + (s.charCodeAt(i) - 0x30);
          i++;
        }
        const n = i - start;
        if (n === 0) return null;
        if (n === 1) millis *= 100;
        else if (n === 2) millis *= 10;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return null;
    msOfDay = ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  }
  const wall = daysFromCivil(year, month, day) * MS_PER_DAY + msOfDay;
  if (i === s.length) {
    // local wall time → UTC, corrected once for DST edges (as in Rust)
    const guess = wall - offsetMinutes(wall) * MS_PER_MINUTE;
    return wall - offsetMinutes(guess) * MS_PER_MINUTE;
  }
  const c = s[i];
  if ((c === 'Z' || c === 'z') && i + 1 === s.length) return wall;
  if (c !== '+' && c !== '-') return null;
  const hours = num(i + 1, 2);
  if (hours === null) return null;
  let minutes;
  const rest = s.length - (i + 3);
  if (rest === 0) minutes = 0;
  else if (rest === 2) minutes = num(i + 3, 2);
  else if (rest === 3 && s[i + 3] === ':') minutes = num(i + 4, 2);
  else return null;
  if (minutes === null || hours > 23 || minutes > 59) return null;
  const total = hours * 60 + minutes;
  return wall - (c === '-' ? -total : total) * MS_PER_MINUTE;
}

// ---------------------------------------------------------------- input checks

class InputError extends Error {
  constructor(detail) {
    super(ERROR_PREFIX + detail);
  }
}

function errorJson(e) {
  if (e instanceof InputError) return JSON.stringify({ error: e.message });
  throw e;
}

function parseJsonArray(json, what) {
  let data;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new InputError(e.message);
  }
  if (!Array.isArray(data)) throw new InputError(`expected an array of ${what}`);
  return data;
}

function isObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isInt(v) {
  return typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63;
}

const DECIMAL = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

function field(obj, key, where) {
  const v = obj[key];
  return { v, bad: (what) => new InputError(`${where}: \`${key}\` must be ${what}`) };
}

function reqInt(obj, key, where) {
  const { v, bad } = field(obj, key, where);
  if (v === undefined) throw new InputError(`${where}: missing field \`${key}\``);
  if (!isInt(v)) throw bad('an integer');
  return v;
}

function optInt(obj, key, where) {
  const { v, bad } = field(obj, key, where);
  if (v === undefined || v === null) return null;
  if (!isInt(v)) throw bad('an integer');
  return v;
}

function reqStr(obj, key, where) {
  const { v, bad } = field(obj, key, where);
  if (v === undefined) throw new InputError(`${where}: missing field \`${key}\``);
  if (typeof v !== 'string') throw bad('a string');
  return v;
}

function optStr(obj, key, where) {
  const { v, bad } = field(obj, key, where);
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw bad('a string');
  return v;
}

function optAmount(obj, key, where) {
  const { v, bad } = field(obj, key, where);
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && DECIMAL.test(v)) {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
  }
  throw bad('a number or a numeric string');
}

// ---------------------------------------------------------------- procurements

function readProcurement(raw, i) {
  const where = `procurement ${i}`;
  if (!isObject(raw)) throw new InputError(`${where}: expected a procurement object`);
  return {
    id: reqInt(raw, 'id', where),
    title: reqStr(raw, 'title', where),
    description: optStr(raw, 'description', where),
    city: optStr(raw, 'city', where),
    status: optStr(raw, 'status', where),
    current_amount: optAmount(raw, 'current_amount', where) ?? 0,
    target_amount: optAmount(raw, 'target_amount', where),
    deadline: optStr(raw, 'deadline', where),
    participant_count: optInt(raw, 'participant_count', where) ?? 0,
    category: optStr(raw, 'category', where),
    organizer_name: optStr(raw, 'organizer_name', where),
    created_at: optStr(raw, 'created_at', where),
  };
}

function parseProcurements(json) {
  return parseJsonArray(json, 'procurements').map(readProcurement);
}

function processProcurement(p, nowMs) {
  const target = p.target_amount ?? 0;
  const out = {
    id: p.id,
    title: p.title,
    description: p.description,
    city: p.city,
    status: p.status,
    current_amount: p.current_amount,
    target_amount: target,
    participant_count: p.participant_count,
    category: p.category,
    organizer_name: p.organizer_name,
    created_at: p.created_at,
    deadline: p.deadline,
    progress: calculate_progress(p.current_amount, target),
    formatted_current: format_currency(p.current_amount),
    formatted_target: format_currency(target),
  };
  const deadlineMs = p.deadline === null ? null : parseIsoMs(p.deadline);
  if (deadlineMs !== null) out.days_left = daysUntil(deadlineMs, nowMs);
  return out;
}

export function batch_process_procurements(json) {
  try {
    const now = Date.now();
    return JSON.stringify(parseProcurements(json).map((p) => processProcurement(p, now)));
  } catch (e) {
    return errorJson(e);
  }
}

function progressRatio(p) {
  const r = p.current_amount / (p.target_amount ?? 1);
  return Number.isNaN(r) ? 0 : r;
}

function aggregate(items) {
  let activeCount = 0;
  let participants = 0;
  const byStatus = new Map();
  const cities = [];
  const seen = new Set();
  for (const p of items) {
    const status = p.status ? p.status : 'unknown';
    if (status === 'active') activeCount++;
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    participants += p.participant_count;
    if (p.city && !seen.has(p.city)) {
      seen.add(p.city);
      cities.push(p.city);
    }
  }
  const [totalAmount, formattedAmount] = total(items.map((p) => p.current_amount));
  const [totalTarget, formattedTarget] = total(items.map((p) => p.target_amount ?? 0));
  const by_status = {};
  for (const k of [...byStatus.keys()].sort(cmpStr)) by_status[k] = byStatus.get(k);
  return {
    total_count: items.length,
    active_count: activeCount,
    total_amount: totalAmount,
    total_target: totalTarget,
    overall_progress: calculate_progress(totalAmount, totalTarget),
    avg_participants: items.length ? roundHalfAway(participants / items.length * 10) / 10 : 0,
    cities,
    by_status,
    formatted_total_amount: formattedAmount,
    formatted_total_target: formattedTarget,
  };
}

const SORT_KEYS = {
  title: (set) => { const k = set._titleLc; return (a, b) => cmpStr(k[a], k[b]); },
  amount: (set) => { const it = set._items; return (a, b) => cmpNum(it[a].current_amount, it[b].current_amount); },
  progress: (set) => { const k = set._items.map(progressRatio); return (a, b) => cmpNum(k[a], k[b]); },
  deadline: (set) => { const it = set._items; return (a, b) => cmpStr(it[a].deadline ?? '', it[b].deadline ?? ''); },
  participants: (set) => { const it = set._items; return (a, b) => cmpNum(it[a].participant_count, it[b].participant_count); },
  created: (set) => { const it = set._items; return (a, b) => cmpStr(it[a].created_at ?? '', it[b].created_at ?? ''); },
};

/**
 * The list parsed once; searches and sorts return positions in it as a
 * Uint32Array, exactly like the WebAssembly `ProcurementSet`.
 */
export class ProcurementSet {
  /** Throws `Error("invalid JSON: …")` on bad input. */
  constructor(json) {
    this._items = parseProcurements(json);
    const lc = (s) => (s === null ? '' : s.toLowerCase());
    this._titleLc = this._items.map((p) => p.title.toLowerCase());
    this._cityLc = this._items.map((p) => lc(p.city));
    this._organizerLc = this._items.map((p) => lc(p.organizer_name));
    this._descriptionLc = this._items.map((p) => lc(p.description));
    this._cache = null;
  }

  static from_bytes(bytes) {
    let text;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch (e) {
      throw new InputError(e.message);
    }
    return new ProcurementSet(text);
  }

  get length() {
    return this._items.length;
  }

  ids() {
    return Float64Array.from(this._items, (p) => p.id);
  }

  /**
   * Hits `{i, score}`, best first. Reuses the previous search when the query
   * extends it, exactly like the WebAssembly `ProcurementSet` (see `SearchCache`
   * in src/set.rs): the same query gives the same answer; when the last word
   * grows, only the items the old word scored in are checked; a new word is
   * scanned alone and added to the kept scores. The answers are those of a
   * fresh search.
   */
  _searchScored(query) {
    const words = splitWs(query.toLowerCase());
    if (words.length === 0 || this._items.length === 0) return [];
    const prev = this._cache;
    const k = words.length;
    const last = words[k - 1];
    const sameHead = (n) => { for (let w = 0; w < n; w++) if (words[w] !== prev.words[w]) return false; return true; };
    let next;
    if (prev && prev.words.length === k && sameHead(k)) {
      next = prev;
    } else if (prev && prev.words.length === k && sameHead(k - 1) && last.includes(prev.words[k - 1])) {
      const hits = [];
      for (const h of prev.last) {
        const score = this._wordScore(h.i, last);
        if (score > 0) hits.push({ i: h.i, score });
      }
      next = this._finishSearch(words, prev.base, hits);
    } else if (prev && prev.words.length === k - 1 && sameHead(k - 1)) {
      const base = prev.base ?? new Uint32Array(this._items.length);
      for (const h of prev.last) base[h.i] += h.score;
      next = this._finishSearch(words, base, this._scanWord(last));
    } else {
      let base = null;
      if (k > 1) {
        base = new Uint32Array(this._items.length);
        for (let w = 0; w < k - 1; w++) for (const h of this._scanWord(words[w])) base[h.i] += h.score;
      }
      next = this._finishSearch(words, base, this._scanWord(last));
    }
    this._cache = next;
    return next.ranked;
  }

  _wordScore(i, w) {
    const t = this._titleLc[i];
    let score = 0;
    if (t.includes(w)) score += t.startsWith(w) ? 15 : 10;
    if (this._cityLc[i].includes(w)) score += 5;
    if (this._organizerLc[i].includes(w)) score += 3;
    if (this._descriptionLc[i].includes(w)) score += 2;
    return score;
  }

  /** Items one word scores in, in list order. */
  _scanWord(w) {
    const hits = [];
    for (let i = 0; i < this._titleLc.length; i++) {
      const score = this._wordScore(i, w);
      if (score > 0) hits.push({ i, score });
    }
    return hits;
  }

  _finishSearch(words, base, last) {
    let hits = last;
    if (base !== null) {
      const total = base.slice();
      for (const h of last) total[h.i] += h.score;
      hits = [];
      for (let i = 0; i < total.length; i++) if (total[i] > 0) hits.push({ i, score: total[i] });
    }
    // a stable sort: equal scores keep list order
    return { words, base, last, ranked: hits.slice().sort((a, b) => b.score - a.score) };
  }

  search(query) {
    return Uint32Array.from(this._searchScored(query), (h) => h.i);
  }

  search_json(query) {
    return JSON.stringify(this._searchScored(query).map((h) => ({ id: this._items[h.i].id, score: h.score })));
  }

  sort(sort_by, order) {
    const idx = Array.from(this._items, (_, i) => i);
    const key = Object.hasOwn(SORT_KEYS, sort_by) ? SORT_KEYS[sort_by] : null;
    if (key) {
      const cmp = key(this);
      idx.sort(order === 'desc' ? (a, b) => cmp(b, a) : cmp);
    }
    return Uint32Array.from(idx);
  }

  stats_json() {
    return JSON.stringify(aggregate(this._items));
  }

  /** No-op; the WebAssembly class frees its memory here. */
  free() {}
}

export function search_procurements(json, query) {
  try {
    return new ProcurementSet(json).search_json(query);
  } catch (e) {
    return errorJson(e);
  }
}

export function sort_procurements(json, sort_by, order) {
  try {
    const set = new ProcurementSet(json);
    return JSON.stringify(Array.from(set.sort(sort_by, order), (i) => set._items[i].id));
  } catch (e) {
    return errorJson(e);
  }
}

export function aggregate_procurement_stats(json) {
  try {
    return JSON.stringify(aggregate(parseProcurements(json)));
  } catch (e) {
    return errorJson(e);
  }
}

// ---------------------------------------------------------------- messages

function readMessage(raw, i) {
  const where = `message ${i}`;
  if (!isObject(raw)) throw new InputError(`${where}: expected a message object`);
  let user = null;
  if (raw.user !== undefined && raw.user !== null) {
    if (!isObject(raw.user)) throw new InputError(`${where}: \`user\` must be a user object`);
    const w = `${where} user`;
    user = {
      id: optInt(raw.user, 'id', w),
      first_name: optStr(raw.user, 'first_name', w),
      last_name: optStr(raw.user, 'last_name', w),
    };
  }
  return {
    id: optInt(raw, 'id', where),
    text: optStr(raw, 'text', where) ?? '',
    user,
    message_type: optStr(raw, 'message_type', where),
    created_at: optStr(raw, 'created_at', where),
  };
}

function parseMessages(json) {
  return parseJsonArray(json, 'messages').map(readMessage);
}

function userIdFromJs(v) {
  if (typeof v === 'number') return isInt(v) ? v : null;
  if (typeof v === 'bigint') {
    return v >= -(2n ** 63n) && v < 2n ** 63n ? Number(v) : null;
  }
  return null;
}

export function batch_process_messages(json, current_user_id) {
  try {
    const messages = parseMessages(json);
    const current = userIdFromJs(current_user_id);
    const now = Date.now();
    const today = localDay(now);
    const currentYear = civilFromDays(today).year;
    let previousDay = null;
    return JSON.stringify(messages.map((m) => {
      const isSystem = m.message_type === 'system';
      const isOwn = current !== null && m.user !== null && m.user.id === current;
      const created = m.created_at === null ? null : parseIsoMs(m.created_at);
      let divider = null;
      let time = '';
      if (created !== null) {
        time = formatHhMm(created);
        const day = localDay(created);
        if (previousDay !== day) {
          const ago = today - day;
          divider = ago === 0 ? 'Сегодня' : ago === 1 ? 'Вчера' : formatRuDate(civilFromDays(day), currentYear);
          previousDay = day;
        }
      }
      const out = {
        id: m.id,
        text: m.text,
        formatted_text: isSystem ? escape_html(m.text) : format_message_text(m.text),
        is_own: isOwn,
        is_system: isSystem,
        formatted_time: time,
        sender_name: isOwn || isSystem ? '' : (m.user?.first_name ?? ''),
      };
      if (divider !== null) out.date_divider = divider;
      return out;
    }));
  } catch (e) {
    return errorJson(e);
  }
}

export function search_messages(json, query) {
  try {
    const messages = parseMessages(json);
    const needle = trimWs(query).toLowerCase();
    if (needle === '') return '[]';
    const hits = [];
    messages.forEach((m, index) => {
      if (m.text.toLowerCase().includes(needle)) hits.push({ index, id: m.id });
    });
    return JSON.stringify(hits);
  } catch (e) {
    return errorJson(e);
  }
}

// ---------------------------------------------------------------- benchmark

const CITIES = ['Москва', 'Санкт-Петербург', 'Новосибирск'];
const STATUSES = ['active', 'draft', 'completed', 'payment'];

/** The synthetic list of `benchmark::synthetic_procurements_json`. */
export function synthetic_procurements_json(count) {
  const items = [];
  for (let i = 0; i < count; i++) {
    items.push({
      id: i + 1,
      title: `Тестовая закупка ${i + 1}`,
      description: `Описание тестовой закупки номер ${i + 1}`,
      city: CITIES[i % 3],
      status: STATUSES[i % 4],
      current_amount: (i * 137) % 100_000,
      target_amount: 100_000,
      participant_count: i % 50,
      organizer_name: `Организатор ${i % 100}`,
      created_at: '2025-01-01T10:00:00Z',
      deadline: '2030-01-01T00:00:00Z',
    });
  }
  return JSON.stringify(items);
}

export function benchmark_batch_processing(count) {
  const json = synthetic_procurements_json(count);
  const start = Date.now();
  batch_process_procurements(json);
  search_procurements(json, 'тестовая Москва');
  sort_procurements(json, 'amount', 'desc');
  aggregate_procurement_stats(json);
  return Date.now() - start;
}
