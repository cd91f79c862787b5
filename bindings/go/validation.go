package cognition

// #include <stdint.h>
// #include "cognition.h"
import "C"

import (
	"encoding/json"
	"math"
	"runtime"
	"time"
)

// Level is how much [Validate] checks; each level includes the ones before it.
type Level string

// The validation levels. Names are accepted in any case.
const (
	LevelBasic    Level = "basic"    // syntax: does CPython 3 compile it?
	LevelStandard Level = "standard" // + style (E501, W291, W293, W292, W191) and annotations (ANN001, ANN201); the default
	LevelStrict   Level = "strict"   // + security (Ruff's S rules, Bandit's ids) and complexity/performance
	LevelParanoid Level = "paranoid" // + running the code's tests with pytest (see [WithTests])
)

// Severity is how bad a finding is.
type Severity string

// The severities, worst first.
const (
	SeverityCritical Severity = "CRITICAL" // syntax errors, SQL injection
	SeverityHigh     Severity = "HIGH"     // other security findings, failing tests
	SeverityMedium   Severity = "MEDIUM"   // missing annotations, complexity, performance
	SeverityLow      Severity = "LOW"      // style
	SeverityInfo     Severity = "INFO"     // worth a look (assert, subprocess without a shell)
)

// ValidationIssue is one finding. Lines and columns are 1-based; columns count characters, not
// bytes (Ruff's convention); EndLine/EndColumn point just past the range.
type ValidationIssue struct {
	Rule      string   `json:"rule"` // stable code: Ruff's where Ruff has the rule ("S307", "E501"), else "CG…"
	Severity  Severity `json:"severity"`
	Message   string   `json:"message"`
	Line      int      `json:"line"`
	Column    int      `json:"column"`
	EndLine   int      `json:"end_line"`
	EndColumn int      `json:"end_column"`
	Fixable   bool     `json:"fixable"` // whether [Fix] repairs it
}

// ValidationReport is the result of validating one source.
type ValidationReport struct {
	Filename string `json:"filename"` // from [WithFilename] ("<string>" by default) or the path
	Level    Level  `json:"level"`    // lower case
	Score    int    `json:"score"`    // 0–100: 100 minus the documented weight of each finding
	Passed   bool   `json:"passed"`   // whether the source passes its level
	Lines    int    `json:"lines"`
	// AnnotationCoverage is the percentage of parameters (other than self/cls) and returns that
	// are annotated; 100 when there is no function.
	AnnotationCoverage float64           `json:"annotation_coverage"`
	Counts             map[Severity]int  `json:"counts"` // findings per severity, every severity present
	Issues             []ValidationIssue `json:"issues"` // sorted by line, column, rule
	// Raw is the report exactly as the library wrote it (the documented JSON schema), for
	// storing or forwarding without re-encoding.
	Raw json.RawMessage `json:"-"`
}

// FixResult is the outcome of [Fix].
type FixResult struct {
	Source  string            `json:"source"`  // the fixed source
	Applied []ValidationIssue `json:"applied"` // the findings the fixes removed, as found on the original
	Report  ValidationReport  `json:"report"`  // the fixed source validated again
}

// ValidateOption adjusts [Validate], [ValidateSARIF], [Fix] and [ValidatePaths].
type ValidateOption func(*validateOptions)

type validateOptions struct {
	level         Level
	filename      string
	maxLineLength int
	tests         *string
	python        string
	testTimeout   time.Duration
}

// WithLevel sets the level (default [LevelStandard]); an unknown name fails with
// [CodeValidationUnknownLevel].
func WithLevel(level Level) ValidateOption {
	return func(o *validateOptions) { o.level = level }
}

// WithFilename sets the file name used in the report and the SARIF log (default "<string>").
// [ValidatePaths] uses each file's path instead.
func WithFilename(name string) ValidateOption {
	return func(o *validateOptions) { o.filename = name }
}

