//! GroupBuy client-side helpers.
//!
//! The core modules are plain Rust (the admin app and the server call them
//! natively); this file is only the `wasm-bindgen` layer for browsers and
//! Node.js. The JavaScript fallback `js/groupbuy-utils.mjs` exports the same
//! names with the same results.
//!
//! Exports that need the clock or the time zone read them from JavaScript
//! (`Date`); natively call the core functions, which take `now_ms`.

pub mod amount;
pub mod benchmark;
pub mod errors;
pub mod fast_json;
pub mod format;
pub mod json;
pub mod messages;
pub mod procurements;
pub mod set;
pub mod text_column;
pub mod time;
pub mod utf16;
pub mod validate;

use errors::json_or_error;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    type Date;
    #[wasm_bindgen(static_method_of = Date, js_name = now)]
    fn now() -> f64;
    #[wasm_bindgen(constructor)]
    fn new(ms: f64) -> Date;
    #[wasm_bindgen(method, js_name = getTimezoneOffset)]
    fn get_timezone_offset(this: &Date) -> f64;
}

#[wasm_bindgen]
extern "C" {
    /// A JS string, typed `string` in TypeScript.
    #[wasm_bindgen(typescript_type = "string")]
    pub type JsText;

    /// `WebAssembly.Memory`
    type Memory;
    #[wasm_bindgen(method, getter)]
    fn buffer(this: &Memory) -> JsValue;

    /// Node.js `Buffer`; absent in browsers, hence `catch`.
    type NodeBuffer;
    #[wasm_bindgen(catch, js_namespace = Buffer, js_name = from)]
    fn buffer_from(array_buffer: &JsValue, offset: u32, len: u32) -> Result<NodeBuffer, JsValue>;
    #[wasm_bindgen(method, js_name = toString)]
    fn to_string_as(this: &NodeBuffer, encoding: &str) -> JsText;

    type TextDecoder;
    #[wasm_bindgen(constructor)]
    fn new(label: &str) -> TextDecoder;
    #[wasm_bindgen(method)]
    fn decode(this: &TextDecoder, units: &[u16]) -> JsText;
}

thread_local! {
    /// Chosen on first use: `None` where Node.js `Buffer` exists (it is the
    /// fastest), else a `TextDecoder('utf-16le')` (browsers).
    static UTF16_DECODER: std::cell::OnceCell<Option<TextDecoder>> = const { std::cell::OnceCell::new() };
}

/// `s` as a JS string, handed over as UTF-16 (see [`utf16`]).
fn js_text(s: &str) -> JsText {
    js_text_from_units(&utf16::utf16_units(s))
}

/// A JSON result as a JS string: written as UTF-16, or the error object.
fn js_json(result: Result<Vec<u16>, errors::InputError>) -> JsText {
    match result {
        Ok(units) => js_text_from_units(&units),
        Err(e) => js_text(&e.to_json()),
    }
}

/// A JS string from UTF-16 units in WebAssembly memory: a copy, where
/// returning a `String` would UTF-8-decode it (slow for Cyrillic in Node.js).
fn js_text_from_units(units: &[u16]) -> JsText {
    let memory: Memory = wasm_bindgen::memory().unchecked_into();
    UTF16_DECODER.with(|decoder| {
        let decoder = decoder.get_or_init(|| match buffer_from(&memory.buffer(), 0, 0) {
            Ok(_) => None,
            Err(_) => Some(TextDecoder::new("utf-16le")),
        });
        match decoder {
            Some(d) => d.decode(units),
            None => match buffer_from(&memory.buffer(), units.as_ptr() as u32, units.len() as u32 * 2) {
                Ok(buffer) => buffer.to_string_as("ucs2"),
                Err(_) => TextDecoder::new("utf-16le").decode(units),
            },
        }
    })
}

/// The JavaScript engine's local time zone (`getTimezoneOffset` is minutes
/// *west* of UTC, hence the minus).
struct JsTimeZone;

impl time::LocalOffset for JsTimeZone {
    fn offset_minutes(&self, utc_ms: f64) -> i32 {
        -(Date::new(utc_ms).get_timezone_offset() as i32)
    }
}

/// An integral JS number or a BigInt in i64 range.
fn user_id_from_js(value: JsValue) -> Option<i64> {
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && n.abs() < 9.223_372_036_854_776e18 => Some(n as i64),
        Some(_) => None,
        None => i64::try_from(value).ok(),
    }
}

// --- validation -------------------------------------------------------------

#[wasm_bindgen]
pub fn validate_phone(phone: &str) -> bool {
    validate::validate_phone(phone)
}

#[wasm_bindgen]
pub fn validate_email(email: &str) -> bool {
    validate::validate_email(email)
}

#[wasm_bindgen]
pub fn validate_procurement_form(
    title: &str,
    description: &str,
    city: &str,
    target_amount: f64,
    deadline_ms: f64,
) -> String {
    validate::validate_procurement_form(title, description, city, target_amount, deadline_ms, Date::now())
}

