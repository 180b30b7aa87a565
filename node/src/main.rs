fn main() {
    println!("eidas-node {}", env!("CARGO_PKG_VERSION"));
}
