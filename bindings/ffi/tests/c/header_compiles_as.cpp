// Proves include/cognition.h compiles as C++ (extern "C" guards, enum underlying types).
#include "cognition.h"

#include <cstring>

static_assert(sizeof(cog_status) == 4, "cog_status is 32 bits across the ABI");

int main() {
    cog_string header = {nullptr, 0};
    const char secret[] = "whsec_cpp";
    cog_status status = cog_webhook_sign(nullptr, 0, reinterpret_cast<const uint8_t *>(secret),
                                         std::strlen(secret), 1700000000, &header);
    cog_string_free(&header);
    return status == COG_STATUS_OK ? 0 : 1;
}