// --- formatting -------------------------------------------------------------

#[wasm_bindgen]
pub fn format_currency(amount: f64) -> String {
    format::format_currency(amount)
}

#[wasm_bindgen]
pub fn calculate_progress(current: f64, target: f64) -> i32 {
    format::calculate_progress(current, target)
}

#[wasm_bindgen]
pub fn get_avatar_color(name: &str) -> String {
    format::get_avatar_color(name).to_owned()
}

#[wasm_bindgen]
pub fn get_initials(first_name: &str, last_name: &str) -> String {
    format::get_initials(first_name, last_name)
}

#[wasm_bindgen]
pub fn escape_html(text: &str) -> String {
    format::escape_html(text)
}

#[wasm_bindgen]
pub fn format_message_text(text: &str) -> String {
    format::format_message_text(text)
}

// --- time -------------------------------------------------------------------

#[wasm_bindgen]
pub fn days_until(deadline_ms: f64) -> i32 {
    time::days_until(deadline_ms, Date::now())
}

#[wasm_bindgen]
pub fn format_relative_time(ts_ms: f64) -> String {
    time::format_relative_time(ts_ms, Date::now())
}

// --- procurements: one-shot JSON functions (compatibility) -------------------

#[wasm_bindgen]
pub fn batch_process_procurements(json: &str) -> JsText {
    js_json(procurements::batch_process_procurements_utf16(json, Date::now(), &JsTimeZone))
}

#[wasm_bindgen]
pub fn search_procurements(json: &str, query: &str) -> String {
    json_or_error(procurements::search_procurements(json, query))
}

#[wasm_bindgen]
pub fn sort_procurements(json: &str, sort_by: &str, order: &str) -> String {
    json_or_error(procurements::sort_procurements(json, sort_by, order))
}

#[wasm_bindgen]
pub fn aggregate_procurement_stats(json: &str) -> String {
    json_or_error(procurements::aggregate_procurement_stats(json))
}

// --- messages ---------------------------------------------------------------

/// `current_user_id` may be a number or a BigInt (the original took i64,
/// i.e. BigInt only); anything else (`null`, `undefined`) means nobody is
/// signed in.
#[wasm_bindgen]
pub fn batch_process_messages(json: &str, current_user_id: JsValue) -> JsText {
    js_json(messages::batch_process_messages_utf16(json, user_id_from_js(current_user_id), Date::now(), &JsTimeZone))
}

#[wasm_bindgen]
pub fn search_messages(json: &str, query: &str) -> String {
    json_or_error(messages::search_messages(json, query))
}

#[wasm_bindgen]
pub fn benchmark_batch_processing(count: u32) -> f64 {
    benchmark::benchmark_batch_processing(count, &Date::now, &JsTimeZone)
}

/// The synthetic list `benchmark_batch_processing` uses (also for js/bench.mjs).
#[wasm_bindgen]
pub fn synthetic_procurements_json(count: u32) -> String {
    benchmark::synthetic_procurements_json(count)
}

// --- ProcurementSet: load once, answer many ----------------------------------

/// A procurement list parsed once inside WebAssembly. Searches and sorts
/// return positions in the loaded list as a `Uint32Array`.
#[wasm_bindgen(js_name = ProcurementSet)]
pub struct JsProcurementSet(set::ProcurementSet);

#[wasm_bindgen(js_class = ProcurementSet)]
impl JsProcurementSet {
    /// Throws `Error("invalid JSON: …")` on bad input.
    #[wasm_bindgen(constructor)]
    pub fn new(json: &str) -> Result<JsProcurementSet, JsError> {
        set::ProcurementSet::from_json(json).map(Self).map_err(|e| JsError::new(&e.message()))
    }

    /// From UTF-8 bytes (`new Uint8Array(await response.arrayBuffer())`):
    /// skips the string encoding step.
    pub fn from_bytes(bytes: &[u8]) -> Result<JsProcurementSet, JsError> {
        set::ProcurementSet::from_json_bytes(bytes).map(Self).map_err(|e| JsError::new(&e.message()))
    }

    #[wasm_bindgen(getter)]
    pub fn length(&self) -> u32 {
        self.0.len() as u32
    }

    /// Ids of the loaded list, in list order.
    pub fn ids(&self) -> Vec<f64> {
        self.0.ids().iter().map(|&id| id as f64).collect()
    }

    /// Positions of matches, best first.
    pub fn search(&self, query: &str) -> Vec<u32> {
        self.0.search(query)
    }

    /// `[{"id":…,"score":…}]`, as `search_procurements` returns.
    pub fn search_json(&self, query: &str) -> String {
        json_or_error(self.0.search_json(query))
    }

    /// Positions in sorted order.
    pub fn sort(&self, sort_by: &str, order: &str) -> Vec<u32> {
        self.0.sort(sort_by, order)
    }

    /// As `aggregate_procurement_stats` returns.
    pub fn stats_json(&self) -> String {
        json_or_error(self.0.stats_json())
    }
}
