#include "frontend/output_format.h"

#include "frontend/checker.h"

#include <cctype>

namespace saker {

static bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

OutputCheck parse_output_format(const std::string& out, SourceLoc loc,
                                std::vector<OutputToken>& tokens, Diagnostics& diags) {
    OutputCheck result;
    std::string lit;
    auto flush = [&] {
        if (lit.empty()) return;
        tokens.push_back({false, lit, {}, {}, false, nullptr});
        lit.clear();
    };
    size_t i = 0;
    while (i < out.size()) {
        if (out[i] != '%') {
            lit += out[i++];
            continue;
        }
        if (i + 1 < out.size() && out[i + 1] == '%') {
            lit += '%';
            i += 2;
            continue;
        }
        // A field name: letters, digits and '_' in dot-separated parts, at least one dot.
        size_t j = i + 1;
        while (j < out.size() && (is_name_char(out[j]) || (out[j] == '.' && j + 1 < out.size() &&
                                                           is_name_char(out[j + 1]))))
            ++j;
        std::string name = out.substr(i + 1, j - i - 1);
        if (name.find('.') == std::string::npos ||
            !std::isalpha(static_cast<unsigned char>(name[0]))) {
            lit += out[i++];
            continue;
        }
        ast::Operand f;
        f.kind = ast::Operand::Kind::Field;
        f.field = name;
        f.loc = loc;
        if (j < out.size() && out[j] == '[') {
            size_t close = out.find(']', j);
            if (close != std::string::npos) {
                f.arg = out.substr(j + 1, close - j - 1);
                f.has_arg = true;
                j = close + 1;
            }
        }
        bool unknown = false;
        if (!resolve_field(f, diags, &unknown)) {
            result.ok = false;
            result.unknown_field |= unknown;
        }
        flush();
        tokens.push_back({true, out.substr(i + 1, j - i - 1), f.field, f.arg, f.has_arg, f.info});
        i = j;
    }
    flush();
    if (out.find_first_not_of(" \t\n") == std::string::npos) {
        diags.error(loc, "output is empty");
        result.ok = false;
    }
    return result;
}

} // namespace saker
