fn main() -> std::process::ExitCode {
    sessionlint::cli::main()
}
