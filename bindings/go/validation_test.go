package cognition_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	cognition "github.com/cognition-core/cognition-core/bindings/go"
)

// The shared cases in tests/vectors/validation.json, run by every face.
type validationVectors struct {
	Cases []struct {
		Name     string `json:"name"`
		Level    string `json:"level"`
		Source   string `json:"source"`
		Expected []struct {
			Rule string `json:"rule"`
			Line int    `json:"line"`
		} `json:"expected"`
	} `json:"cases"`
}

func loadValidationVectors(t testing.TB) validationVectors {
	var v validationVectors
	loadJSON(t, "validation.json", &v)
	if len(v.Cases) < 80 {
		t.Fatalf("only %d validation cases", len(v.Cases))
	}
	return v
}

// ruleLines is a report's findings as "RULE@line", the form the vectors compare.
func ruleLines(r *cognition.ValidationReport) []string {
	out := []string{}
	for _, i := range r.Issues {
		out = append(out, i.Rule+"@"+strconv.Itoa(i.Line))
	}
	return out
}

// A nonexistent interpreter: any attempt to run tests fails with VALIDATION_TEST_RUNNER.
const noPython = "/nonexistent/cognition/python3"

const injection = "import os\nq = 'SELECT * FROM t WHERE id = %s' % uid\nos.system(q)  \n"

func TestValidationVectors(t *testing.T) {
	for _, c := range loadValidationVectors(t).Cases {
		report, err := cognition.Validate(c.Source, cognition.WithLevel(cognition.Level(c.Level)))
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		want := []string{}
		for _, e := range c.Expected {
			want = append(want, e.Rule+"@"+strconv.Itoa(e.Line))
		}
		if got := ruleLines(report); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v, want %v", c.Name, got, want)
		}
	}
}

func TestValidateDecodesEveryFieldOfTheReport(t *testing.T) {
	report, err := cognition.Validate(injection, cognition.WithLevel(cognition.LevelStrict), cognition.WithFilename("app.py"))
	if err != nil {
		t.Fatal(err)
	}
	if report.Filename != "app.py" || report.Level != cognition.LevelStrict || report.Lines != 3 {
		t.Errorf("header fields: %+v", report)
	}
	// S608 (CRITICAL, 25), S605 (HIGH, 10), W291 (LOW, 1): the documented weights.
	if report.Score != 100-25-10-1 || report.Passed {
		t.Errorf("score %d passed %v, want 64 and false", report.Score, report.Passed)
	}
	wantCounts := map[cognition.Severity]int{cognition.SeverityCritical: 1, cognition.SeverityHigh: 1,
		cognition.SeverityMedium: 0, cognition.SeverityLow: 1, cognition.SeverityInfo: 0}
	if !reflect.DeepEqual(report.Counts, wantCounts) {
		t.Errorf("counts %v, want %v", report.Counts, wantCounts)
	}
	first := report.Issues[0]
	if first.Rule != "S608" || first.Severity != cognition.SeverityCritical || first.Line != 2 || first.Fixable {
		t.Errorf("first issue %+v", first)
	}
	if first.Column < 1 || first.EndLine < first.Line || (first.EndLine == first.Line && first.EndColumn <= first.Column) || first.Message == "" {
		t.Errorf("first issue range or message %+v", first)
	}
	last := report.Issues[len(report.Issues)-1]
	if last.Rule != "W291" || !last.Fixable || last.Column != 13 {
		t.Errorf("trailing whitespace issue %+v", last)
	}
	var raw map[string]any
	if err := json.Unmarshal(report.Raw, &raw); err != nil || raw["filename"] != "app.py" || raw["score"] != float64(64) {
		t.Errorf("raw JSON %s (%v)", report.Raw, err)
	}
}

func TestValidateTakesStringsAndBytesAlike(t *testing.T) {
	fromString, err1 := cognition.Validate(injection, cognition.WithLevel(cognition.LevelStrict))
	fromBytes, err2 := cognition.Validate([]byte(injection), cognition.WithLevel(cognition.LevelStrict))
	type named []byte
	fromNamed, err3 := cognition.Validate(named(injection), cognition.WithLevel(cognition.LevelStrict))
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromString, fromBytes) || !reflect.DeepEqual(fromString, fromNamed) {
		t.Errorf("string %+v\nbytes %+v\nnamed %+v", fromString, fromBytes, fromNamed)
	}
}

