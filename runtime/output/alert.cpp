#include "runtime/output/alert.h"

#include "frontend/output_format.h"
#include "runtime/state/process_table.h"

#include <array>
#include <charconv>
#include <cstring>
#include <ctime>

namespace saker::output {

std::vector<OutputToken> parse_appended_output(const std::string& suffix) {
    std::vector<OutputToken> tokens;
    Diagnostics diags;
    parse_output_format(suffix, {}, tokens, diags);
    if (diags.has_errors()) return {};
    return tokens;
}

namespace {

// One request per resolved field token; keys point into `tokens`, which must not move after.
std::vector<FieldRequest> requests_for(const std::vector<OutputToken>& tokens) {
    std::vector<FieldRequest> requests;
    for (const auto& tok : tokens) {
        if (!tok.is_field || !tok.info) continue;
        FieldRequest r;
        r.field = tok.info->id;
        r.has_arg = tok.has_arg;
        int64_t idx = -1;
        auto [p, ec] = std::from_chars(tok.arg.data(), tok.arg.data() + tok.arg.size(), idx);
        r.index =
            tok.has_arg && ec == std::errc() && p == tok.arg.data() + tok.arg.size() ? idx : -1;
        r.key = tok.arg; // a view into `tokens`
        requests.push_back(r);
    }
    return requests;
}

} // namespace

OutputPlan plan_output(const Rule& rule, const std::vector<OutputToken>& appended) {
    OutputPlan plan;
    plan.tokens = rule.output_tokens;
    plan.tokens.insert(plan.tokens.end(), appended.begin(), appended.end());
    plan.requests = requests_for(plan.tokens);
    return plan;
}

bool add_extra_fields(OutputPlan& plan, const std::vector<config::AppendOutput::ExtraField>& fields,
                      std::string& error) {
    for (const auto& f : fields) {
        const bool typed = f.format.empty();
        std::vector<OutputToken> tokens;
        Diagnostics diags;
        parse_output_format(typed ? "%" + f.name : f.format, {}, tokens, diags);
        if (diags.has_errors() || (typed && (tokens.size() != 1 || !tokens[0].info))) {
            error = "append_output: extra field '" + f.name +
                    "': " + (diags.all().empty() ? "not a field" : diags.all()[0].message);
            return false;
        }
        auto& extra = plan.extra_fields.emplace_back();
        extra.name = f.name;
        extra.typed = typed;
        extra.tokens = std::move(tokens); // final place: the requests may now point into it
        extra.requests = requests_for(extra.tokens);
    }
    return true;
}

std::string clock_text(uint64_t ns) {
    time_t secs = static_cast<time_t>(ns / 1000000000u);
    struct tm tm {};
    localtime_r(&secs, &tm);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%09llu", tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<unsigned long long>(ns % 1000000000u));
    return buf;
}

std::string format_line(const Alert& a, const std::string& hostname, const LineFormat& f) {
    return f.json ? format_json(a, hostname, f) : format_text(a, f.time_iso_8601);
}

std::string iso8601_text(uint64_t ns) {
    time_t secs = static_cast<time_t>(ns / 1000000000u);
    struct tm tm {};
    localtime_r(&secs, &tm);
    char date[32], zone[8];
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    std::strftime(zone, sizeof zone, "%z", &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s.%09llu%s", date,
                  static_cast<unsigned long long>(ns % 1000000000u), zone);
    return buf;
}

std::string rfc3339(uint64_t ns) {
    time_t secs = static_cast<time_t>(ns / 1000000000u);
    struct tm tm {};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09lluZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<unsigned long long>(ns % 1000000000u));
    return buf;
}

namespace {

// One line, always: control bytes become \xNN, as do bytes that are not valid UTF-8.
std::string escape_for_line(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    auto hex = [&](unsigned char c) {
        static const char* d = "0123456789abcdef";
        out += "\\x";
        out += d[c >> 4];
        out += d[c & 15];
    };
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f) {
            hex(c);
            ++i;
            continue;
        }
        if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        size_t n = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
        bool ok = n && i + n <= s.size();
        for (size_t k = 1; ok && k < n; ++k)
            ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
        if (!ok) {
            hex(c);
            ++i;
            continue;
        }
        out.append(s.substr(i, n));
        i += n;
    }
    return out;
}

bool is_unsigned(const FieldInfo& f) {
    return field_type_is_integer(f.type) && !field_type_is_signed(f.type);
}

std::string value_text(const FieldInfo& f, const Value& v) {
    switch (v.kind) {
    case ValueKind::Absent:
        return "<NA>";
    case ValueKind::Int:
        if (f.type == FieldType::AbsTime) return clock_text(static_cast<uint64_t>(v.i));
        if (f.type == FieldType::Bool) return v.i ? "true" : "false";
        return is_unsigned(f) ? std::to_string(static_cast<uint64_t>(v.i)) : std::to_string(v.i);
    case ValueKind::Str:
        return escape_for_line(v.str());
    case ValueKind::Ip: {
        std::array<uint8_t, 16> ip{};
        std::memcpy(ip.data(), v.ptr, 16);
        return state::format_ip(ip);
    }
    case ValueKind::List: {
        std::string s;
        auto items = static_cast<const Value*>(v.ptr);
        for (uint32_t i = 0; i < v.len; ++i)
            s += (i ? "," : "") + value_text(f, items[i]);
        return s;
    }
    }
    return "";
}

