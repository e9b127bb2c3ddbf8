// Fuzz target: the output-format renderer. The input is an output format (up to the first NUL)
// and then the bytes every field it names takes as its value. Beyond "no crash, no sanitizer
// report", it checks what alert consumers rely on: the text line is one line without raw
// control characters, and the JSON form parses, with the rendered output and the fields.
#include "bench/synthetic_events.h"
#include "frontend/output_format.h"
#include "runtime/output/alert.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

[[noreturn]] void broken(const char* what, const std::string& detail) {
    std::fprintf(stderr, "%s:\n%s\n", what, detail.c_str());
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const char* p = reinterpret_cast<const char*>(data);
    const char* nul = static_cast<const char*>(std::memchr(p, 0, size));
    std::string format(p, nul ? nul : p + size);
    std::string value = nul ? std::string(nul + 1, p + size) : std::string();

    saker::Rule rule;
    rule.name = "fuzz";
    rule.output = format;
    rule.priority = saker::Priority::Warning;
    saker::Diagnostics diags;
    saker::parse_output_format(format, {}, rule.output_tokens, diags);
    if (diags.has_errors()) return 0;

    // Every named field gets the value bytes (numbers: their length; addresses: 16 of them).
    saker::synth::SyntheticEvent ev(1);
    uint8_t ip[16] = {};
    std::memcpy(ip, value.data(), std::min<size_t>(16, value.size()));
    for (const auto& tok : rule.output_tokens) {
        if (!tok.is_field || !tok.info) continue;
        const std::string* arg = tok.has_arg ? &tok.arg : nullptr;
        if (tok.info->is_list()) {
            ev.set_str_list(tok.info->id, {value, value.substr(value.size() / 2)}, arg);
            continue;
        }
        switch (tok.info->type) {
        case saker::FieldType::String:
        case saker::FieldType::Bytes:
            ev.set_str(tok.info->id, value, arg);
            break;
        case saker::FieldType::IpAddr:
        case saker::FieldType::IpNet:
            ev.set_ip(tok.info->id, ip, arg);
            break;
        default:
            ev.set_int(tok.info->id, static_cast<int64_t>(value.size()) - 3, arg);
        }
    }
    auto plan = saker::output::plan_output(
        rule, saker::output::parse_appended_output(saker::output::kDefaultAppendedOutput));
    auto alert = saker::output::render_alert(rule, plan, ev, 1764763200123456789ull);

    std::string line = saker::output::format_text(alert);
    for (unsigned char c : line)
        if (c < 0x20 && c != '\t') broken("control character in the text line", line);

    std::string json = saker::output::format_json(alert, "host\x01name");
    if (json.find('\n') != std::string::npos) broken("JSON spans lines", json);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(json);
    } catch (const std::exception& e) {
        broken("JSON does not parse", json + "\n" + e.what());
    }
    if (!j.contains("output") || !j["output"].is_string() || !j.contains("output_fields") ||
        j["rule"] != "fuzz")
        broken("JSON lacks Falco's keys", json);
    return 0;
}