func TestValidateDefaultsToStandardAnd88Characters(t *testing.T) {
	line := "x = '" + strings.Repeat("a", 85) + "'\n" // 91 characters
	report, err := cognition.Validate(line)
	if err != nil {
		t.Fatal(err)
	}
	if report.Level != cognition.LevelStandard || report.Filename != "<string>" || !reflect.DeepEqual(ruleLines(report), []string{"E501@1"}) {
		t.Errorf("defaults: %+v", report)
	}
	wide, err := cognition.Validate(line, cognition.WithMaxLineLength(100))
	if err != nil || len(wide.Issues) != 0 {
		t.Errorf("a 100-character limit still reports %v (%v)", wide, err)
	}
}

func TestValidateOptionsOutOfRangeAreTypedErrors(t *testing.T) {
	cases := map[string]struct {
		opt       cognition.ValidateOption
		want      error
		testsOnly bool // checked only when there are tests to run
	}{
		"unknown level":           {cognition.WithLevel("extreme"), cognition.ErrValidationUnknownLevel, false},
		"negative line length":    {cognition.WithMaxLineLength(-1), cognition.ErrInvalidArgument, false},
		"huge line length":        {cognition.WithMaxLineLength(1 << 40), cognition.ErrInvalidArgument, false},
		"negative test timeout":   {cognition.WithTestTimeout(-1), cognition.ErrInvalidArgument, false},
		"test timeout over a day": {cognition.WithTestTimeout(25 * time.Hour), cognition.ErrInvalidArgument, true},
		"invalid UTF-8 name":      {cognition.WithFilename("\xff.py"), cognition.ErrInvalidUTF8, false},
	}
	withTests := []cognition.ValidateOption{cognition.WithTests("def test_x(): pass\n"), cognition.WithPython(noPython)}
	for name, c := range cases {
		report, err := cognition.Validate("x = 1\n", append(withTests, c.opt)...)
		if !errors.Is(err, c.want) || report != nil {
			t.Errorf("%s, with tests: got %v, %v; want %v", name, report, err, c.want)
		}
		if c.testsOnly {
			continue
		}
		report, err = cognition.Validate("x = 1\n", c.opt)
		if !errors.Is(err, c.want) || report != nil {
			t.Errorf("%s: got %v, %v; want %v", name, report, err, c.want)
		}
	}
}

