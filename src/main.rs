// mimalloc: lowering allocates many small facts, and the system allocator costs about 6%
// of a whole run's instructions there (callgrind, 100k-line corpus).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // SAFETY: first thing in the process, before any parser exists.
    unsafe { sessionlint::frontend::allocator::use_mimalloc() };
    sessionlint::cli::main()
}
