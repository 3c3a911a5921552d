//! `ProcurementSet`: parse the list once, then answer many searches, sorts
//! and aggregations without the list crossing the JS/WebAssembly boundary
//! again. The original re-sent the whole list as JSON on every call, which
//! made its WebAssembly search ~10× slower than plain JavaScript.
//!
//! Answers are positions in the loaded list (`u32`), which the export layer
//! hands to JavaScript as a `Uint32Array`: the web app already holds the
//! objects and just indexes them, so nothing is serialised per keystroke.
//!
//! Storage is columnar (one vector per field, text in [`TextColumn`]s,
//! lower-cased once at load) so a search scans a few contiguous buffers and a
//! sort compares plain numbers or 16-byte prefixes.

use crate::amount::total;
use crate::errors::InputError;
use crate::format::calculate_progress;
use crate::procurements::{
    CITY_WEIGHT, DESCRIPTION_WEIGHT, ORGANIZER_WEIGHT, Procurement, ProcurementStats, SortKey, TITLE_PREFIX_BONUS,
    TITLE_WEIGHT, is_descending, query_words,
};
use crate::text_column::{ByteStats, Needle, TextColumn};
use serde::Deserializer as _;
use serde::Serialize;
use serde::de::{SeqAccess, Visitor};
use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Index into an interned string table; `NONE` = missing or empty.
type Interned = u32;
const NONE: Interned = u32::MAX;

/// Interning hashes two short strings per item; SipHash (the std default,
/// DoS-resistant) is needlessly slow for that in WebAssembly, and these keys
/// come from our own API.
#[derive(Default, Clone, Copy)]
struct FastHash(u64);

impl std::hash::Hasher for FastHash {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FastHash>>;

#[derive(Default)]
struct Interner {
    index: FastMap<String, Interned>,
    values: Vec<String>,
}

impl Interner {
    fn intern(&mut self, s: Option<&str>) -> Interned {
        match s {
            None | Some("") => NONE,
            Some(s) => {
                if let Some(&i) = self.index.get(s) {
                    return i;
                }
                let i = self.values.len() as Interned;
                self.values.push(s.to_owned());
                self.index.insert(s.to_owned(), i);
                i
            }
        }
    }
}

/// A searchable text field with its byte statistics for needle preparation.
struct SearchColumn {
    text: TextColumn,
    stats: ByteStats,
    weight: u32,
}

pub struct ProcurementSet {
    ids: Vec<i64>,
    current: Vec<f64>,
    target: Vec<Option<f64>>,
    participants: Vec<i64>,
    status: Vec<Interned>,
    /// Interned in first-seen order, which is the order `cities` reports.
    city: Vec<Interned>,
    statuses: Vec<String>,
    cities: Vec<String>,
    deadline: TextColumn,
    created_at: TextColumn,
    title: SearchColumn,
    /// city, organizer, description
    others: [SearchColumn; 3],
    stats_json: OnceCell<String>,
    /// The previous search, reused when the next query extends it.
    search_cache: RefCell<Option<SearchCache>>,
}

/// What the previous search computed. A query's score is a sum over its
/// words, so when the user types on:
/// - the same query (e.g. a trailing space): the same answer;
/// - the last word grows (`мё` → `мёд`): a field that contains the new word
///   also contains the old one, so only the items the old word scored in
///   can score now, and only they are checked;
/// - a new word starts: the old words' scores are kept and only the new
///   word is scanned.
///
/// Anything else (a deletion, an edit in the middle) scans from scratch.
/// The answers are exactly those of a fresh search.
struct SearchCache {
    words: Vec<String>,
    /// Items every word but the last scores in, with their summed score,
    /// in list order; empty for one word.
    base: Vec<(u32, u32)>,
    /// Items the last word scores in and that word's score, in list order.
    last: Vec<(u32, u32)>,
    ranked: Vec<(u32, u32)>,
}

/// A query word prepared for each searchable column.
struct PreparedWord<'a> {
    word: &'a str,
    title: Needle<'a>,
    others: [Needle<'a>; 3],
}

#[derive(Serialize)]
struct ScoredId {
    id: i64,
    score: f64,
}

struct Builder {
    set: ProcurementSet,
    /// false: skip the city/organizer/description columns (one-shot sort).
    search_text: bool,
    statuses: Interner,
    cities: Interner,
}

impl Builder {
    fn new(capacity: usize, search_text: bool) -> Self {
        let text_capacity = if search_text { capacity } else { 0 };
        let column = |bytes| TextColumn::with_capacity(capacity, bytes);
        let search = |bytes, weight| SearchColumn { text: column(bytes), stats: ByteStats::default(), weight };
        Builder {
            set: ProcurementSet {
                ids: Vec::with_capacity(capacity),
                current: Vec::with_capacity(capacity),
                target: Vec::with_capacity(capacity),
                participants: Vec::with_capacity(capacity),
                status: Vec::with_capacity(capacity),
                city: Vec::with_capacity(capacity),
                statuses: Vec::new(),
                cities: Vec::new(),
                deadline: column(capacity * 24),
                created_at: column(capacity * 24),
                title: search(capacity * 64, TITLE_WEIGHT),
                others: [
                    search(text_capacity * 24, CITY_WEIGHT),
                    search(text_capacity * 32, ORGANIZER_WEIGHT),
                    search(text_capacity * 192, DESCRIPTION_WEIGHT),
                ],
                stats_json: OnceCell::new(),
                search_cache: RefCell::new(None),
            },
            search_text,
            statuses: Interner::default(),
            cities: Interner::default(),
        }
    }

