//! `eidas-node`: args → subcommand (serve, check, keys generate, demo, trust …). See `cli`.

use std::process::ExitCode;

use clap::Parser;
use eidas_node::cli::{self, AuditCommand, Cli, Command, KeysCommand, TrustCommand};

fn main() -> ExitCode {
    let args = Cli::parse();
    cli::init_tracing(if args.log_json {
        cli::LogFormat::Json
    } else {
        args.log_format
    });
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
    // `check` exits 0 when clean, 2 with warnings only, 1 on any problem.
    let result = runtime.block_on(async {
        match args.command {
            Command::Serve { config } => cli::serve(&config).await.map(|()| 0),
            Command::Check { config } => cli::check::run(&config).await.map(|v| match v {
                cli::check::Verdict::Clean => 0,
                cli::check::Verdict::Warnings => 2,
            }),
            Command::Keys {
                command: KeysCommand::Generate(opts),
            } => cli::keys::generate(&opts).map(|()| 0),
            Command::Keys {
                command: KeysCommand::Status(opts),
            } => cli::keys::status(&opts),
            Command::Keys {
                command: KeysCommand::Import(opts),
            } => cli::keys::import(&opts).map(|()| 0),
            Command::Keys {
                command: KeysCommand::Plan(opts),
            } => cli::keys::plan(&opts).map(|()| 0),
            Command::Demo(opts) => cli::demo::run(&opts).await.map(|()| 0),
            Command::Audit {
                command: AuditCommand::Verify { files, stream },
            } => match eidas_node::audit::verify(&files, stream) {
                Ok(v) if v.restarts.is_empty() => {
                    println!("{} events, chain intact", v.events);
                    Ok(0)
                }
                Ok(v) => {
                    let starts: Vec<String> = v
                        .restarts
                        .iter()
                        .map(|(f, l)| format!("{}:{l}", f.display()))
                        .collect();
                    println!(
                        "{} events in {} chains, each intact; a new chain (a restarted process) starts at {}",
                        v.events,
                        v.restarts.len() + 1,
                        starts.join(", ")
                    );
                    Ok(0)
                }
                Err(b) => {
                    println!("chain broken at {}:{}: {}", b.file.display(), b.line, b.why);
                    Ok(1)
                }
            },
            Command::Trust { command } => {
                use cli::trust::Ask;
                let (opts, ask) = match &command {
                    TrustCommand::Status(o) => (o, Ask::Status),
                    TrustCommand::History(o) => (o, Ask::History),
                    TrustCommand::Refresh(o) => (o, Ask::Refresh),
                    TrustCommand::Diff(o) => (&o.common, Ask::Diff(o.version.as_deref())),
                    TrustCommand::Approve(o) => (&o.common, Ask::Approve(&o.version)),
                    TrustCommand::Reject(o) => (&o.common, Ask::Reject(&o.version)),
                    TrustCommand::Rollback(o) => (&o.common, Ask::Rollback(&o.version)),
                    TrustCommand::ApproveList(o) => {
                        (&o.common, Ask::ApproveList(&o.list, &o.digest))
                    }
                };
                cli::trust::run(opts, ask).await.map(|()| 0)
            }
        }
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("eidas-node: {e:#}");
            ExitCode::FAILURE
        }
    }
}
