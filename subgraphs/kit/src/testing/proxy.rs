//! A TCP proxy a test can cut, to take one service's database away.

use std::sync::{Arc, Mutex};

use tokio::{net::TcpListener, task::JoinHandle};
use tokio_util::sync::CancellationToken;

/// A TCP forwarder that a test can cut and restore, to take a database "down" for one
/// service without touching the shared server.
pub struct CuttableProxy {
    pub port: u16,
    state: Arc<Mutex<CancellationToken>>,
    task: JoinHandle<()>,
}

impl CuttableProxy {
    pub async fn start(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let state = Arc::new(Mutex::new(CancellationToken::new()));
        let shared = Arc::clone(&state);
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let connection = shared.lock().expect("proxy state").clone();
                if connection.is_cancelled() {
                    continue; // cut: dropping the socket closes it
                }
                let target = target.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        () = connection.cancelled() => {}
                    }
                });
            }
        });
        Self { port, state, task }
    }

    /// Closes every open connection and refuses new ones.
    pub fn cut(&self) {
        self.state.lock().expect("proxy state").cancel();
    }

    /// Accepts connections again.
    pub fn restore(&self) {
        *self.state.lock().expect("proxy state") = CancellationToken::new();
    }
}

impl Drop for CuttableProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}
