//! A column of strings stored back to back in one buffer, and a substring
//! scan over it.
//!
//! Why: `str::contains` per item builds a Two-Way searcher on every call and
//! visits 40k small strings per query word; in WebAssembly that was twice as
//! slow as V8's `String.prototype.includes`. Here a word is prepared once
//! (its rarest byte picked from the column's byte statistics) and the whole
//! column is scanned with a word-at-a-time (SWAR) byte search, jumping to the
//! next item after a hit.

use std::cmp::Ordering;

#[derive(Debug, Clone, Default)]
pub struct TextColumn {
    bytes: Vec<u8>,
    /// `starts[i]..starts[i + 1]` is item `i`; one more entry than items.
    starts: Vec<u32>,
}

impl TextColumn {
    pub fn with_capacity(items: usize, bytes: usize) -> Self {
        let mut starts = Vec::with_capacity(items + 1);
        starts.push(0);
        Self { bytes: Vec::with_capacity(bytes), starts }
    }

    pub fn push(&mut self, s: &str) {
        self.bytes.extend_from_slice(s.as_bytes());
        self.end_item();
    }

    /// Appends `s` lower-cased exactly as `str::to_lowercase` (and JavaScript's
    /// `toLowerCase`) would, without allocating a temporary string.
    ///
    /// ASCII and the basic Cyrillic block (U+0400–U+045F, which is what our
    /// data is made of) are mapped inline; `char::to_lowercase` table lookups
    /// per character made loading 10k procurements 3× slower.
    pub fn push_lowercase(&mut self, s: &str) {
        // Fast path: ASCII, U+0400–U+045F, and any other character whose
        // lower case has the same UTF-8 length (punctuation such as `—`, most
        // letters) are lower-cased in place in a copy of `s`.
        let b = s.as_bytes();
        let start = self.bytes.len();
        self.bytes.extend_from_slice(b);
        let out = &mut self.bytes[start..];
        let mut i = 0;
        while i < b.len() {
            // eight bytes at a time while they are ASCII and lower-case
            // Cyrillic (the bulk of our text); most need no change at all
            if let Some(chunk) = b.get(i..i + 8) {
                let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
                let (lower, done) = lowercase_word(word);
                if lower != word {
                    // only ASCII capitals change, which is right past `done` too
                    out[i..i + 8].copy_from_slice(&lower.to_le_bytes());
                }
                i += done;
                if done == 8 {
                    continue;
                }
                // else: the character at `i` needs the cases below
            }
            let c = b[i];
            if c < 0x80 {
                out[i] = c.to_ascii_lowercase();
                i += 1;
                continue;
            }
            if (c == 0xD0 || c == 0xD1) && i + 1 < b.len() {
                let cp = (u32::from(c & 0x1F) << 6) | u32::from(b[i + 1] & 0x3F);
                let lower = match cp {
                    0x400..=0x40F => Some(cp + 0x50), // Ѐ..Џ → ѐ..џ
                    0x410..=0x42F => Some(cp + 0x20), // А..Я → а..я
                    0x430..=0x45F => Some(cp),
                    _ => None,
                };
                if let Some(lower) = lower {
                    out[i] = 0xC0 | (lower >> 6) as u8;
                    out[i + 1] = 0x80 | (lower & 0x3F) as u8;
                    i += 2;
                    continue;
                }
            }
            let ch = s[i..].chars().next().unwrap_or_default();
            let len = ch.len_utf8();
            if ('\u{2000}'..='\u{20CF}').contains(&ch) {
                // general punctuation (`—`, `…`) and currency signs have no
                // case: already copied
                i += len;
                continue;
            }
            // any other character: one lookup in the Unicode tables
            if ch == 'Σ' {
                // the final-sigma rule depends on context: let std handle it
                self.bytes.truncate(start);
                self.bytes.extend_from_slice(s.to_lowercase().as_bytes());
                self.end_item();
                return;
            }
            let mut lower = ch.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) if l.len_utf8() == len => {
                    l.encode_utf8(&mut out[i..i + len]);
                    i += len;
                }
                _ => break,
            }
        }
        if i < b.len() {
            // a character whose lower case changes length: per character
            // through the Unicode tables from here on
            if s[i..].contains('Σ') {
                // the final-sigma rule depends on context: let std handle it
                self.bytes.truncate(start);
                self.bytes.extend_from_slice(s.to_lowercase().as_bytes());
            } else {
                self.bytes.truncate(start + i);
                let mut buf = [0u8; 4];
                for lower in s[i..].chars().flat_map(char::to_lowercase) {
                    self.bytes.extend_from_slice(lower.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        self.end_item();
    }

    pub fn push_empty(&mut self) {
        self.end_item();
    }

    fn end_item(&mut self) {
        let end = u32::try_from(self.bytes.len()).expect("text column over 4 GiB");
        self.starts.push(end);
    }

    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> &[u8] {
        &self.bytes[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// Item as text (the column only ever holds whole UTF-8 strings).
    pub fn get_str(&self, i: usize) -> &str {
        std::str::from_utf8(self.get(i)).unwrap_or_default()
    }

    /// The first 16 bytes, big-endian, zero-padded: comparing these keys
    /// orders like comparing the strings, except that equal keys need a full
    /// comparison ([`Self::cmp_items`]).
    pub fn prefix_key(&self, i: usize) -> u128 {
        let s = self.get(i);
        let mut key = [0u8; 16];
        let n = s.len().min(16);
        key[..n].copy_from_slice(&s[..n]);
        u128::from_be_bytes(key)
    }

    pub fn cmp_items(&self, a: usize, b: usize) -> Ordering {
        self.get(a).cmp(self.get(b))
    }

    /// 16 bytes of item `i` from byte `depth` on (big-endian, zero-padded)
    /// and how many of them exist.
    fn chunk_key(&self, i: usize, depth: usize) -> (u128, u8) {
        let s = self.get(i);
        let part = s.get(depth..).unwrap_or_default();
        let n = part.len().min(16);
        let mut key = [0u8; 16];
        key[..n].copy_from_slice(&part[..n]);
        (u128::from_be_bytes(key), n as u8)
    }

    /// Sorts positions by their strings (byte order = code point order),
    /// ascending or descending, equal strings in ascending position order.
    ///
    /// Most-significant-chunk first: sort by the first 16 bytes as one
    /// integer, then only runs that tie on a full chunk by the next 16. Our
    /// titles share long prefixes ("Мёд алтайский — партия …"), where a
    /// comparison sort spent its time re-reading the same prefix bytes.
    pub fn sort_positions(&self, idx: &mut [u32], desc: bool) {
        self.sort_run(idx, 0, desc);
    }

    /// Sorts `idx` fully by the strings from byte `depth` on; equal strings
    /// end in ascending position order (the order `idx` arrives in does not
    /// matter).
    fn sort_run(&self, idx: &mut [u32], depth: usize, desc: bool) {
        if idx.len() < 2 {
            return;
        }
        // descending: flip the key bits, so one ascending sort does both
        let (flip, flip_len) = if desc { (u128::MAX, u8::MAX) } else { (0, 0) };
        let mut keyed: Vec<(u128, u8, u32)> = idx
            .iter()
            .map(|&i| {
                let (key, len) = self.chunk_key(i as usize, depth);
                (key ^ flip, len ^ flip_len, i)
            })
            .collect();
        // by the chunk only: our titles share long prefixes, so a level has
        // few distinct keys, which pdqsort groups in linear time; positions
        // are only compared within the ties that remain at the end
        keyed.sort_unstable_by_key(|k| (k.0, k.1));
        let mut run = 0;
        while run < keyed.len() {
            let mut end = run + 1;
            while end < keyed.len() && (keyed[end].0, keyed[end].1) == (keyed[run].0, keyed[run].1) {
                end += 1;
            }
            let tie = &mut keyed[run..end];
            // a full chunk may continue: order the tie by the next one, unless
            // the rest is the same everywhere (e.g. the `:00.000Z` of dates)
            let tail = |k: &(u128, u8, u32)| self.get(k.2 as usize).get(depth + 16..).unwrap_or_default();
            if tie.len() > 1 && tie[0].1 ^ flip_len == 16 && tie[1..].iter().any(|k| tail(k) != tail(&tie[0])) {
                for (slot, k) in idx[run..end].iter_mut().zip(tie.iter()) {
                    *slot = k.2;
                }
                self.sort_run(&mut idx[run..end], depth + 16, desc);
            } else {
                // equal strings: position order
                tie.sort_unstable_by_key(|k| k.2);
                for (slot, k) in idx[run..end].iter_mut().zip(tie.iter()) {
                    *slot = k.2;
                }
            }
            run = end;
        }
    }

    /// Byte frequencies over a sample of the column, to pick rare bytes.
    pub fn byte_stats(&self) -> ByteStats {
        let mut counts = [0u32; 256];
        // ~16 chunks of 4 KiB spread over the column are representative enough
        let step = (self.bytes.len().div_ceil(4096) / 16).max(1);
        for chunk in self.bytes.chunks(4096).step_by(step) {
            for &b in chunk {
                counts[b as usize] += 1;
            }
        }
        ByteStats(counts)
    }

    /// Whether item `i` contains `needle` (a non-empty word).
    pub fn item_contains(&self, i: usize, needle: &Needle<'_>) -> bool {
        let (s, word, rare_at) = (self.get(i), needle.bytes, needle.rare_at);
        if word.is_empty() {
            return true;
        }
        let mut pos = rare_at;
        while let Some(p) = find_byte(needle.rare, s, pos) {
            let start = p - rare_at;
            let Some(candidate) = s.get(start..start + word.len()) else {
                return false;
            };
            if candidate[needle.check_at] == needle.check && candidate == word {
                return true;
            }
            pos = p + 1;
        }
        false
    }

    /// Calls `hit(i)` once for every item that contains `needle`, in order.
    pub fn for_each_containing(&self, needle: &Needle<'_>, mut hit: impl FnMut(usize)) {
        let (hay, word, rare_at) = (&self.bytes[..], needle.bytes, needle.rare_at);
        let items = self.len();
        if word.is_empty() || items == 0 {
            return;
        }
        let mut item = 0;
        let mut pos = rare_at;
        while let Some(p) = find_byte(needle.rare, hay, pos) {
            let start = p - rare_at;
            while self.starts[item + 1] as usize <= start {
                item += 1;
            }
            let end = self.starts[item + 1] as usize;
            // the second-rarest byte first: most candidates fail there, and
            // it is cheaper than comparing the whole word
            if start + word.len() <= end
                && hay[start + needle.check_at] == needle.check
                && &hay[start..start + word.len()] == word
            {
                hit(item);
                item += 1;
                if item >= items {
                    return;
                }
                pos = self.starts[item] as usize + rare_at;
            } else {
                pos = p + 1;
            }
        }
    }
}

pub struct ByteStats([u32; 256]);

impl Default for ByteStats {
    fn default() -> Self {
        Self([0; 256])
    }
}

/// A query word prepared for scanning one column.
pub struct Needle<'a> {
    bytes: &'a [u8],
    /// The rarest byte of the word, which the scan looks for…
    rare: u8,
    rare_at: usize,
    /// …and the next rarest other byte, checked before the whole word.
    check: u8,
    check_at: usize,
}

impl<'a> Needle<'a> {
    pub fn new(word: &'a str, stats: &ByteStats) -> Self {
        let bytes = word.as_bytes();
        let rarest = |skip: Option<u8>| {
            (0..bytes.len()).filter(|&i| Some(bytes[i]) != skip).min_by_key(|&i| stats.0[bytes[i] as usize])
        };
        let rare_at = rarest(None).unwrap_or(0);
        let rare = bytes.get(rare_at).copied().unwrap_or(0);
        let check_at = rarest(Some(rare)).unwrap_or(rare_at);
        Self { bytes, rare, rare_at, check: bytes.get(check_at).copied().unwrap_or(0), check_at }
    }
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

const M7: u64 = 0x7F7F_7F7F_7F7F_7F7F;

/// 0x80 in each byte of `z` that is zero, exactly (no false positives).
fn zero_bytes(z: u64) -> u64 {
    !(((z & M7) + M7) | z | M7)
}

/// Lower-cases eight ASCII bytes (high bits all clear) at once.
#[cfg(test)]
fn ascii_lowercase_word(word: u64) -> u64 {
    lowercase_word(word).0
}

/// Lower-cases eight bytes that start at a character boundary, as far as
/// they are ASCII and two-byte Cyrillic that is already lower case (`а`..`я`,
/// `ѐ`..`џ`). Returns the bytes with ASCII `A`..`Z` lower-cased and how many
/// of them are done: up to the first other character (which the caller
/// handles on its own), or up to a lead byte in the last place, whose second
/// byte is in the next chunk.
fn lowercase_word(w: u64) -> (u64, usize) {
    let hi = w & HI;
    let ascii = w & M7;
    // high bit of each ASCII byte: byte >= 'A' and not byte > 'Z'
    let ge_a = ascii + LO * u64::from(0x80 - b'A');
    let gt_z = ascii + LO * u64::from(0x7F - b'Z');
    let upper = ge_a & !gt_z & HI & !hi;
    let lower = w | (upper >> 2); // 0x80 >> 2 == 0x20, the case bit
    if hi == 0 {
        return (lower, 8);
    }
    let d0 = zero_bytes(w ^ (LO * 0xD0));
    let d1 = zero_bytes(w ^ (LO * 0xD1));
    let continuation = hi & !(w << 1); // 10xx_xxxx
    let other_lead = hi & !(d0 | d1 | continuation);
    // bits 5 and 4 of each byte, moved to bit 7
    let (bit5, bit4) = ((w << 2) & HI, (w << 3) & HI);
    // after 0xD0 only 0xB0..=0xBF (а..п); after 0xD1 only 0x80..=0x9F (р..я, ѐ..џ)
    let bad_second = ((d0 << 8) & !(bit5 & bit4)) | ((d1 << 8) & bit5);
    let lead_last = (d0 | d1) & (0x80 << 56);
    let stop = other_lead | (bad_second >> 8) | lead_last;
    (lower, if stop == 0 { 8 } else { (stop.trailing_zeros() / 8) as usize })
}

/// First `byte` in `hay[from..]`, eight bytes at a time.
fn find_byte(byte: u8, hay: &[u8], from: usize) -> Option<usize> {
    let pattern = LO * u64::from(byte);
    let mut i = from;
    while i + 8 <= hay.len() {
        let word = u64::from_le_bytes(hay[i..i + 8].try_into().unwrap_or_default()) ^ pattern;
        // a zero byte in `word` is a match; the lowest flagged one is exact
        let zero = word.wrapping_sub(LO) & !word & HI;
        if zero != 0 {
            return Some(i + (zero.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    hay.get(i..)?.iter().position(|&b| b == byte).map(|k| i + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(items: &[&str]) -> TextColumn {
        let mut c = TextColumn::with_capacity(items.len(), 64);
        for s in items {
            c.push_lowercase(s);
        }
        c
    }

    fn containing(c: &TextColumn, word: &str) -> Vec<usize> {
        let stats = c.byte_stats();
        let mut out = vec![];
        c.for_each_containing(&Needle::new(word, &stats), |i| out.push(i));
        out
    }

    #[test]
    fn finds_items_not_spans_across_items() {
        let c = column(&["Мёд", "", "ab", "cМЁДc мёд", "a", "bмёд"]);
        assert_eq!(containing(&c, "мёд"), vec![0, 3, 5]);
        assert_eq!(containing(&c, "ab"), vec![2]);
        assert_eq!(containing(&c, "ba"), Vec::<usize>::new()); // "a" + "b" across items
        assert_eq!(containing(&c, "a"), vec![2, 4]);
    }

    #[test]
    fn lowercase_matches_std() {
        for s in ["ΟΔΟΣ ΟΔΟΣ.", "İstanbul", "ẞtraße", "МЁД Honey", "ǅ", "Мёд — партия", "İ ΟΔΟΣ", "—Σ", "ѠѡҊ Σ."]
        {
            let c = column(&[s]);
            assert_eq!(c.get_str(0), s.to_lowercase(), "{s}");
        }
    }

    #[test]
    fn lowercase_matches_std_for_every_char() {
        let all: Vec<char> = (0..=0x10FFFFu32).filter_map(char::from_u32).collect();
        for chunk in all.chunks(64) {
            let s: String = chunk.iter().collect();
            let c = column(&[&s]);
            assert_eq!(c.get_str(0), s.to_lowercase());
        }
    }

    #[test]
    fn lowercase_matches_std_for_cyrillic_and_ascii_mixes() {
        let alphabet: Vec<char> = "AZaz09 -—.ЀЏАЯаяѐџѠѡЁёМёдЖжЪъЮю\n"
            .chars()
            .chain((0x400..=0x47F).filter_map(char::from_u32))
            .chain(['@', '[', '`', '{', 'Σ', 'İ'])
            .collect();
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let s: String = (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
            let tail: String = s.chars().skip(len / 3).collect();
            let c = column(&[&s, &tail]);
            assert_eq!(c.get_str(0), s.to_lowercase(), "{s:?}");
            assert_eq!(c.get_str(1), tail.to_lowercase(), "{tail:?}");
        }
    }

    #[test]
    fn ascii_word_lowercase() {
        for start in 0..=120u8 {
            let bytes: [u8; 8] = std::array::from_fn(|k| start + k as u8);
            let got = ascii_lowercase_word(u64::from_le_bytes(bytes)).to_le_bytes();
            assert_eq!(got, bytes.map(|b| b.to_ascii_lowercase()));
        }
    }

    #[test]
    fn byte_search_agrees_with_naive() {
        let hay: Vec<u8> = (0..300u32).map(|i| (i * 7 % 13) as u8).collect();
        for byte in 0..14u8 {
            for from in [0, 1, 7, 8, 9, 290, 300] {
                let naive = hay[from..].iter().position(|&b| b == byte).map(|k| k + from);
                assert_eq!(find_byte(byte, &hay, from), naive, "{byte} {from}");
            }
        }
    }

    #[test]
    fn chunked_sort_matches_comparison_sort() {
        let words = [
            "b",
            "ab",
            "abc",
            "",
            "abcdefghijklmnopq",
            "abcdefghijklmnopa",
            "abcdefghijklmnop",
            "abcdefghijklmnop\0",
            "мёд алтайский — партия 2",
            "мёд алтайский — партия 10",
            "ab",
            "b",
            "мёд алтайский — партия 2",
            "abcdefghijklmnopq",
            "2025-03-04T00:00:00.000Z",
            "2025-03-04T00:00:00.000Z",
            "2025-03-04T00:00:01.000Z",
            "2025-03-04T00:00:00.000Z",
        ];
        let c = column(&words);
        for desc in [false, true] {
            let mut idx: Vec<u32> = (0..c.len() as u32).collect();
            c.sort_positions(&mut idx, desc);
            let mut expected: Vec<u32> = (0..c.len() as u32).collect();
            expected.sort_by(|&a, &b| {
                let o = c.cmp_items(a as usize, b as usize);
                if desc { o.reverse() } else { o }
            });
            assert_eq!(idx, expected, "desc={desc}");
        }
    }

    #[test]
    fn prefix_keys_order_like_strings() {
        let c = column(&["b", "ab", "abc", "", "abcdefghijklmnopq", "abcdefghijklmnopa"]);
        let mut idx: Vec<usize> = (0..c.len()).collect();
        idx.sort_by(|&a, &b| c.prefix_key(a).cmp(&c.prefix_key(b)).then(c.cmp_items(a, b)));
        assert_eq!(idx, vec![3, 1, 2, 5, 4, 0]);
    }
}
