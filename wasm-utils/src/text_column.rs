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
        if s.contains('Σ') {
            // the final-sigma rule depends on context: let std handle it
            self.bytes.extend_from_slice(s.to_lowercase().as_bytes());
            self.end_item();
            return;
        }
        // Fast path: ASCII and U+0400–U+045F keep their UTF-8 length when
        // lower-cased, so write in place into `s.len()` reserved bytes.
        let b = s.as_bytes();
        let start = self.bytes.len();
        self.bytes.resize(start + b.len(), 0);
        let out = &mut self.bytes[start..];
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c < 0x80 {
                // eight ASCII bytes at a time when possible
                if let Some(chunk) = b.get(i..i + 8) {
                    let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
                    if word & HI == 0 {
                        out[i..i + 8].copy_from_slice(&ascii_lowercase_word(word).to_le_bytes());
                        i += 8;
                        continue;
                    }
                }
                out[i] = c.to_ascii_lowercase();
                i += 1;
            } else if (c == 0xD0 || c == 0xD1) && i + 1 < b.len() {
                let cp = (u32::from(c & 0x1F) << 6) | u32::from(b[i + 1] & 0x3F);
                let lower = match cp {
                    0x400..=0x40F => cp + 0x50, // Ѐ..Џ → ѐ..џ
                    0x410..=0x42F => cp + 0x20, // А..Я → а..я
                    0x430..=0x45F => cp,
                    _ => break,
                };
                out[i] = 0xC0 | (lower >> 6) as u8;
                out[i + 1] = 0x80 | (lower & 0x3F) as u8;
                i += 2;
            } else {
                break;
            }
        }
        if i < b.len() {
            // anything else: per character through the Unicode tables
            self.bytes.truncate(start + i);
            let mut buf = [0u8; 4];
            for lower in s[i..].chars().flat_map(char::to_lowercase) {
                self.bytes.extend_from_slice(lower.encode_utf8(&mut buf).as_bytes());
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

    fn sort_run(&self, idx: &mut [u32], depth: usize, desc: bool) {
        if idx.len() < 2 {
            return;
        }
        let mut keyed: Vec<(u128, u8, u32)> = idx
            .iter()
            .map(|&i| {
                let (key, len) = self.chunk_key(i as usize, depth);
                (key, len, i)
            })
            .collect();
        keyed.sort_unstable_by(|a, b| {
            let o = (a.0, a.1).cmp(&(b.0, b.1));
            (if desc { o.reverse() } else { o }).then(a.2.cmp(&b.2))
        });
        for (slot, k) in idx.iter_mut().zip(&keyed) {
            *slot = k.2;
        }
        let mut run = 0;
        while run < keyed.len() {
            let mut end = run + 1;
            while end < keyed.len() && (keyed[end].0, keyed[end].1) == (keyed[run].0, keyed[run].1) {
                end += 1;
            }
            // a full chunk may continue: order the tie by the next one
            if end - run > 1 && keyed[run].1 == 16 {
                self.sort_run(&mut idx[run..end], depth + 16, desc);
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
            if start + word.len() <= end && &hay[start..start + word.len()] == word {
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
    rare: u8,
    rare_at: usize,
}

impl<'a> Needle<'a> {
    pub fn new(word: &'a str, stats: &ByteStats) -> Self {
        let bytes = word.as_bytes();
        let rare_at = (0..bytes.len()).min_by_key(|&i| stats.0[bytes[i] as usize]).unwrap_or(0);
        Self { bytes, rare: bytes.get(rare_at).copied().unwrap_or(0), rare_at }
    }
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Lower-cases eight ASCII bytes (high bits all clear) at once.
fn ascii_lowercase_word(word: u64) -> u64 {
    // high bit of each byte: byte >= 'A', byte > 'Z'
    let ge_a = word + LO * u64::from(0x80 - b'A');
    let gt_z = word + LO * u64::from(0x7F - b'Z');
    let upper = ge_a & !gt_z & HI;
    word | (upper >> 2) // 0x80 >> 2 == 0x20, the case bit
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
        for s in ["ΟΔΟΣ ΟΔΟΣ.", "İstanbul", "ẞtraße", "МЁД Honey", "ǅ"] {
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
