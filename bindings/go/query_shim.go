package cognition

// A file of its own because a cgo preamble that defines C functions cannot sit in a file with
// //export (cogGoSlowQuery lives in query_tracker.go).

// #include <stdint.h>
// #include "cognition.h"
//
// extern void cogGoSlowQuery(uintptr_t handle, uint8_t *stats_json, size_t len);
//
// // The cog_query_slow_fn of every Go on-slow callback: user_data carries its cgo.Handle.
// static void cog_go_slow_trampoline(void *user_data, const uint8_t *stats_json, size_t len) {
//     cogGoSlowQuery((uintptr_t)user_data, (uint8_t *)stats_json, len);
// }
//
// static cog_status cog_go_query_tracker_new(const uint8_t *options, size_t options_len, uintptr_t handle,
//                                            cog_query_tracker **out) {
//     return cog_query_tracker_new(options, options_len, handle ? cog_go_slow_trampoline : NULL,
//                                  (void *)handle, out);
// }
import "C"

import "runtime/cgo"

// newTracker creates a tracker whose slow callback (if h is not 0) calls the Go func behind h.
func newTracker(options []byte, h cgo.Handle, out **C.cog_query_tracker) C.cog_status {
	o, on := bytesIn(options)
	return C.cog_go_query_tracker_new(o, on, C.uintptr_t(h), out)
}
