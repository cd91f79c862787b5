package cognition

// #include <stdint.h>
// #include "cognition.h"
import "C"

import (
	"encoding/json"
	"runtime"
)

// PathReport is one file's result from [ValidatePaths]: its report, or why it could not be
// validated.
type PathReport struct {
	Path   string
	Report *ValidationReport // nil when Err is set
	// Err is a *[Error] when the file could not be read ([CodeValidationPathIO]), is not UTF-8
	// ([CodeValidationInvalidUTF8]) or is too large ([CodeValidationInputTooLarge]).
	Err error
}

type pathReportJSON struct {
	Path   string          `json:"path"`
	Report json.RawMessage `json:"report"`
	Error  *struct {
		Code    ErrorCode `json:"code"`
		Message string    `json:"message"`
	} `json:"error"`
}

// ValidatePaths validates files, and every *.py file under directories, in parallel on all cores
// (the library's threads, not goroutines), and returns one [PathReport] per file in sorted path
// order; each report's Filename is its path. Directories are walked without following symbolic
// links to directories, skipping hidden entries (.git, .venv). Options: [WithLevel] and
// [WithMaxLineLength]; the others are not used. Safe for concurrent use.
//
// Errors: [CodeValidationPathIO] when a given path does not exist or a directory cannot be
// listed (a file that cannot be read is reported in its PathReport instead),
// [CodeValidationUnknownLevel], [CodeInvalidArgument], [CodeInvalidUTF8] (a path).
func ValidatePaths(paths []string, opts ...ValidateOption) ([]PathReport, error) {
	o, maxLine, _, err := resolveValidate(opts)
	if err != nil {
		return nil, err
	}
	level := string(o.level)
	cpaths, n, release := cStrings(paths, false)
	defer release()
	var out C.cog_string
	err = call(func() C.cog_status {
		lp, ln := strIn(level)
		return C.cog_validate_paths(cpaths, n, lp, ln, maxLine, &out)
	})
	runtime.KeepAlive(level)
	if err != nil {
		return nil, err
	}
	var items []pathReportJSON
	if err := decode(takeBytes(&out), "path reports JSON", &items); err != nil {
		return nil, err
	}
	reports := make([]PathReport, len(items))
	for i, item := range items {
		reports[i].Path = item.Path
		if item.Error != nil {
			reports[i].Err = &Error{Code: item.Error.Code, Message: item.Error.Message}
			continue
		}
		if reports[i].Report, err = decodeReport(item.Report); err != nil {
			return nil, err
		}
	}
	return reports, nil
}
