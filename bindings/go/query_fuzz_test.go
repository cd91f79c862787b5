package cognition_test

import (
	"errors"
	"regexp"
	"strconv"
	"testing"
	"unicode/utf8"

	cognition "github.com/cognition-core/cognition-core/bindings/go"
)

var (
	fingerprintIDForm = regexp.MustCompile(`^[0-9a-f]{16}$`)
	queryIDForm       = regexp.MustCompile(`^0x[0-9A-F]{32}$`)
	queryKinds        = map[cognition.QueryKind]bool{
		cognition.QueryKindSelect: true, cognition.QueryKindJoin: true, cognition.QueryKindAggregate: true,
		cognition.QueryKindInsert: true, cognition.QueryKindUpdate: true, cognition.QueryKindDelete: true,
		cognition.QueryKindDDL: true, cognition.QueryKindOther: true,
	}
)

// FuzzFingerprint feeds arbitrary text to Fingerprint: it must never crash; valid UTF-8 always
// gets a well-formed, deterministic fingerprint whose id FingerprintID agrees with, and invalid
// UTF-8 is CodeInvalidUTF8 and nothing else. `go test` runs the seeds (every
// query_fingerprint vector); `go test -fuzz FuzzFingerprint` explores further.
func FuzzFingerprint(f *testing.F) {
	for _, c := range loadFingerprintVectors(f).Cases {
		f.Add(c.SQL)
	}
	f.Add("SELECT '\xff'")
	f.Add("/* unterminated")
	f.Fuzz(func(t *testing.T, sql string) {
		fp, err := cognition.Fingerprint(sql)
		if !utf8.ValidString(sql) {
			if !errors.Is(err, cognition.ErrInvalidUTF8) {
				t.Fatalf("invalid UTF-8 gave %v, want INVALID_UTF8", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("valid UTF-8 failed: %v", err)
		}
		if !fingerprintIDForm.MatchString(fp.ID) || !queryIDForm.MatchString(fp.QueryID) || !queryKinds[fp.Kind] {
			t.Fatalf("malformed fingerprint %+v", fp)
		}
		again, err := cognition.Fingerprint(sql)
		if err != nil || again != fp {
			t.Fatalf("not deterministic: %+v then %+v (%v)", fp, again, err)
		}
		id, err := cognition.FingerprintID(sql)
		if err != nil || strconv.FormatUint(id, 16) != trimZeros(fp.ID) {
			t.Fatalf("FingerprintID %x (%v) disagrees with %s", id, err, fp.ID)
		}
	})
}

func trimZeros(hex string) string {
	for len(hex) > 1 && hex[0] == '0' {
		hex = hex[1:]
	}
	return hex
}