// WithMaxLineLength sets the E501 limit in characters (default 88, Ruff's and Black's); 0 means
// the default and a negative length fails with [CodeInvalidArgument].
func WithMaxLineLength(n int) ValidateOption {
	return func(o *validateOptions) { o.maxLineLength = n }
}

// WithTests gives the pytest module to run at [LevelParanoid]: it imports the source as
// `solution` (from solution import add). The run happens in a sandboxed subprocess (temporary
// directory and HOME, scrubbed environment, CPU, memory and process limits, a wall-clock
// timeout); failing and erroring tests and a timeout become HIGH issues named after the test.
// Below PARANOID, or when the source has a syntax error, the tests are not run. Needs a Python
// with pytest: see [WithPython].
func WithTests(tests string) ValidateOption {
	return func(o *validateOptions) { o.tests = &tests }
}

// WithPython sets the interpreter that runs [WithTests] (default "python3"): an absolute path
// (a virtualenv's bin/python), or a name looked up on the sandbox's scrubbed PATH
// (/usr/local/bin:/usr/bin:/bin), not the caller's. It must have pytest installed, or validation
// fails with [CodeValidationTestRunner].
func WithPython(path string) ValidateOption {
	return func(o *validateOptions) { o.python = path }
}

// WithTestTimeout bounds the whole test run of [WithTests] (default 30 s; whole milliseconds,
// at least 1 ms). A negative timeout or one over a day fails with [CodeInvalidArgument].
func WithTestTimeout(d time.Duration) ValidateOption {
	return func(o *validateOptions) { o.testTimeout = d }
}

// resolveValidate applies opts and checks the numeric ones.
func resolveValidate(opts []ValidateOption) (validateOptions, C.uint32_t, C.uint64_t, error) {
	var o validateOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.maxLineLength < 0 || int64(o.maxLineLength) > math.MaxUint32 {
		return o, 0, 0, &Error{Code: CodeInvalidArgument, Message: "max line length must be between 0 (the default 88) and 4294967295"}
	}
	if o.testTimeout < 0 {
		return o, 0, 0, &Error{Code: CodeInvalidArgument, Message: "test timeout must not be negative (use 0 for the default 30 s)"}
	}
	timeoutMs := uint64(o.testTimeout / time.Millisecond)
	if timeoutMs == 0 && o.testTimeout > 0 {
		timeoutMs = 1
	}
	return o, C.uint32_t(o.maxLineLength), C.uint64_t(timeoutMs), nil
}

// sourceText is Python source as a string or bytes; neither is copied on the way to the library.
type sourceText interface {
	~string | ~[]byte
}

// sourceIn splits source into the string or the bytes it is, without copying either.
func sourceIn[S sourceText](source S) (string, []byte) {
	switch v := any(source).(type) {
	case string:
		return v, nil
	case []byte:
		return "", v
	}
	return string(source), nil
}

// sourcePtr passes source as (ptr, len) without copying; "" or nil becomes (NULL, 0).
func sourcePtr(s string, b []byte) (*C.uint8_t, C.size_t) {
	if b != nil {
		return bytesIn(b)
	}
	return strIn(s)
}

// Validate checks Python source (a string or UTF-8 bytes) at the level of [WithLevel] and
// returns the findings, the score and the verdict. [LevelParanoid] without [WithTests] checks
// what [LevelStrict] does. Safe for concurrent use; with [WithTests] the call blocks for the test
// run.
//
// Errors: [CodeValidationInvalidUTF8] (source), [CodeValidationInputTooLarge] (over 16 MiB),
// [CodeValidationUnknownLevel], [CodeInvalidArgument] (an option out of range),
// [CodeInvalidUTF8] (filename, tests, python), [CodeValidationTestRunner] ([WithTests] could
// not run at all).
func Validate[S sourceText](source S, opts ...ValidateOption) (*ValidationReport, error) {
	raw, _, err := validateRaw(source, false, opts)
	if err != nil {
		return nil, err
	}
	return decodeReport(raw)
}

