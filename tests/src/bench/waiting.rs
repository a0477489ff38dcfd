//! Lifeline customers that joined with a PIN and wait for their technician:
//! what a waiting session costs the server. Held in this process (each
//! needs a PIN from a signed-in technician over HTTP), by tasks that keep
//! reading, so they answer the server's pings and stay connected.

use std::sync::Arc;
use std::time::Duration;

use protocol::{ClientMessage, ServerMessage};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::api::TechnicianClient;
use crate::server::Server;
use crate::{Result, socket};

/// `count` customers joined and waiting, spread over `technicians` in
/// turn, `concurrency` joining at a time. Dropping the set closes them.
pub async fn open(
    server: &Server,
    technicians: &[Arc<TechnicianClient>],
    count: usize,
    concurrency: usize,
) -> Result<JoinSet<()>> {
    if technicians.is_empty() {
        return Err("waiting customers need a technician".into());
    }
    let gate = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut joining: JoinSet<Result<socket::Socket>> = JoinSet::new();
    for i in 0..count {
        let tech = technicians[i % technicians.len()].clone();
        let (ws, gate) = (server.ws_url(), gate.clone());
        joining.spawn(async move {
            let _permit = gate.acquire_owned().await?;
            let pin = tech.new_pin(None).await?;
            let mut customer = socket::connect(&ws, Some(&tech.origin()), None).await?;
            customer
                .send(&ClientMessage::Join {
                    pin: pin.pin.as_str().to_owned(),
                    name: format!("Idle customer {i}"),
                    key: None,
                })
                .await?;
            customer
                .recv_until(Duration::from_secs(30), |f| {
                    matches!(f, ServerMessage::Joined { .. }).then_some(())
                })
                .await?;
            Ok(customer)
        });
    }
    let mut idlers = JoinSet::new();
    while let Some(joined) = joining.join_next().await {
        let customer = joined??;
        idlers.spawn(customer.idle());
    }
    Ok(idlers)
}
