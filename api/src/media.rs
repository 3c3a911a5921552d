//! Chat attachments on disk: the media folder, served back at `/media/`.

use std::path::PathBuf;
use workflows::chat::AttachmentStore;

pub struct MediaFolder(pub PathBuf);

#[async_trait::async_trait]
impl AttachmentStore for MediaFolder {
    async fn put(&self, name: &str, bytes: &[u8]) -> Result<String, String> {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(|e| format!("media folder: {e}"))?;
        }
        tokio::fs::write(&path, bytes).await.map_err(|e| format!("storing an attachment: {e}"))?;
        Ok(format!("/media/{name}"))
    }
}
