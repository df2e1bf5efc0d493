//! AFL++ target: see statusgen::fuzz_targets::markdown.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        statusgen::fuzz_targets::markdown(data);
    });
}
