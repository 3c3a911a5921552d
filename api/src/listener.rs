//! The server's TCP listener, with Nagle's algorithm off on every accepted connection: chat and
//! notification frames are small writes that must leave at once, not wait for the previous
//! segment's acknowledgement (which a peer may delay by up to 40 ms).

use poem::http::uri::Scheme;
use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use poem::web::{LocalAddr, RemoteAddr};
use std::io::Result;
use tokio::net::TcpStream;

/// Accepts like [`TcpAcceptor`], with `TCP_NODELAY` set on each connection.
pub struct NoDelayAcceptor(TcpAcceptor);

/// Binds `addr` (`host:port`).
pub async fn bind(addr: &str) -> Result<NoDelayAcceptor> {
    Ok(NoDelayAcceptor(TcpListener::bind(addr.to_string()).into_acceptor().await?))
}

impl Acceptor for NoDelayAcceptor {
    type Io = TcpStream;

    fn local_addr(&self) -> Vec<LocalAddr> {
        self.0.local_addr()
    }

    async fn accept(&mut self) -> Result<(TcpStream, LocalAddr, RemoteAddr, Scheme)> {
        let (io, local, remote, scheme) = self.0.accept().await?;
        // a socket that cannot take the option still works, only with Nagle's delays
        let _ = io.set_nodelay(true);
        Ok((io, local, remote, scheme))
    }
}
