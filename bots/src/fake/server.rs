//! What both fakes do to listen: bind (port 0 picks a free one), serve in the background, and
//! stop on request.

use std::net::SocketAddr;
use std::time::Duration;

use poem::Endpoint;
use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Binds `addr`; the address clients should use (`127.0.0.1` for an unspecified host).
pub async fn bind(addr: &str, what: &str) -> std::io::Result<(TcpAcceptor, SocketAddr)> {
    let acceptor = TcpListener::bind(addr.to_string()).into_acceptor().await?;
    let bound = acceptor
        .local_addr()
        .first()
        .and_then(|a| a.as_socket_addr().copied())
        .ok_or_else(|| std::io::Error::other(format!("the {what} listener has no socket address")))?;
    let addr = if bound.ip().is_unspecified() { SocketAddr::from(([127, 0, 0, 1], bound.port())) } else { bound };
    tracing::info!(%addr, "{what} listening");
    Ok((acceptor, addr))
}

/// A fake serving in the background; it keeps serving when dropped, until [`Listening::shutdown`].
pub struct Listening {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Listening {
    /// Serves `endpoint`; on shutdown, requests still open get `grace` to finish.
    pub fn start(acceptor: TcpAcceptor, addr: SocketAddr, endpoint: impl Endpoint + 'static, grace: Duration) -> Self {
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            poem::Server::new_with_acceptor(acceptor)
                .run_with_graceful_shutdown(endpoint, async move { drop(stopped.await) }, Some(grace))
                .await
        });
        Listening { addr, stop: Some(stop), task: Some(task) }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://host:port`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}
