//! A fault-injecting TCP proxy between the workers and the orchestrator. Each chunk that
//! crosses it may be cut short (the connection then reset in both directions: mid-request or
//! mid-response) or delayed; a connection the orchestrator refuses (it is down) is reset at
//! once. Faults can be switched off for the run's last phase.

use crate::random::Seed;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};

/// Chance per chunk of each fault.
#[derive(Clone, Copy, Debug)]
pub struct Faults {
    pub cut_request: f64,
    pub cut_response: f64,
    pub delay: f64,
}

#[derive(Default, Debug)]
pub struct Counts {
    pub connections: AtomicU64,
    /// Connections reset because the orchestrator was not there.
    pub refused: AtomicU64,
    pub cut_requests: AtomicU64,
    pub cut_responses: AtomicU64,
    pub delays: AtomicU64,
}

pub struct Proxy {
    pub addr: SocketAddr,
    pub counts: Arc<Counts>,
    pub faulty: Arc<AtomicBool>,
}

pub async fn start(upstream: SocketAddr, faults: Faults, seed: u64) -> std::io::Result<Proxy> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let proxy = Proxy {
        addr: listener.local_addr()?,
        counts: Arc::default(),
        faulty: Arc::new(AtomicBool::new(true)),
    };
    let (counts, faulty) = (proxy.counts.clone(), proxy.faulty.clone());
    tokio::spawn(async move {
        let mut seeds = Seed::new(seed);
        loop {
            let Ok((client, _)) = listener.accept().await else {
                continue;
            };
            counts.connections.fetch_add(1, Ordering::Relaxed);
            let link = Link {
                faults,
                counts: counts.clone(),
                faulty: faulty.clone(),
            };
            tokio::spawn(link.carry(client, upstream, seeds.next()));
        }
    });
    Ok(proxy)
}

struct Link {
    faults: Faults,
    counts: Arc<Counts>,
    faulty: Arc<AtomicBool>,
}

#[derive(Clone, Copy)]
enum Direction {
    Request,
    Response,
}

impl Link {
    async fn carry(self, client: TcpStream, upstream: SocketAddr, seed: u64) {
        // A reset, not an orderly close, is what a cut or a dead peer looks like.
        let _ = client.set_zero_linger();
        let server = match TcpStream::connect(upstream).await {
            Ok(server) => server,
            Err(_) => {
                self.counts.refused.fetch_add(1, Ordering::Relaxed);
                return;
            }
        };
        let _ = server.set_zero_linger();
        let _ = (client.set_nodelay(true), server.set_nodelay(true));
        let (client_read, client_write) = client.into_split();
        let (server_read, server_write) = server.into_split();
        let (mut up, mut down) = (Seed::new(seed), Seed::new(seed.rotate_left(17)));
        // Whichever direction ends first (end of stream, error or a cut) ends both.
        tokio::select! {
            () = self.pump(client_read, server_write, Direction::Request, &mut up) => {}
            () = self.pump(server_read, client_write, Direction::Response, &mut down) => {}
        }
    }

    async fn pump(&self, mut from: OwnedReadHalf, mut to: OwnedWriteHalf, direction: Direction, seed: &mut Seed) {
        let mut buffer = vec![0u8; 16 * 1024];
        let (cut, cuts) = match direction {
            Direction::Request => (self.faults.cut_request, &self.counts.cut_requests),
            Direction::Response => (self.faults.cut_response, &self.counts.cut_responses),
        };
        loop {
            let n = match from.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            let faulty = self.faulty.load(Ordering::Relaxed);
            if faulty && seed.chance(cut) {
                let kept = seed.below(n as u64) as usize;
                let _ = to.write_all(&buffer[..kept]).await;
                cuts.fetch_add(1, Ordering::Relaxed);
                return;
            }
            if faulty && seed.chance(self.faults.delay) {
                self.counts.delays.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(seed.millis(10, 300)).await;
            }
            if to.write_all(&buffer[..n]).await.is_err() {
                return;
            }
        }
    }
}
