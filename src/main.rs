//! The `lexgate` command. All the work is in the library; the command parses
//! arguments, prints, and chooses the exit code.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