func TestValidateSARIFIsALogOfTheSameFindings(t *testing.T) {
	sarif, err := cognition.ValidateSARIF("eval(x)\n", cognition.WithLevel(cognition.LevelStrict), cognition.WithFilename("app.py"))
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					Physical struct {
						Artifact struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(sarif, &log); err != nil {
		t.Fatalf("%v: %s", err, sarif)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) != 1 {
		t.Fatalf("unexpected log %s", sarif)
	}
	result := log.Runs[0].Results[0]
	if result.RuleID != "S307" || result.Locations[0].Physical.Artifact.URI != "app.py" {
		t.Errorf("result %+v", result)
	}
	if _, err := cognition.ValidateSARIF([]byte{0xff}); !errors.Is(err, cognition.ErrValidationInvalidUTF8) {
		t.Errorf("invalid UTF-8 gave %v", err)
	}
}

func TestFixRepairsWhitespaceAndRevalidates(t *testing.T) {
	fixed, err := cognition.Fix("if x:\n\ty = 1   \n  \nz = 2", cognition.WithFilename("app.py"))
	if err != nil {
		t.Fatal(err)
	}
	if fixed.Source != "if x:\n        y = 1\n\nz = 2\n" {
		t.Errorf("fixed source %q", fixed.Source)
	}
	var rules []string
	for _, i := range fixed.Applied {
		rules = append(rules, i.Rule)
	}
	if !reflect.DeepEqual(rules, []string{"W191", "W291", "W293", "W292"}) {
		t.Errorf("applied %v", rules)
	}
	if fixed.Report.Filename != "app.py" || len(fixed.Report.Issues) != 0 || !fixed.Report.Passed || len(fixed.Report.Raw) == 0 {
		t.Errorf("report of the fixed source %+v", fixed.Report)
	}
	again, err := cognition.Fix(fixed.Source)
	if err != nil || again.Source != fixed.Source || len(again.Applied) != 0 {
		t.Errorf("fixing twice changed something: %+v (%v)", again, err)
	}
	if empty, err := cognition.Fix(""); err != nil || empty.Source != "" || len(empty.Applied) != 0 {
		t.Errorf("fixing nothing: %+v (%v)", empty, err)
	}
	if _, err := cognition.Fix([]byte("x = '\xff'\n")); !errors.Is(err, cognition.ErrValidationInvalidUTF8) {
		t.Errorf("invalid UTF-8 gave %v", err)
	}
}

func TestValidatePathsWalksDirectoriesInPathOrder(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	a := write("a.py", "eval(x)\n")
	bad := write("b_latin1.py", "s = '\xe9'\n")
	nested := write("pkg/mod.py", "import pickle\npickle.loads(data)\n")
	write(".venv/hidden.py", "eval(x)\n")
	write("notes.txt", "eval(x)\n")

	reports, err := cognition.ValidatePaths([]string{dir}, cognition.WithLevel(cognition.LevelStrict))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range reports {
		paths = append(paths, r.Path)
	}
	if !reflect.DeepEqual(paths, []string{a, bad, nested}) {
		t.Fatalf("paths %v", paths)
	}
	if r := reports[0]; r.Err != nil || r.Report.Filename != a || !reflect.DeepEqual(ruleLines(r.Report), []string{"S307@1"}) {
		t.Errorf("a.py: %+v %v", r.Report, r.Err)
	}
	if r := reports[1]; r.Report != nil || !errors.Is(r.Err, cognition.ErrValidationInvalidUTF8) {
		t.Errorf("a Latin-1 file: %+v %v", r.Report, r.Err)
	}
	if r := reports[2]; r.Err != nil || !reflect.DeepEqual(ruleLines(r.Report), []string{"S301@2"}) {
		t.Errorf("pkg/mod.py: %+v %v", r.Report, r.Err)
	}

	if _, err := cognition.ValidatePaths([]string{filepath.Join(dir, "missing.py")}); !errors.Is(err, cognition.ErrValidationPathIO) {
		t.Errorf("a missing path gave %v", err)
	}
	if got, err := cognition.ValidatePaths(nil); err != nil || len(got) != 0 {
		t.Errorf("no paths gave %v, %v", got, err)
	}
	if _, err := cognition.ValidatePaths([]string{"\xff.py"}); !errors.Is(err, cognition.ErrInvalidUTF8) {
		t.Errorf("an invalid UTF-8 path gave %v", err)
	}
	if _, err := cognition.ValidatePaths([]string{dir}, cognition.WithLevel("extreme")); !errors.Is(err, cognition.ErrValidationUnknownLevel) {
		t.Errorf("an unknown level gave %v", err)
	}
}

func TestValidateBadInputGetsAResultOrATypedError(t *testing.T) {
	strict := cognition.WithLevel(cognition.LevelStrict)

	empty, err := cognition.Validate("", strict)
	if err != nil || empty.Score != 100 || !empty.Passed || len(empty.Issues) != 0 {
		t.Errorf("empty source: %+v (%v)", empty, err)
	}
	garbage := make([]byte, 4096)
	rand.New(rand.NewSource(8)).Read(garbage)
	if _, err := cognition.Validate(garbage, strict); !errors.Is(err, cognition.ErrValidationInvalidUTF8) {
		t.Errorf("binary garbage gave %v", err)
	}
	controls := strings.Map(func(r rune) rune { return r % 0x20 }, string(bytes.Repeat([]byte("garbage"), 100)))
	if r, err := cognition.Validate(controls, strict); err != nil || len(r.Issues) == 0 || r.Issues[0].Rule != "E999" || r.Passed {
		t.Errorf("control-character garbage: %+v (%v)", r, err)
	}
	if _, err := cognition.Validate("x = '\xc3\x28'\n", strict); !errors.Is(err, cognition.ErrValidationInvalidUTF8) {
		t.Errorf("invalid UTF-8 gave %v", err)
	}

	// Like CPython's tokenizer, the 201st nested bracket is "too many nested parentheses".
	nested := "x = " + strings.Repeat("(", 10000) + "1" + strings.Repeat(")", 10000) + "\n"
	if r, err := cognition.Validate(nested, strict); err != nil || r.Counts[cognition.SeverityCritical] != 1 {
		t.Errorf("10,000 nested parentheses: %v (%v)", r.Issues, err)
	}
	limit := "x = " + strings.Repeat("(", 200) + "1" + strings.Repeat(")", 200) + "\n"
	if r, err := cognition.Validate(limit, strict); err != nil || r.Counts[cognition.SeverityCritical] != 0 {
		t.Errorf("200 nested parentheses: %v (%v)", r.Issues, err)
	}
	huge := "x = '" + strings.Repeat("a", 10<<20) + "'\n"
	if r, err := cognition.Validate(huge, strict); err != nil || !reflect.DeepEqual(ruleLines(r), []string{"E501@1"}) {
		t.Errorf("a 10 MB line: %v (%v)", r, err)
	}
	tooLarge := bytes.Repeat([]byte("#"), 16<<20+1)
	if _, err := cognition.Validate(tooLarge, strict); !errors.Is(err, cognition.ErrValidationInputTooLarge) {
		t.Errorf("16 MiB + 1 gave %v", err)
	}
}

func TestValidateRunsTestsOnlyAtParanoidOnCodeThatCompiles(t *testing.T) {
	tests := cognition.WithTests("def test_x():\n    assert False\n")
	// With an interpreter that does not exist, success proves the tests were not run.
	strict, err := cognition.Validate(addSource, cognition.WithLevel(cognition.LevelStrict), tests, cognition.WithPython(noPython))
	if err != nil || !strict.Passed {
		t.Errorf("STRICT with tests: %+v (%v)", strict, err)
	}
	broken, err := cognition.Validate("def add(a, b)\n", cognition.WithLevel(cognition.LevelParanoid), tests, cognition.WithPython(noPython))
	if err != nil || broken.Counts[cognition.SeverityCritical] != 1 || broken.Passed {
		t.Errorf("PARANOID on a syntax error: %+v (%v)", broken, err)
	}
	sarif, err := cognition.ValidateSARIF(addSource, cognition.WithLevel(cognition.LevelStrict), tests, cognition.WithPython(noPython))
	if err != nil || !bytes.Contains(sarif, []byte(`"version":"2.1.0"`)) {
		t.Errorf("SARIF with tests: %s (%v)", sarif, err)
	}
	_, err = cognition.Validate(addSource, cognition.WithLevel(cognition.LevelParanoid), tests, cognition.WithPython(noPython))
	if !errors.Is(err, cognition.ErrValidationTestRunner) || !strings.Contains(err.Error(), "nonexistent") {
		t.Errorf("a missing interpreter gave %v", err)
	}
	if _, err := cognition.Validate(addSource, cognition.WithTests("x = '\xff'"), cognition.WithLevel(cognition.LevelParanoid)); !errors.Is(err, cognition.ErrInvalidUTF8) {
		t.Errorf("invalid UTF-8 tests gave %v", err)
	}
}

const addSource = "def add(a: int, b: int) -> int:\n    return a + b\n"

// One real sandboxed pytest run: needs a Python with pytest, COGNITION_PYTHON (the Makefile
// points it at .venv/bin/python) or python3.
func TestValidateParanoidReportsAFailingTestByName(t *testing.T) {
	python := os.Getenv("COGNITION_PYTHON")
	if python == "" {
		python = "python3"
	}
	tests := "from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n\n" +
		"def test_add_wrong():\n    assert add(2, 2) == 5\n"
	report, err := cognition.Validate(addSource, cognition.WithLevel(cognition.LevelParanoid),
		cognition.WithTests(tests), cognition.WithPython(python))
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Issues) != 1 || report.Passed {
		t.Fatalf("report %+v", report)
	}
	issue := report.Issues[0]
	if issue.Rule != "CG301" || issue.Severity != cognition.SeverityHigh || !strings.Contains(issue.Message, "test_add_wrong") {
		t.Errorf("issue %+v", issue)
	}
}

