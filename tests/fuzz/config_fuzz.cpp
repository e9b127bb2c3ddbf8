// Fuzz target: the configuration loader on one file's text plus one `-o` override taken from
// the input's last line. Every input must end in a Config or diagnostics, never a crash.
#include "runtime/config/config.h"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> overrides;
    if (size_t nl = text.rfind('\n'); nl != std::string::npos && nl + 1 < text.size()) {
        overrides.push_back(text.substr(nl + 1));
        text.resize(nl + 1);
    }
    auto result = saker::config::load_config_text("fuzz.yaml", text, overrides);
    (void)result.render();
    return 0;
}
