//! Links libxml2, found with pkg-config (Debian: `libxml2-dev`).

fn main() {
    if let Err(e) = pkg_config::Config::new()
        .atleast_version("2.9")
        .probe("libxml-2.0")
    {
        // A plain message instead of a panic backtrace: the fix is a package install.
        println!("cargo::error=libxml2 (>= 2.9) not found by pkg-config; install libxml2-dev: {e}");
    }
}
