package cognition

import "testing"

func TestVersionMatchesTheHeader(t *testing.T) {
	if got := Version(); got != headerVersion {
		t.Fatalf("linked library %s, header %s: rebuild target/release/libcognition.a", got, headerVersion)
	}
}
