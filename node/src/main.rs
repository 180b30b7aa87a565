//! `eidas-node`: args → subcommand (serve, check, keys generate, demo). See `cli`.

use std::process::ExitCode;

use clap::Parser;
use eidas_node::cli::{self, Cli, Command, KeysCommand};

fn main() -> ExitCode {
    let args = Cli::parse();
    cli::init_tracing(args.log_json);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match args.command {
            Command::Serve { config } => cli::serve(&config).await,
            Command::Check { config } => cli::check::run(&config).await,
            Command::Keys {
                command: KeysCommand::Generate(opts),
            } => cli::keys::generate(&opts),
            Command::Demo(opts) => cli::demo::run(&opts).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("eidas-node: {e:#}");
            ExitCode::FAILURE
        }
    }
}
