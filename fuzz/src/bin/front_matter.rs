//! AFL++ target: see statusgen::fuzz_targets::front_matter.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        statusgen::fuzz_targets::front_matter(data);
    });
}
