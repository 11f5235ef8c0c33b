//! The fitpool command line.
fn main() {
    eprintln!("fitpool: not built yet");
    std::process::exit(2);
}