    fn push(&mut self, p: &Procurement<'_>) {
        let s = &mut self.set;
        s.ids.push(p.id);
        s.current.push(p.current_amount);
        s.target.push(p.target_amount);
        s.participants.push(p.participant_count);
        s.status.push(self.statuses.intern(p.status.as_deref()));
        s.city.push(self.cities.intern(p.city.as_deref()));
        s.deadline.push(p.deadline.as_deref().unwrap_or(""));
        s.created_at.push(p.created_at.as_deref().unwrap_or(""));
        s.title.text.push_lowercase(&p.title);
        let [city, organizer, description] = &mut s.others;
        for (column, value) in [(city, &p.city), (organizer, &p.organizer_name), (description, &p.description)] {
            match value {
                Some(v) if self.search_text => column.text.push_lowercase(v),
                _ => column.text.push_empty(),
            }
        }
    }

    fn finish(mut self) -> ProcurementSet {
        let s = &mut self.set;
        s.statuses = self.statuses.values;
        s.cities = self.cities.values;
        s.title.stats = s.title.text.byte_stats();
        for c in &mut s.others {
            c.stats = c.text.byte_stats();
        }
        self.set
    }
}

/// Streams the JSON array straight into the columns: no intermediate
/// `Vec<Procurement>`, and strings without escapes are never copied.
struct ListVisitor {
    search_text: bool,
    /// Size of the JSON text, to reserve column space up front.
    json_len: usize,
}

impl<'de> Visitor<'de> for ListVisitor {
    type Value = ProcurementSet;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of procurements")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ProcurementSet, A::Error> {
        // ~400 bytes of JSON per procurement in our API's output
        let items = seq.size_hint().unwrap_or(self.json_len / 400 + 16);
        let mut b = Builder::new(items, self.search_text);
        while let Some(p) = seq.next_element::<Procurement<'de>>()? {
            b.push(&p);
        }
        Ok(b.finish())
    }
}

fn load<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    search_text: bool,
    json_len: usize,
) -> Result<ProcurementSet, InputError> {
    let set = (&mut de).deserialize_seq(ListVisitor { search_text, json_len })?;
    de.end()?;
    Ok(set)
}

/// The fast reader first ([`crate::fast_json`]); `serde_json` when it gives up.
fn load_str(json: &str, search_text: bool) -> Result<ProcurementSet, InputError> {
    let mut b = Builder::new(json.len() / 400 + 16, search_text);
    match crate::fast_json::for_each_procurement(json, |p| b.push(&p)) {
        Some(()) => Ok(b.finish()),
        None => load(serde_json::Deserializer::from_str(json), search_text, json.len()),
    }
}

impl ProcurementSet {
    pub fn from_json(json: &str) -> Result<Self, InputError> {
        load_str(json, true)
    }

    /// A set that can sort and aggregate but finds nothing when searched
    /// by city, organizer or description (used by one-shot sorts).
    pub(crate) fn from_json_for_sorting(json: &str) -> Result<Self, InputError> {
        load_str(json, false)
    }

