//! The ceiling for heartbeat throughput: a bare axum server whose only work is parsing the
//! heartbeat JSON of `PATCH /_worker/workers/{id}` and answering `{}`. No RXON logic.
//!
//!     cargo run --release -p rxon-core --example bare_axum -- --bind 127.0.0.1:PORT

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::patch;

async fn heartbeat(body: Bytes) -> (StatusCode, &'static str) {
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(_) => (StatusCode::OK, "{}"),
        Err(_) => (StatusCode::BAD_REQUEST, "{\"error\":\"bad json\"}"),
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let bind = match (args.next().as_deref(), args.next()) {
        (Some("--bind"), Some(bind)) => bind,
        _ => {
            eprintln!("usage: bare_axum --bind HOST:PORT");
            std::process::exit(2);
        }
    };
    let app = Router::new().route("/_worker/workers/{worker_id}", patch(heartbeat));
    let listener = match tokio::net::TcpListener::bind(&bind).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("bare_axum: {err}");
            std::process::exit(1);
        }
    };
    println!("listening on {bind}");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(err) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
        eprintln!("bare_axum: {err}");
    }
}
