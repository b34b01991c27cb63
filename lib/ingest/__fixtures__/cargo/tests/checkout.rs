// An integration test: a second test binary, so the report holds two test suites.
#[test]
fn shows_the_total() {
    assert_eq!(shop::double(1), 2);
}