    pub fn from_json_bytes(json: &[u8]) -> Result<Self, InputError> {
        match std::str::from_utf8(json) {
            Ok(text) => load_str(text, true),
            Err(_) => load(serde_json::Deserializer::from_slice(json), true, json.len()),
        }
    }

    /// Through `serde_json` only: the reference for the fast reader in tests.
    #[cfg(test)]
    fn from_json_serde(json: &str) -> Result<Self, InputError> {
        load(serde_json::Deserializer::from_str(json), true, json.len())
    }

    pub fn from_items(items: &[Procurement<'_>]) -> Self {
        let mut b = Builder::new(items.len(), true);
        for p in items {
            b.push(p);
        }
        b.finish()
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn ids(&self) -> &[i64] {
        &self.ids
    }

    pub fn id_at(&self, index: u32) -> i64 {
        self.ids[index as usize]
    }

    /// Positions with a positive score and their scores, best first (equal
    /// scores keep list order). Weights per word: title 10 (+5 when it starts
    /// with the word), city 5, organizer 3, description 2.
    pub fn search_scored(&self, query: &str) -> Vec<(u32, u32)> {
        let words = query_words(query);
        if words.is_empty() || self.is_empty() {
            return Vec::new();
        }
        let mut cache = self.search_cache.borrow_mut();
        let next = match cache.take() {
            Some(prev) if prev.words == words => prev,
            Some(prev) => self.search_from(prev, words),
            None => self.search_fresh(words),
        };
        let ranked = next.ranked.clone();
        *cache = Some(next);
        ranked
    }

    /// Builds on the previous search where the new query extends it.
    fn search_from(&self, prev: SearchCache, words: Vec<String>) -> SearchCache {
        let (k, pk) = (words.len(), prev.words.len());
        let last = &words[k - 1];
        if k == pk && words[..k - 1] == prev.words[..k - 1] && last.contains(prev.words[k - 1].as_str()) {
            if prev.last.len() > self.len() / 3 * 2 {
                // many candidates: scanning the columns whole is faster than
                // item by item, and finds no item outside them anyway
                let hits = self.scan_word(last);
                return self.finish_search(words, prev.base, hits);
            }
            let word = self.prepare(last);
            let hits: Vec<(u32, u32)> = prev
                .last
                .iter()
                .filter_map(|&(i, _)| {
                    let score = self.word_score_at(i as usize, &word);
                    (score > 0).then_some((i, score))
                })
                .collect();
            return self.finish_search(words, prev.base, hits);
        }
        if k == pk + 1 && words[..pk] == prev.words[..] {
            let base = merge_hits(&prev.base, &prev.last);
            let hits = self.scan_word(last);
            return self.finish_search(words, base, hits);
        }
        self.search_fresh(words)
    }

    fn search_fresh(&self, words: Vec<String>) -> SearchCache {
        let k = words.len();
        let base = words[..k - 1].iter().fold(Vec::new(), |base, word| merge_hits(&base, &self.scan_word(word)));
        let hits = self.scan_word(&words[k - 1]);
        self.finish_search(words, base, hits)
    }

    fn finish_search(&self, words: Vec<String>, base: Vec<(u32, u32)>, last: Vec<(u32, u32)>) -> SearchCache {
        let ranked = rank_by_score(&merge_hits(&base, &last));
        SearchCache { words, base, last, ranked }
    }

    fn prepare<'w>(&self, word: &'w str) -> PreparedWord<'w> {
        PreparedWord {
            word,
            title: Needle::new(word, &self.title.stats),
            others: self.others.each_ref().map(|c| Needle::new(word, &c.stats)),
        }
    }

    /// One word's score for item `i`.
    fn word_score_at(&self, i: usize, word: &PreparedWord<'_>) -> u32 {
        let mut score = 0;
        if self.title.text.item_contains(i, &word.title) {
            score += if self.title.text.get(i).starts_with(word.word.as_bytes()) {
                TITLE_WEIGHT + TITLE_PREFIX_BONUS
            } else {
                TITLE_WEIGHT
            };
        }
        for (column, needle) in self.others.iter().zip(&word.others) {
            if column.text.item_contains(i, needle) {
                score += column.weight;
            }
        }
        score
    }

