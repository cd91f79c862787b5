package cognition

// A file of its own because a cgo preamble that defines C functions cannot sit in a file with
// //export (cogGoHandler lives in processor.go).

// #include <stdint.h>
// #include "cognition.h"
//
// extern int32_t cogGoHandler(uintptr_t handle, uint8_t *event_json, size_t len, cog_handler_reply *reply);
//
// // The cog_handler_fn of every Go handler: user_data carries the cgo.Handle of the Go func.
// static int32_t cog_go_trampoline(void *user_data, const uint8_t *event_json, size_t len,
//                                  cog_handler_reply *reply) {
//     return cogGoHandler((uintptr_t)user_data, (uint8_t *)event_json, len, reply);
// }
//
// static cog_status cog_go_processor_on(const cog_processor *processor, const uint8_t *event_type,
//                                       size_t event_type_len, uintptr_t handle) {
//     return cog_processor_on(processor, event_type, event_type_len, cog_go_trampoline, (void *)handle);
// }
import "C"

import "runtime/cgo"

// registerHandler registers the Go handler behind h for eventType.
func registerHandler(p *C.cog_processor, eventType string, h cgo.Handle) C.cog_status {
	t, tn := strIn(eventType)
	return C.cog_go_processor_on(p, t, tn, C.uintptr_t(h))
}
