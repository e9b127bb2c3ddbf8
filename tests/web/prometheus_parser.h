// A strict reader of the Prometheus text format 0.0.4, written from the format's description,
// for the tests: it checks what a scraper relies on and returns the samples with their label
// values unescaped, or a message naming the first offending line.
//
// Checked: every line is `# HELP name text`, `# TYPE name type`, or a sample
// `name{label="value",...} number`; label values use only the escapes \\ \" \n; each family
// has HELP and TYPE (once) before its samples; a sample belongs to the family announced last
// (for histograms: name_bucket with an `le` label, name_sum, name_count); counters end _total.
#pragma once

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace saker::test {

struct PromSample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

struct PromFamily {
    std::string help;
    std::string type;
};

struct PromPage {
    std::map<std::string, PromFamily> families;
    std::vector<PromSample> samples;

    // The value of the one sample with this name and these labels (exactly), if any.
    std::optional<double> value(const std::string& name,
                                const std::map<std::string, std::string>& labels = {}) const {
        for (const auto& s : samples)
            if (s.name == name && s.labels == labels) return s.value;
        return std::nullopt;
    }
};

inline bool prom_parse_number(const std::string& text, double& out) {
    if (text == "+Inf" || text == "Inf") {
        out = INFINITY;
        return true;
    }
    if (text == "-Inf") {
        out = -INFINITY;
        return true;
    }
    if (text == "NaN") {
        out = NAN;
        return true;
    }
    static const std::regex number(R"(-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)");
    if (!std::regex_match(text, number)) return false;
    out = std::strtod(text.c_str(), nullptr);
    return true;
}

// Parses `{a="x",b="y"}` starting at line[i] == '{'; advances i past '}'.
inline bool prom_parse_labels(const std::string& line, size_t& i,
                              std::map<std::string, std::string>& labels, std::string& why) {
    static const std::regex label_name("[a-zA-Z_][a-zA-Z0-9_]*");
    ++i;
    while (i < line.size() && line[i] != '}') {
        size_t eq = line.find('=', i);
        if (eq == std::string::npos) return why = "label without '='", false;
        std::string name = line.substr(i, eq - i);
        if (!std::regex_match(name, label_name))
            return why = "bad label name '" + name + "'", false;
        i = eq + 1;
        if (i >= line.size() || line[i] != '"') return why = "label value not quoted", false;
        ++i;
        std::string value;
        for (;; ++i) {
            if (i >= line.size()) return why = "unterminated label value", false;
            char c = line[i];
            if (c == '"') break;
            if (c == '\\') {
                if (++i >= line.size()) return why = "dangling backslash", false;
                char e = line[i];
                if (e == '\\' || e == '"')
                    value += e;
                else if (e == 'n')
                    value += '\n';
                else
                    return why = std::string("bad escape \\") + e, false;
            } else {
                value += c;
            }
        }
        ++i; // closing quote
        if (!labels.emplace(name, value).second) return why = "label '" + name + "' twice", false;
        if (i < line.size() && line[i] == ',')
            ++i;
        else if (i < line.size() && line[i] != '}')
            return why = "expected ',' or '}' after a label", false;
    }
    if (i >= line.size()) return why = "unterminated label set", false;
    ++i;
    return true;
}

inline std::optional<PromPage> parse_prometheus(const std::string& text, std::string& error) {
    static const std::regex metric_name("[a-zA-Z_:][a-zA-Z0-9_:]*");
    static const std::set<std::string> types{"counter", "gauge", "histogram", "summary", "untyped"};
    PromPage page;
    std::string current; // the family announced by the last TYPE line
    std::string pending_help_for;
    std::istringstream in(text);
    std::string line;
    int lineno = 0;
    auto fail = [&](const std::string& why) {
        error = "line " + std::to_string(lineno) + ": " + why + ": " + line;
        return std::nullopt;
    };
    if (!text.empty() && text.back() != '\n')
        return error = "page does not end with a newline", std::nullopt;
    while (std::getline(in, line)) {
        ++lineno;
        if (line.empty()) return fail("empty line");
        if (line.rfind("# HELP ", 0) == 0) {
            auto sp = line.find(' ', 7);
            std::string name = line.substr(7, sp == std::string::npos ? sp : sp - 7);
            if (!std::regex_match(name, metric_name)) return fail("bad metric name in HELP");
            if (page.families.count(name)) return fail("family announced twice");
            pending_help_for = name;
            page.families[name].help = sp == std::string::npos ? "" : line.substr(sp + 1);
            continue;
        }
        if (line.rfind("# TYPE ", 0) == 0) {
            auto sp = line.find(' ', 7);
            if (sp == std::string::npos) return fail("TYPE without a type");
            std::string name = line.substr(7, sp - 7);
            std::string type = line.substr(sp + 1);
            if (name != pending_help_for) return fail("TYPE not right after its HELP");
            if (!types.count(type)) return fail("unknown type");
            if (type == "counter" && !name.ends_with("_total"))
                return fail("counter name without _total");
            page.families[name].type = type;
            current = name;
            pending_help_for.clear();
            continue;
        }
        if (line[0] == '#') return fail("unexpected comment");
        PromSample s;
        size_t i = 0;
        while (i < line.size() && line[i] != '{' && line[i] != ' ')
            ++i;
        s.name = line.substr(0, i);
        if (!std::regex_match(s.name, metric_name)) return fail("bad metric name");
        std::string why;
        if (i < line.size() && line[i] == '{' && !prom_parse_labels(line, i, s.labels, why))
            return fail(why);
        if (i >= line.size() || line[i] != ' ') return fail("no space before the value");
        if (!prom_parse_number(line.substr(i + 1), s.value)) return fail("bad value");
        if (current.empty()) return fail("sample before any TYPE");
        const std::string& type = page.families[current].type;
        bool ok = s.name == current;
        if (type == "histogram")
            ok = (s.name == current + "_bucket" && s.labels.count("le")) ||
                 s.name == current + "_sum" || s.name == current + "_count";
        if (!ok) return fail("sample outside its family '" + current + "'");
        page.samples.push_back(std::move(s));
    }
    return page;
}

} // namespace saker::test