    /// Items one word scores in, with that score, in list order: each
    /// column is scanned whole.
    fn scan_word(&self, word: &str) -> Vec<(u32, u32)> {
        let mut scores = vec![0u32; self.len()];
        let title = &self.title.text;
        let needle = Needle::new(word, &self.title.stats);
        title.for_each_containing(&needle, |i| {
            scores[i] += if title.get(i).starts_with(word.as_bytes()) {
                TITLE_WEIGHT + TITLE_PREFIX_BONUS
            } else {
                TITLE_WEIGHT
            };
        });
        for column in &self.others {
            column.text.for_each_containing(&Needle::new(word, &column.stats), |i| scores[i] += column.weight);
        }
        scores.iter().enumerate().filter(|&(_, &s)| s > 0).map(|(i, &s)| (i as u32, s)).collect()
    }

    pub fn search(&self, query: &str) -> Vec<u32> {
        self.search_scored(query).into_iter().map(|(i, _)| i).collect()
    }

    /// The original's JSON shape: `[{"id":…,"score":…}]`.
    pub fn search_json(&self, query: &str) -> Result<String, InputError> {
        let hits: Vec<ScoredId> = self
            .search_scored(query)
            .into_iter()
            .map(|(i, score)| ScoredId { id: self.id_at(i), score: f64::from(score) })
            .collect();
        Ok(serde_json::to_string(&hits)?)
    }

    /// Positions in the requested order. Stable: equal keys keep list order
    /// in both directions; an unknown key keeps list order.
    pub fn sort(&self, sort_by: &str, order: &str) -> Vec<u32> {
        let mut idx: Vec<u32> = (0..self.len() as u32).collect();
        let Some(key) = SortKey::parse(sort_by) else {
            return idx;
        };
        let desc = is_descending(order);
        match key {
            SortKey::Title => sort_text(&mut idx, &self.title.text, desc),
            SortKey::Deadline => sort_text(&mut idx, &self.deadline, desc),
            SortKey::Created => sort_text(&mut idx, &self.created_at, desc),
            SortKey::Amount => sort_by_f64(&mut idx, &self.current, desc),
            SortKey::Progress => {
                let ratio: Vec<f64> = (0..self.len())
                    .map(|i| {
                        let r = self.current[i] / self.target[i].unwrap_or(1.0);
                        if r.is_nan() { 0.0 } else { r }
                    })
                    .collect();
                sort_by_f64(&mut idx, &ratio, desc);
            }
            SortKey::Participants => {
                sort_by_u64_key(&mut idx, |i| self.participants[i] as u64 ^ 1 << 63, desc);
            }
        }
        idx
    }

    pub fn stats(&self) -> ProcurementStats {
        let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
        let mut status_counts = vec![0usize; self.statuses.len()];
        let mut unknown = 0;
        for &s in &self.status {
            match status_counts.get_mut(s as usize) {
                Some(n) => *n += 1,
                None => unknown += 1,
            }
        }
        for (name, &n) in self.statuses.iter().zip(&status_counts) {
            *by_status.entry(name.clone()).or_default() += n;
        }
        if unknown > 0 {
            *by_status.entry("unknown".to_owned()).or_default() += unknown;
        }
        let active_count = self.statuses.iter().position(|s| s == "active").map_or(0, |i| status_counts[i]);
        let total_amount = total(self.current.iter().copied());
        let total_target = total(self.target.iter().map(|t| t.unwrap_or(0.0)));
        let participants: f64 = self.participants.iter().map(|&p| p as f64).sum();
        let n = self.len();
        ProcurementStats {
            total_count: n,
            active_count,
            total_amount: total_amount.amount,
            total_target: total_target.amount,
            overall_progress: calculate_progress(total_amount.amount, total_target.amount),
            avg_participants: if n == 0 { 0.0 } else { (participants / n as f64 * 10.0).round() / 10.0 },
            cities: self.cities.clone(),
            by_status,
            formatted_total_amount: total_amount.formatted,
            formatted_total_target: total_target.formatted,
        }
    }

    /// Computed once per set: the data never changes.
    pub fn stats_json(&self) -> Result<String, InputError> {
        if let Some(s) = self.stats_json.get() {
            return Ok(s.clone());
        }
        let s = serde_json::to_string(&self.stats())?;
        Ok(self.stats_json.get_or_init(|| s).clone())
    }
}

