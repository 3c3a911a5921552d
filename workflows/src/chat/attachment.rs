//! Files attached to chat messages: images and PDFs up to a size limit, recognised by their
//! first bytes (never by the name or type the client claims), kept by an [`AttachmentStore`]
//! under an unguessable name; the message then carries the returned URL.

use super::access::room_for;
use super::message::MessageType;
use crate::Actor;
use crate::error::{DomainError, DomainResult};
use sqlx::PgPool;

/// Largest attachment.
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;

/// Where attachments are kept (a media folder served back over HTTP).
#[async_trait::async_trait]
pub trait AttachmentStore: Send + Sync {
    /// Stores `bytes` as `name` (a relative path); returns the URL it is served at.
    async fn put(&self, name: &str, bytes: &[u8]) -> Result<String, String>;
}

#[derive(Debug, Clone)]
pub struct Attachment {
    pub attachment_url: String,
    /// `image` or `file`: what the message carrying it should say.
    pub message_type: MessageType,
    pub content_type: &'static str,
    pub size: usize,
}

/// The kinds of file accepted: (leading bytes, extension, content type, message type).
const KINDS: [(&[u8], &str, &str, MessageType); 5] = [
    (b"\x89PNG\r\n\x1a\n", "png", "image/png", MessageType::Image),
    (b"\xff\xd8\xff", "jpg", "image/jpeg", MessageType::Image),
    (b"GIF8", "gif", "image/gif", MessageType::Image),
    (b"%PDF-", "pdf", "application/pdf", MessageType::File),
    (b"RIFF", "webp", "image/webp", MessageType::Image),
];

fn kind_of(bytes: &[u8]) -> Option<(&'static str, &'static str, MessageType)> {
    KINDS
        .iter()
        .find(|(magic, ext, ..)| bytes.starts_with(magic) && (*ext != "webp" || bytes.get(8..12) == Some(b"WEBP")))
        .map(|(_, ext, content_type, kind)| (*ext, *content_type, *kind))
}

/// Stores a file for a message in the room (its organizer, its participants, staff).
pub async fn attach(
    pool: &PgPool,
    store: &dyn AttachmentStore,
    actor: Actor,
    procurement_id: i64,
    bytes: &[u8],
) -> DomainResult<Attachment> {
    let mut conn = pool.acquire().await?;
    room_for(&mut conn, procurement_id, actor).await?;
    drop(conn);
    if bytes.is_empty() || bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(DomainError::invalid("file", format!("1 byte to {MAX_ATTACHMENT_BYTES} bytes")));
    }
    let (ext, content_type, message_type) =
        kind_of(bytes).ok_or_else(|| DomainError::invalid("file", "only PNG, JPEG, GIF, WebP images and PDF files"))?;
    let name = format!("chat/{procurement_id}/{}.{ext}", uuid::Uuid::new_v4().simple());
    let attachment_url = store.put(&name, bytes).await.map_err(DomainError::unavailable)?;
    Ok(Attachment { attachment_url, message_type, content_type, size: bytes.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_their_first_bytes() {
        assert_eq!(kind_of(b"\x89PNG\r\n\x1a\nrest").map(|k| k.0), Some("png"));
        assert_eq!(kind_of(b"%PDF-1.7").map(|k| k.2), Some(MessageType::File));
        assert_eq!(kind_of(b"RIFF\0\0\0\0WEBPVP8 ").map(|k| k.0), Some("webp"));
        assert_eq!(kind_of(b"RIFF\0\0\0\0WAVEfmt "), None);
        assert_eq!(kind_of(b"<html>"), None);
    }
}
