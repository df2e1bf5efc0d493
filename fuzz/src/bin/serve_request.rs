//! AFL++ target: see statusgen::fuzz_targets::serve_request.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        statusgen::fuzz_targets::serve_request(data);
    });
}
