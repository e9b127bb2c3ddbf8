#include "frontend/output_format.h"

#include "frontend/checker.h"

#include <cctype>

namespace saker {

static bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

OutputCheck parse_output_format(const std::string& output, SourceLoc loc,
                                std::vector<OutputToken>& tokens, Diagnostics& diags) {
    MappedText text;
    text.text = output;
    text.anchor = loc;
    return parse_output_format(text, tokens, diags);
}

OutputCheck parse_output_format(const MappedText& text, std::vector<OutputToken>& tokens,
                                Diagnostics& diags) {
    const std::string& out = text.text;
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
        f.loc = text.loc_at(i + 1);
        if (j < out.size() && out[j] == '[') {
            size_t close = out.find(']', j);
            if (close != std::string::npos) {
                f.arg = out.substr(j + 1, close - j - 1);
                f.has_arg = true;
                j = close + 1;
            }
        }
        if (!resolve_field(f, diags, &result.fields)) result.ok = false;
        flush();
        tokens.push_back({true, out.substr(i + 1, j - i - 1), f.field, f.arg, f.has_arg, f.info});
        i = j;
    }
    flush();
    if (out.find_first_not_of(" \t\n") == std::string::npos) {
        diags.error(text.anchor, "output is empty");
        result.ok = false;
    }
    return result;
}

} // namespace saker
