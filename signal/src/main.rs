//! `signal`: parse the command line, set up logging, run.

use std::io::IsTerminal;

use clap::Parser;
use signal::cli::{Cli, Command};
use tokio::net::TcpListener;

fn main() -> std::process::ExitCode {
    signal::memory::configure();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,hyper=warn,warp=warn".into()),
        )
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::User(command) => match signal::admin::run(command, std::io::stdin().lock()) {
            Ok(text) => {
                println!("{text}");
                std::process::ExitCode::SUCCESS
            }
            Err(text) => {
                eprintln!("{text}");
                std::process::ExitCode::FAILURE
            }
        },
        Command::Serve(args) => {
            let runtime = tokio::runtime::Runtime::new().expect("cannot start the async runtime");
            match runtime.block_on(serve(args)) {
                Ok(()) => std::process::ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("signal: {e}");
                    std::process::ExitCode::FAILURE
                }
            }
        }
    }
}

async fn serve(args: Box<signal::cli::ServeArgs>) -> Result<(), Box<dyn std::error::Error>> {
    let listen = args.listen;
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    signal::run(listener, (*args).into_config(), shutdown_signal()).await?;
    Ok(())
}

/// Ctrl-C or SIGTERM (what service managers send).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
