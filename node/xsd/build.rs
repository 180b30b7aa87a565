//! Links libxml2, found with pkg-config (Debian: `libxml2-dev`), and tells the code which
//! prototype `xmlSchemaInitTypes` has (`void` before 2.12, `int` from 2.12).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(libxml2_init_types_returns_int)");
    match pkg_config::Config::new()
        .atleast_version("2.9")
        .probe("libxml-2.0")
    {
        Ok(lib) => {
            let mut parts = lib
                .version
                .split('.')
                .map(|p| p.parse::<u32>().unwrap_or(0));
            let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
            if (major, minor) >= (2, 12) {
                println!("cargo::rustc-cfg=libxml2_init_types_returns_int");
            }
        }
        // A plain message instead of a panic backtrace: the fix is a package install.
        Err(e) => println!(
            "cargo::error=libxml2 (>= 2.9) not found by pkg-config; install libxml2-dev: {e}"
        ),
    }
}
