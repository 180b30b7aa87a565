//! Serving a router on an already bound listener until Ctrl-C or SIGTERM (house-style H6.7).

use axum::Router;
use tokio::net::TcpListener;

/// Prints `listening on http://ADDR` (tests read this line), then serves until a shutdown signal.
pub async fn serve(listener: TcpListener, app: Router) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    tracing::info!(%addr, "listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(eidas_node::app::shutdown_signal())
        .await
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
