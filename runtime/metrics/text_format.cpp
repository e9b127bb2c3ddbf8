#include "runtime/metrics/text_format.h"

#include <charconv>
#include <cmath>

namespace saker::metrics {

namespace {

bool is_alpha_(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not one (overlongs, surrogates and
// code points above U+10FFFF are invalid).
size_t utf8_length(std::string_view s, size_t i) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
    auto cont = [&](size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
    unsigned char c = b(0);
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2)) return 0;
        if ((c == 0xE0 && b(1) < 0xA0) || (c == 0xED && b(1) > 0x9F)) return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3)) return 0;
        if ((c == 0xF0 && b(1) < 0x90) || (c == 0xF4 && b(1) > 0x8F)) return 0;
        return 4;
    }
    return 0;
}

// Copies `text` escaping backslash and newline, and double quote when `quote` is set.
void append_escaped(std::string& out, std::string_view text, bool quote) {
    for (size_t i = 0; i < text.size();) {
        char c = text[i];
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '"' && quote) {
            out += "\\\"";
        } else {
            size_t n = utf8_length(text, i);
            if (n == 0) {
                out += "\xEF\xBF\xBD"; // U+FFFD
                ++i;
                continue;
            }
            out.append(text.substr(i, n));
            i += n;
            continue;
        }
        ++i;
    }
}

} // namespace

bool valid_metric_name(std::string_view name) {
    if (name.empty() || !(is_alpha_(name[0]) || name[0] == ':')) return false;
    for (char c : name)
        if (!(is_alpha_(c) || is_digit(c) || c == ':')) return false;
    return true;
}

bool valid_label_name(std::string_view name) {
    if (name.empty() || !is_alpha_(name[0]) || name.starts_with("__")) return false;
    for (char c : name)
        if (!(is_alpha_(c) || is_digit(c))) return false;
    return true;
}

void append_help_text(std::string& out, std::string_view help) {
    append_escaped(out, help, false);
}

void append_label_value(std::string& out, std::string_view value) {
    append_escaped(out, value, true);
}

void append_number(std::string& out, uint64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void append_number(std::string& out, double v) {
    if (std::isnan(v)) {
        out += "NaN";
    } else if (std::isinf(v)) {
        out += v > 0 ? "+Inf" : "-Inf";
    } else {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, v);
        out.append(buf, r.ptr);
    }
}

void append_series(std::string& out, std::string_view name, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, std::string_view extra_name,
                   std::string_view extra_value) {
    out += name;
    if (!names.empty() || !extra_name.empty()) {
        out += '{';
        const char* sep = "";
        auto pair = [&](std::string_view n, std::string_view v) {
            out += sep;
            out += n;
            out += "=\"";
            append_label_value(out, v);
            out += '"';
            sep = ",";
        };
        for (size_t i = 0; i < names.size(); ++i)
            pair(names[i], values[i]);
        if (!extra_name.empty()) pair(extra_name, extra_value);
        out += '}';
    }
    out += ' ';
}

} // namespace saker::metrics
