//! `messages.send`'s `random_id`: VK does not send a message twice to one peer with the same
//! `random_id`, so deriving it from the message's key (unique per message meant to be sent
//! once) makes a retry, or a second process handling the same update, harmless.

/// FNV-1a (64 bits), folded to a positive int32 (VK's type); never 0, which VK takes as
/// "no deduplication". A fixed, documented hash: the value must not change between builds.
pub fn random_id(key: &str) -> i32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let folded = ((hash >> 32) ^ hash) as u32 & 0x7fff_ffff;
    folded.max(1) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_positive_and_distinct() {
        assert_eq!(random_id("vk:abc:0"), random_id("vk:abc:0"));
        assert_ne!(random_id("vk:abc:0"), random_id("vk:abc:1"));
        // Pinned: a change of hash would resend every message retried across an upgrade.
        assert_eq!(random_id(""), 0x4fd0_bfc1);
        assert!((0..1000).map(|i| random_id(&format!("k{i}"))).all(|id| id > 0));
    }
}
