//! The `lexgate` command. All the work is in the library; the command parses
//! arguments, prints, and chooses the exit code.

mod cli;

/// Loading a large suite is mostly small allocations; mimalloc makes them
/// markedly cheaper than the system allocator (README, "Performance").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
