//! Staff passwords: argon2id with a random salt, stored as a PHC string.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use password_hash::rand_core::OsRng;

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail")
        .to_string()
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        let phc = super::hash_password("s3cret");
        assert!(super::verify_password("s3cret", &phc));
        assert!(!super::verify_password("wrong", &phc));
        assert!(!super::verify_password("s3cret", "garbage"));
    }
}