nlohmann::json value_json(const FieldInfo& f, const Value& v) {
    switch (v.kind) {
    case ValueKind::Absent:
        return nullptr;
    case ValueKind::Int:
        if (f.type == FieldType::Bool) return v.i != 0;
        if (is_unsigned(f)) return static_cast<uint64_t>(v.i);
        return v.i;
    case ValueKind::List: {
        auto arr = nlohmann::json::array();
        auto items = static_cast<const Value*>(v.ptr);
        for (uint32_t i = 0; i < v.len; ++i)
            arr.push_back(value_json(f, items[i]));
        return arr;
    }
    default:
        return value_text(f, v);
    }
}

} // namespace

namespace {

// The text of a token list; each field's typed value also goes to `fields`, when given.
std::string render_tokens(const std::vector<OutputToken>& tokens,
                          const std::vector<FieldRequest>& requests, FieldSource& source,
                          nlohmann::json* fields) {
    std::string text;
    size_t k = 0;
    for (const auto& tok : tokens) {
        if (!tok.is_field) {
            text += escape_for_line(tok.text);
            continue;
        }
        if (!tok.info || k >= requests.size()) continue;
        Value v;
        source.extract(requests[k++], v);
        text += value_text(*tok.info, v);
        if (fields) (*fields)[tok.text] = value_json(*tok.info, v);
    }
    return text;
}

} // namespace

Alert render_alert(const Rule& rule, const OutputPlan& plan, FieldSource& source,
                   uint64_t time_ns) {
    Alert a;
    a.rule = &rule;
    a.time_ns = time_ns;
    // Falco's text format starts with %evt.time, so its JSON always carries it.
    a.fields["evt.time"] = time_ns;
    a.output = render_tokens(plan.tokens, plan.requests, source, &a.fields);
    for (const auto& extra : plan.extra_fields) {
        if (extra.typed && !extra.requests.empty()) {
            Value v;
            source.extract(extra.requests[0], v);
            a.fields[extra.name] = value_json(*extra.tokens[0].info, v);
        } else {
            a.fields[extra.name] = render_tokens(extra.tokens, extra.requests, source, nullptr);
        }
    }
    return a;
}

LineFormat LineFormat::of(const config::Config& c) {
    return {c.json_output,
            c.time_format_iso_8601,
            c.json_include_output_property,
            c.json_include_tags_property,
            c.json_include_message_property,
            c.json_include_output_fields_property};
}

namespace {

std::string internal_text(const Alert& a) {
    std::string line =
        clock_text(a.time_ns) + ": " + priority_name(a.rule->priority) + " " + a.output + " (";
    const char* sep = "";
    for (const auto& [key, value] : a.fields.items()) {
        line +=
            sep + key + "=" + value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        sep = " ";
    }
    return line + ")";
}

std::string internal_json(const Alert& a, const std::string& hostname) {
    nlohmann::json j;
    j["hostname"] = hostname;
    j["output"] = a.output;
    j["output_fields"] = a.fields;
    j["priority"] = priority_name(a.rule->priority);
    j["rule"] = a.rule->name;
    j["source"] = "internal";
    j["time"] = rfc3339(a.time_ns);
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

Rule internal_rule(std::string name, Priority priority) {
    Rule r;
    r.name = std::move(name);
    r.priority = priority;
    r.source = "internal";
    return r;
}

std::string format_text(const Alert& a, bool time_iso_8601) {
    if (a.internal) return internal_text(a);
    return (time_iso_8601 ? iso8601_text(a.time_ns) : clock_text(a.time_ns)) + ": " +
           priority_name(a.rule->priority) + " " + a.output;
}

std::string format_json(const Alert& a, const std::string& hostname, const LineFormat& f) {
    if (a.internal) return internal_json(a, hostname);
    nlohmann::json j;
    j["hostname"] = hostname;
    if (f.include_output) j["output"] = format_text(a, f.time_iso_8601);
    if (f.include_message) j["message"] = a.output;
    if (f.include_output_fields) {
        j["output_fields"] = a.fields;
        // The text's time field is the one output_fields carries, as in Falco.
        if (f.time_iso_8601 && a.fields.contains("evt.time")) {
            j["output_fields"].erase("evt.time");
            j["output_fields"]["evt.time.iso8601"] = iso8601_text(a.time_ns);
        }
    }
    j["priority"] = priority_name(a.rule->priority);
    j["rule"] = a.rule->name;
    j["source"] = a.rule->source;
    if (f.include_tags) {
        std::vector<std::string> tags = a.rule->tags;
        std::sort(tags.begin(), tags.end());
        j["tags"] = tags;
    }
    j["time"] = rfc3339(a.time_ns);
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace saker::output