/// Two hit lists in list order → one, scores of the same item added.
fn merge_hits(a: &[(u32, u32)], b: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut x, mut y) = (0, 0);
    while let (Some(&(i, s)), Some(&(j, t))) = (a.get(x), b.get(y)) {
        match i.cmp(&j) {
            std::cmp::Ordering::Less => {
                out.push((i, s));
                x += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push((j, t));
                y += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push((i, s + t));
                x += 1;
                y += 1;
            }
        }
    }
    out.extend_from_slice(&a[x..]);
    out.extend_from_slice(&b[y..]);
    out
}

/// Hits (position, positive score) in list order → best first, ties in list
/// order. A counting sort: scores are small integers (at most 25 per word).
fn rank_by_score(hits: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let max = hits.iter().map(|&(_, s)| s).max().unwrap_or(0) as usize;
    if max == 0 {
        return Vec::new();
    }
    let mut slot = vec![0usize; max + 2];
    for &(_, s) in hits {
        slot[s as usize] += 1;
    }
    // starting slot of each score, best first
    let mut next = 0;
    for s in (1..=max).rev() {
        let count = slot[s];
        slot[s] = next;
        next += count;
    }
    let mut ranked = vec![(0u32, 0u32); next];
    for &(i, s) in hits {
        ranked[slot[s as usize]] = (i, s);
        slot[s as usize] += 1;
    }
    ranked
}

/// Stable sort by string, in either direction.
fn sort_text(idx: &mut [u32], column: &TextColumn, desc: bool) {
    column.sort_positions(idx, desc);
}

/// Stable sort by number (JSON numbers are never NaN). `-0` equals `0`, as
/// with `<` in the JavaScript fallback.
fn sort_by_f64(idx: &mut [u32], keys: &[f64], desc: bool) {
    sort_by_u64_key(
        idx,
        |i| {
            let bits = (keys[i] + 0.0).to_bits(); // -0 + 0 = +0
            if bits >> 63 == 1 { !bits } else { bits | 1 << 63 }
        },
        desc,
    );
}

