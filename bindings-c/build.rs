// librxon.so carries its SONAME, so programs linked against it ask for librxon.so.0.
fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,librxon.so.0");
}