// ValidateSARIF validates as [Validate] does and returns the SARIF 2.1.0 log (JSON), the format
// GitHub code scanning and CI dashboards read. Errors as [Validate].
func ValidateSARIF[S sourceText](source S, opts ...ValidateOption) ([]byte, error) {
	_, sarif, err := validateRaw(source, true, opts)
	return sarif, err
}

// validateRaw runs one validation and returns the report JSON or, when sarif is set, the SARIF
// log.
func validateRaw[S sourceText](source S, sarif bool, opts []ValidateOption) (json.RawMessage, []byte, error) {
	o, maxLine, timeoutMs, err := resolveValidate(opts)
	if err != nil {
		return nil, nil, err
	}
	s, b := sourceIn(source)
	level := string(o.level)
	var out, outSarif C.cog_string
	err = call(func() C.cog_status {
		sp, sn := sourcePtr(s, b)
		lp, ln := strIn(level)
		fp, fn := strIn(o.filename)
		switch {
		case o.tests != nil:
			tp, tn := strIn(*o.tests)
			pp, pn := strIn(o.python)
			sarifOut := (*C.cog_string)(nil)
			if sarif {
				sarifOut = &outSarif
			}
			return C.cog_validate_with_tests(sp, sn, tp, tn, lp, ln, maxLine, fp, fn, pp, pn, timeoutMs, &out, sarifOut)
		case sarif:
			return C.cog_validate_sarif(sp, sn, lp, ln, maxLine, fp, fn, &outSarif)
		default:
			return C.cog_validate(sp, sn, lp, ln, maxLine, fp, fn, &out)
		}
	})
	runtime.KeepAlive(s)
	runtime.KeepAlive(b)
	runtime.KeepAlive(level)
	runtime.KeepAlive(o)
	if err != nil {
		return nil, nil, err
	}
	report := takeBytes(&out) // empty when only SARIF was asked for
	if sarif {
		return report, takeBytes(&outSarif), nil
	}
	return report, nil, nil
}

// decodeReport decodes one report and keeps its raw JSON.
func decodeReport(raw json.RawMessage) (*ValidationReport, error) {
	var r ValidationReport
	if err := decode(raw, "validation report JSON", &r); err != nil {
		return nil, err
	}
	r.Raw = raw
	return &r, nil
}

// Fix applies the safe automatic fixes (trailing whitespace W291, whitespace on blank lines
// W293, the final newline W292, tabs in indentation W191; never inside a multi-line string) and
// validates the fixed source again at the level of [WithLevel]. Fixing twice changes nothing the
// second time. [WithTests] is not used. Safe for concurrent use.
//
// Errors: as [Validate].
func Fix[S sourceText](source S, opts ...ValidateOption) (*FixResult, error) {
	o, maxLine, _, err := resolveValidate(opts)
	if err != nil {
		return nil, err
	}
	s, b := sourceIn(source)
	level := string(o.level)
	var out C.cog_string
	err = call(func() C.cog_status {
		sp, sn := sourcePtr(s, b)
		lp, ln := strIn(level)
		fp, fn := strIn(o.filename)
		return C.cog_validation_fix(sp, sn, lp, ln, maxLine, fp, fn, &out)
	})
	runtime.KeepAlive(s)
	runtime.KeepAlive(b)
	runtime.KeepAlive(level)
	runtime.KeepAlive(o)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Source  string            `json:"source"`
		Applied []ValidationIssue `json:"applied"`
		Report  json.RawMessage   `json:"report"`
	}
	if err := decode(takeBytes(&out), "fix result JSON", &doc); err != nil {
		return nil, err
	}
	report, err := decodeReport(doc.Report)
	if err != nil {
		return nil, err
	}
	return &FixResult{Source: doc.Source, Applied: doc.Applied, Report: *report}, nil
}