/// Stable sort by an unsigned key: the keys are gathered next to the
/// positions first, so the sort compares plain integers instead of reading
/// through the positions.
fn sort_by_u64_key(idx: &mut [u32], key: impl Fn(usize) -> u64, desc: bool) {
    let flip = if desc { u64::MAX } else { 0 };
    let mut keyed: Vec<(u64, u32)> = idx.iter().map(|&i| (key(i as usize) ^ flip, i)).collect();
    keyed.sort_unstable();
    for (slot, &(_, i)) in idx.iter_mut().zip(&keyed) {
        *slot = i;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::procurements::tests::sample_json;
    use crate::procurements::{aggregate, parse_procurements};

    #[test]
    fn set_answers_match_one_shot_functions() {
        let set = ProcurementSet::from_json(&sample_json()).unwrap();
        assert_eq!(set.len(), 3);
        assert_eq!(set.search("москва"), vec![0, 1]);
        assert_eq!(set.sort("title", "asc"), vec![1, 0, 2]);
        assert_eq!(set.sort("amount", "desc"), vec![0, 2, 1]);
        let json = sample_json();
        let items = parse_procurements(&json).unwrap();
        assert_eq!(set.stats(), aggregate(&items));
        let bytes = ProcurementSet::from_json_bytes(sample_json().as_bytes()).unwrap();
        assert_eq!(bytes.ids(), set.ids());
        assert_eq!(ProcurementSet::from_items(&items).ids(), set.ids());
    }

    #[test]
    fn fast_reader_and_serde_json_build_the_same_set() {
        for json in [sample_json(), crate::benchmark::synthetic_procurements_json(200)] {
            let (fast, serde) =
                (ProcurementSet::from_json(&json).unwrap(), ProcurementSet::from_json_serde(&json).unwrap());
            assert_eq!(fast.ids(), serde.ids());
            assert_eq!(fast.stats(), serde.stats());
            for q in ["мёд", "москва 1", "тестовая организатор 7"] {
                assert_eq!(fast.search_scored(q), serde.search_scored(q));
            }
            for key in ["title", "amount", "progress", "deadline", "participants", "created"] {
                assert_eq!(fast.sort(key, "asc"), serde.sort(key, "asc"));
            }
        }
    }

    #[test]
    fn search_scores_and_order() {
        let set = ProcurementSet::from_json(&sample_json()).unwrap();
        assert_eq!(set.search_scored("мёд"), vec![(0, 17)]); // title prefix 15 + description 2
        assert_eq!(set.search_scored("МЁД мёд"), vec![(0, 34)]); // each word counts
        assert!(set.search("").is_empty());
        assert_eq!(set.stats_json().unwrap(), set.stats_json().unwrap());
    }

    #[test]
    fn typing_reuses_the_previous_search_with_identical_answers() {
        let json = crate::benchmark::synthetic_procurements_json(300);
        let mixed = r#"[{"id":1,"title":"Мёд — МЁД мёд","city":"Москва","organizer_name":"Мёдов"},
                        {"id":2,"title":"ΟΔΟΣ","description":"мёд алтайский москва"},
                        {"id":3,"title":"алтай","city":"мо"}]"#;
        let typed =
            ["тестовая москва 1", "мёд алтайский москва", "мёд  мёд мёд", "Москва ТЕСТ", "ор 12 ор", "οδος οδοσ"];
        for json in [json.as_str(), mixed] {
            let set = ProcurementSet::from_json(json).unwrap();
            let fresh = |q: &str| {
                let words = query_words(q);
                if words.is_empty() { vec![] } else { set.search_fresh(words).ranked }
            };
            for text in typed {
                let chars: Vec<char> = text.chars().collect();
                // type it, then delete it, then a jump to an unrelated query
                let mut queries: Vec<String> = (1..=chars.len()).map(|n| chars[..n].iter().collect()).collect();
                queries.extend((0..chars.len()).rev().map(|n| chars[..n].iter().collect::<String>()));
                queries.push(text.to_owned());
                queries.push("  ".to_owned());
                for q in &queries {
                    assert_eq!(set.search_scored(q), fresh(q), "{q:?}");
                }
            }
        }
    }

    #[test]
    fn stable_sorts_in_both_directions() {
        let json = r#"[{"id":1,"title":"b","current_amount":1},{"id":2,"title":"a","current_amount":1},
                       {"id":3,"title":"B","current_amount":2},{"id":4,"title":"a"}]"#;
        let set = ProcurementSet::from_json(json).unwrap();
        assert_eq!(set.sort("title", "asc"), vec![1, 3, 0, 2]);
        assert_eq!(set.sort("title", "desc"), vec![0, 2, 1, 3]);
        assert_eq!(set.sort("amount", "desc"), vec![2, 0, 1, 3]);
        assert_eq!(set.sort("progress", "asc"), vec![3, 0, 1, 2]);
        let json = r#"[{"id":1,"title":"t","current_amount":0,"participant_count":-1},
                       {"id":2,"title":"t","current_amount":-0.0,"participant_count":3},
                       {"id":3,"title":"t","current_amount":-1e300},{"id":4,"title":"t","current_amount":1e-300}]"#;
        let set = ProcurementSet::from_json(json).unwrap();
        assert_eq!(set.sort("amount", "asc"), vec![2, 0, 1, 3]);
        assert_eq!(set.sort("amount", "desc"), vec![3, 0, 1, 2]);
        assert_eq!(set.sort("participants", "asc"), vec![0, 2, 3, 1]);
        assert_eq!(set.sort("participants", "desc"), vec![1, 2, 3, 0]);
    }

    #[test]
    fn statuses_and_cities() {
        let json = r#"[{"id":1,"title":"t","status":"unknown","city":"A"},{"id":2,"title":"t","city":""},
                       {"id":3,"title":"t","status":"","city":"B"},{"id":4,"title":"t","status":"active","city":"A"}]"#;
        let stats = ProcurementSet::from_json(json).unwrap().stats();
        assert_eq!(stats.by_status.get("unknown"), Some(&3));
        assert_eq!(stats.active_count, 1);
        assert_eq!(stats.cities, vec!["A", "B"]);
    }

    #[test]
    fn invalid_bytes() {
        assert!(ProcurementSet::from_json_bytes(b"[{\"id\":1,\"title\":\"\xff\"}]").is_err());
        assert!(ProcurementSet::from_json("[] x").is_err());
        assert!(ProcurementSet::from_json("{}").is_err());
    }
}