func TestValidateIsSafeFromManyGoroutines(t *testing.T) {
	cases := loadValidationVectors(t).Cases
	want := make([]*cognition.ValidationReport, len(cases))
	for i, c := range cases {
		r, err := cognition.Validate(c.Source, cognition.WithLevel(cognition.Level(c.Level)))
		if err != nil {
			t.Fatal(err)
		}
		want[i] = r
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(cases))
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for k := range cases {
				i := (k + g*11) % len(cases) // each goroutine in a different order
				got, err := cognition.Validate([]byte(cases[i].Source), cognition.WithLevel(cognition.Level(cases[i].Level)))
				if err != nil || !reflect.DeepEqual(got, want[i]) {
					errs <- cases[i].Name
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for name := range errs {
		t.Errorf("%s: a concurrent validation differed from the sequential one", name)
	}
}

// FuzzValidate feeds arbitrary bytes to Validate: it must never crash; valid UTF-8 always gets a
// well-formed, deterministic report and invalid UTF-8 is VALIDATION_INVALID_UTF8 and nothing
// else. `go test` runs the seeds (every validation vector); `go test -fuzz FuzzValidate`
// explores further.
func FuzzValidate(f *testing.F) {
	for _, c := range loadValidationVectors(f).Cases {
		f.Add([]byte(c.Source))
	}
	f.Add([]byte("x = '\xff'\n"))
	f.Add([]byte("def f(:\n\t\x00"))
	f.Fuzz(func(t *testing.T, source []byte) {
		report, err := cognition.Validate(source, cognition.WithLevel(cognition.LevelStrict))
		if !utf8.Valid(source) {
			if !errors.Is(err, cognition.ErrValidationInvalidUTF8) {
				t.Fatalf("invalid UTF-8 gave %v, want VALIDATION_INVALID_UTF8", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("valid UTF-8 failed: %v", err)
		}
		if report.Score < 0 || report.Score > 100 || report.Lines < 0 {
			t.Fatalf("malformed report %+v", report)
		}
		total := 0
		for k, issue := range report.Issues {
			total++
			if issue.Rule == "" || issue.Line < 1 || issue.Column < 1 || issue.EndLine < issue.Line {
				t.Fatalf("malformed issue %+v", issue)
			}
			if k > 0 && issue.Line < report.Issues[k-1].Line {
				t.Fatalf("issues out of order: %+v", report.Issues)
			}
		}
		counted := 0
		for _, n := range report.Counts {
			counted += n
		}
		if counted != total {
			t.Fatalf("counts %v do not add up to %d issues", report.Counts, total)
		}
		again, err := cognition.Validate(string(source), cognition.WithLevel(cognition.LevelStrict))
		if err != nil || !reflect.DeepEqual(again.Issues, report.Issues) || again.Score != report.Score {
			t.Fatalf("not deterministic: %+v then %+v (%v)", report, again, err)
		}
	})
}

func ExampleValidate() {
	source := "import os\n\ndef run(cmd):\n    os.system(cmd)   \n"
	report, err := cognition.Validate(source, cognition.WithLevel(cognition.LevelStrict), cognition.WithFilename("tool.py"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, i := range report.Issues {
		fmt.Printf("%s:%d:%d: %s %s\n", report.Filename, i.Line, i.Column, i.Rule, i.Message)
	}
	fmt.Println("score", report.Score, "passed", report.Passed)

	fixed, _ := cognition.Fix(source, cognition.WithLevel(cognition.LevelStrict))
	fmt.Printf("fixed %d issue(s): %q\n", len(fixed.Applied), fixed.Source)

	_, err = cognition.Validate([]byte{0xff, 0xfe})
	fmt.Println(errors.Is(err, cognition.ErrValidationInvalidUTF8))
	// Output:
	// tool.py:3:5: ANN201 Missing return type annotation for public function `run`
	// tool.py:3:9: ANN001 Missing type annotation for function argument `cmd`
	// tool.py:4:5: S605 Starting a process with a shell: check the command for injection
	// tool.py:4:19: W291 Trailing whitespace
	// score 83 passed false
	// fixed 1 issue(s): "import os\n\ndef run(cmd):\n    os.system(cmd)\n"
	// true
}
