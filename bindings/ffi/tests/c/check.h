/* The assertions every C test program uses: count passes and failures, report each failure with
 * its line, and never stop at the first one. */
#ifndef CHECK_H
#define CHECK_H

#include <stdint.h>
#include <stdio.h>

#include "cognition.h"

static int failures = 0;
static int passed = 0;

/* The stable name of a status, for messages. */
static const char *check_status_name(cog_status status) { return cog_status_name((uint32_t)status); }

#define EXPECT(cond, what)                                                   \
    do {                                                                     \
        if (cond) {                                                          \
            passed++;                                                        \
        } else {                                                             \
            failures++;                                                      \
            fprintf(stderr, "FAIL line %d: %s\n", __LINE__, what);           \
        }                                                                    \
    } while (0)

#define EXPECT_STATUS(call, want)                                                                   \
    do {                                                                                            \
        cog_status got_ = (call);                                                                   \
        if (got_ == (want)) {                                                                       \
            passed++;                                                                               \
        } else {                                                                                    \
            failures++;                                                                             \
            fprintf(stderr, "FAIL line %d: %s gave %s (%s), want %s\n", __LINE__, #call,            \
                    check_status_name(got_), cog_last_error_message(), check_status_name(want));    \
        }                                                                                           \
    } while (0)

/* A C string as the (const uint8_t *) the ABI takes. */
static const uint8_t *u8(const char *s) { return (const uint8_t *)s; }

#endif /* CHECK_H */
