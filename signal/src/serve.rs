//! Accepting connections: plain TCP or TLS, HTTP/1.1 with upgrades (for
//! the WebSocket), connection caps, and a graceful stop.
//!
//! warp 0.4 no longer terminates TLS itself, so connections are accepted
//! here and handed to hyper with warp's filter as the service. Doing the
//! accept loop ourselves also lets every request carry the peer address for
//! both plain and TLS connections alike, and the upgrade handle that `/ws`
//! needs to run its own WebSocket layer (see `ws::upgrade`).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use warp::Filter;
use warp::http::Request;
use warp::reply::Response;

use crate::capacity::{Capacity, Full, Permit};
use crate::client_addr::AddrKey;
use crate::config::TlsFiles;

/// The TCP peer of the connection a request came on; read by filters.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub SocketAddr);

/// The request's upgrade handle, for `/ws`. hyper keeps it in the request's
/// extensions where warp filters cannot take it (it is not `Clone`), so it
/// is moved into this shareable slot before warp sees the request.
#[derive(Clone, Default)]
pub struct UpgradeSlot(Arc<std::sync::Mutex<Option<OnUpgrade>>>);

impl UpgradeSlot {
    /// The handle, once; `None` if the request cannot be upgraded.
    pub fn take(&self) -> Option<OnUpgrade> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// Who may connect, and how long a connection may stay silent.
#[derive(Clone)]
pub struct Admission {
    /// Caps on open TCP connections.
    pub connections: Capacity,
    /// True for peers that are our own reverse proxies: everything comes
    /// through them, so they are not capped per address.
    pub is_proxy: Arc<dyn Fn(std::net::IpAddr) -> bool + Send + Sync>,
    /// A connection must send a complete request head within this time.
    pub request_head_timeout: Duration,
    /// Counts refused connections, by reason.
    pub refused: Arc<dyn Fn(Full) + Send + Sync>,
}

/// How long a client may take to finish the TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long open HTTP requests get to finish once a stop is asked for.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the TLS certificate {path}: {source}")]
    Cert {
        path: String,
        source: tokio_rustls::rustls::pki_types::pem::Error,
    },
    #[error("cannot read the TLS key {path}: {source}")]
    Key {
        path: String,
        source: tokio_rustls::rustls::pki_types::pem::Error,
    },
    #[error("the TLS certificate and key do not fit together: {0}")]
    Config(#[from] tokio_rustls::rustls::Error),
}

/// Loads PEM files into a TLS acceptor (HTTP/1.1 only: WebSocket upgrades
/// need it).
pub fn tls_acceptor(files: &TlsFiles) -> Result<TlsAcceptor, TlsError> {
    let display = |p: &Path| p.display().to_string();
    let certs = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|source| TlsError::Cert {
            path: display(&files.cert),
            source,
        })?;
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|source| TlsError::Key {
        path: display(&files.key),
        source,
    })?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Serves `filter` on `listener` until `shutdown` completes, then stops
/// accepting and gives open requests a moment to finish.
pub async fn serve<F>(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    admission: Admission,
    filter: F,
    shutdown: impl Future<Output = ()>,
) where
    F: Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static,
{
    // Tells open connections to finish their request and close.
    let (stop, stopping) = watch::channel(false);
    // Every connection task holds a clone; when all are gone, the
    // receiver sees the channel close: that is "drained".
    let (open, mut drained) = mpsc::channel::<()>(1);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Usually EMFILE: back off instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let counted = (!(admission.is_proxy)(peer.ip())).then(|| AddrKey::of(peer.ip()));
        let permit = match admission.connections.admit(counted) {
            Ok(permit) => Arc::new(permit),
            Err(full) => {
                // Closing at once (rather than leaving it in the backlog)
                // tells the client, and keeps the file for someone else.
                (admission.refused)(full);
                tracing::debug!(%peer, ?full, "connection refused: at capacity");
                drop(tcp);
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let service = TowerToHyperService::new(WithPeer {
            inner: warp::service(filter.clone()),
            peer: PeerAddr(peer),
            permit: ConnectionPermit(permit),
        });
        let tls = tls.clone();
        let head_timeout = admission.request_head_timeout;
        let (stopping, open) = (stopping.clone(), open.clone());
        tokio::spawn(async move {
            let _open = open;
            let result = match tls {
                None => serve_http1(TokioIo::new(tcp), service, head_timeout, stopping).await,
                Some(acceptor) => {
                    let stream =
                        match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(tcp))
                            .await
                        {
                            Ok(Ok(stream)) => stream,
                            Ok(Err(e)) => {
                                tracing::debug!(%peer, "TLS handshake failed: {e}");
                                return;
                            }
                            Err(_) => return,
                        };
                    serve_http1(TokioIo::new(stream), service, head_timeout, stopping).await
                }
            };
            if let Err(e) = result {
                tracing::debug!(%peer, "connection ended with an error: {e}");
            }
        });
    }
    drop(listener);
    let _ = stop.send(true);
    drop(open);
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, drained.recv()).await;
}

/// One HTTP/1.1 connection, upgrades allowed, until it ends or the server
/// stops. HTTP/1.1 only: browsers upgrade it to WebSockets, and hyper's
/// own HTTP/1 server starts the request-head timeout from the first moment
/// (hyper-util's version sniffing read had no timeout of its own, so a
/// client that sent nothing stayed connected forever).
async fn serve_http1<I, S>(
    io: I,
    service: S,
    head_timeout: Duration,
    mut stopping: watch::Receiver<bool>,
) -> Result<(), hyper::Error>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    S: hyper::service::HttpService<hyper::body::Incoming> + Send + 'static,
    S::Future: Send + 'static,
    S::ResBody: 'static,
    <S::ResBody as hyper::body::Body>::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(head_timeout);
    let conn = builder.serve_connection(io, service).with_upgrades();
    let mut conn = std::pin::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => return result,
        _ = stopping.wait_for(|stop| *stop) => {}
    }
    conn.as_mut().graceful_shutdown();
    conn.await
}

/// The connection's place under the caps, shared by the requests on it and
/// by the WebSocket it may become, so it is freed only when all are done.
#[derive(Clone)]
pub struct ConnectionPermit(pub Arc<Permit>);

/// Puts the peer address (and, for upgrades, the upgrade handle and the
/// connection's permit) into each request's extensions.
#[derive(Clone)]
struct WithPeer<S> {
    inner: S,
    peer: PeerAddr,
    permit: ConnectionPermit,
}

impl<S, B> tower_service::Service<Request<B>> for WithPeer<S>
where
    S: tower_service::Service<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        req.extensions_mut().insert(self.peer);
        if req.headers().contains_key(hyper::header::UPGRADE) {
            let upgrade = hyper::upgrade::on(&mut req);
            req.extensions_mut()
                .insert(UpgradeSlot(Arc::new(std::sync::Mutex::new(Some(upgrade)))));
            req.extensions_mut().insert(self.permit.clone());
        }
        self.inner.call(req)
    }
}
