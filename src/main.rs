use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let paths: Vec<PathBuf> = std::env::args_os().skip(2).map(PathBuf::from).collect();
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    };
    let settings = sessionlint::run::Settings::default();
    match sessionlint::run::check_paths(&paths, &settings) {
        Ok(outcome) => {
            let cwd = std::env::current_dir().unwrap_or_default();
            let mut out = std::io::stdout().lock();
            let _ = sessionlint::report::json::write(&outcome, &cwd, &mut out);
            if outcome.findings.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(missing) => {
            eprintln!("error: path does not exist: {}", missing.0.display());
            ExitCode::from(2)
        }
    }
}
