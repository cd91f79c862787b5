package cognition

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: ${SRCDIR}/../../target/release/libcognition.a -lm -ldl -lpthread
// #include <stdlib.h>
// #include <string.h>
// #include "cognition.h"
import "C"

import (
	"encoding/json"
	"runtime"
	"unsafe"
)

// headerVersion is the version of include/cognition.h this package was compiled against; it
// must equal [Version], the version of the linked library.
const headerVersion = C.COGNITION_VERSION

// Version returns the version of the linked cognition-core library ("MAJOR.MINOR.PATCH").
func Version() string {
	return C.GoString(C.cog_version())
}

// call runs one fallible C call and, if it fails, reads cog_last_error_message on the same OS
// thread: the message is thread-local in C, so the goroutine must not move between the two.
func call(f func() C.cog_status) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	status := f()
	if status == C.COG_STATUS_OK {
		return nil
	}
	return &Error{Code: ErrorCode(status), Message: C.GoString(C.cog_last_error_message())}
}

// bytesIn passes a byte slice as (ptr, len) without copying: the bytes hold no Go pointers, so
// cgo allows it, and C never keeps them past the call. An empty slice becomes (NULL, 0).
func bytesIn(b []byte) (*C.uint8_t, C.size_t) {
	if len(b) == 0 {
		return nil, 0
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(b))), C.size_t(len(b))
}

// strIn passes a string as (ptr, len) without copying; C only reads it. "" becomes (NULL, 0).
func strIn(s string) (*C.uint8_t, C.size_t) {
	if len(s) == 0 {
		return nil, 0
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s))
}

// cSecrets copies secrets into one C allocation: the cog_str array followed by the bytes it
// points at. (A Go array of cog_str would hold Go pointers, which cgo forbids passing.) The
// returned release function wipes the copy and frees it. No secrets gives (NULL, 0).
func cSecrets(secrets []string) (*C.cog_str, C.size_t, func()) {
	return cStrings(secrets, true)
}

// cStrings copies items into one C allocation as cSecrets does; the release function frees it,
// wiping it first when wipe is set. No items gives (NULL, 0).
func cStrings(items []string, wipe bool) (*C.cog_str, C.size_t, func()) {
	if len(items) == 0 {
		return nil, 0, func() {}
	}
	head := uintptr(len(items)) * unsafe.Sizeof(C.cog_str{})
	total := head
	for _, s := range items {
		total += uintptr(len(s))
	}
	mem := C.malloc(C.size_t(total))
	if mem == nil {
		panic("cognition: out of memory copying strings")
	}
	strs := unsafe.Slice((*C.cog_str)(mem), len(items))
	buf := unsafe.Slice((*byte)(mem), total)
	off := head
	for i, s := range items {
		strs[i].len = C.size_t(len(s))
		strs[i].ptr = nil
		if len(s) > 0 {
			copy(buf[off:], s)
			strs[i].ptr = (*C.uint8_t)(unsafe.Pointer(&buf[off]))
			off += uintptr(len(s))
		}
	}
	release := func() {
		if wipe {
			C.memset(mem, 0, C.size_t(total))
		}
		C.free(mem)
	}
	return &strs[0], C.size_t(len(items)), release
}

// takeString copies a cog_string the library returned into Go memory and frees the original.
func takeString(s *C.cog_string) string {
	defer C.cog_string_free(s)
	if s.ptr == nil {
		return ""
	}
	return C.GoStringN(s.ptr, C.int(s.len))
}

// takeBytes is takeString for bytes.
func takeBytes(s *C.cog_string) []byte {
	defer C.cog_string_free(s)
	if s.ptr == nil {
		return nil
	}
	return C.GoBytes(unsafe.Pointer(s.ptr), C.int(s.len))
}

// statusName returns the stable name of a status number ("SIGNATURE_MISMATCH", "UNKNOWN", …).
func statusName(code uint32) string {
	return C.GoString(C.cog_status_name(C.uint32_t(code)))
}

// ErrorCodes returns every error code the linked library can report, by stable name. Bindings use
// it to check that their constants cover the library's table.
func ErrorCodes() (map[string]ErrorCode, error) {
	var out C.cog_string
	if err := call(func() C.cog_status { return C.cog_error_codes_json(&out) }); err != nil {
		return nil, err
	}
	var table map[string]ErrorCode
	if err := json.Unmarshal(takeBytes(&out), &table); err != nil {
		return nil, &Error{Code: CodePanic, Message: "the library's error code table is not JSON: " + err.Error()}
	}
	return table, nil
}
