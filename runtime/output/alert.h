// Alerts: what a matching rule produces, rendered the way Falco renders it.
//
// Contract:
// - `render_alert` resolves the rule's output format against the event's fields while they are
//   valid (inside the event callback) and returns a self-contained Alert.
// - Text form: `HH:MM:SS.nnnnnnnnn: Priority Output` (local time; with time_format_iso_8601
//   `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+hhmm`), one line: control characters
//   and invalid UTF-8 in field values are escaped, so a hostile file name cannot forge a line.
// - JSON form: Falco's keys (`hostname`, `output`, `output_fields`, `priority`, `rule`, `source`,
//   `tags`, `time` as RFC 3339 UTC with nanoseconds), `output_fields` typed: numbers as numbers,
//   absent values as null. Always valid JSON on one line.
#pragma once

#include "frontend/rules.h"
#include "runtime/config/config.h"
#include "runtime/eval_context.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace saker::output {

// The field requests of a rule's output tokens, built once per rule, and the tokens appended to
// every rule's output. Falco (with its container plugin) appends
// ` container_id=%container.id container_name=%container.name`; saker does the same by default.
// Field requests point into the tokens: move a plan, never copy it.
struct OutputPlan {
    std::vector<OutputToken> tokens;    // the rule's tokens, then the appended ones
    std::vector<FieldRequest> requests; // one per field token, in order
    // append_output's extra_fields: JSON `output_fields` entries that the text line omits.
    struct ExtraField {
        std::string name;
        std::vector<OutputToken> tokens;
        std::vector<FieldRequest> requests;
        bool typed = false; // a lone field (`- evt.hostname`): its typed value, not text
    };
    std::vector<ExtraField> extra_fields;
};
OutputPlan plan_output(const Rule& rule, const std::vector<OutputToken>& appended);
// Parses an `append_output`-style suffix into tokens (fields resolved); empty on error.
std::vector<OutputToken> parse_appended_output(const std::string& suffix);
// Adds append_output `extra_fields` to a plan: a field name becomes that field's typed value
// under its name; `name: FORMAT` becomes the rendered text. Returns false, with `error`
// naming the entry, for a field or format that does not resolve.
bool add_extra_fields(OutputPlan& plan, const std::vector<config::AppendOutput::ExtraField>& fields,
                      std::string& error);
constexpr const char* kDefaultAppendedOutput =
    " container_id=%container.id container_name=%container.name";

struct Alert {
    const Rule* rule = nullptr;
    uint64_t time_ns = 0; // nanoseconds since the epoch
    std::string output;   // the rendered output text (without time and priority)
    nlohmann::json fields = nlohmann::json::object(); // output_fields
    // One of Falco's internal messages (drops, metrics snapshots), rendered as Falco renders
    // them rather than as a rule's alert: text `TIME: Priority OUTPUT (k=v k=v)` with the
    // fields as JSON values; JSON with source "internal", the output without time and
    // priority, no tags; the json_include_* switches and time_format_iso_8601 do not apply.
    bool internal = false;
};

// The rule an internal message names (Alert::internal): Falco's rule name and priority,
// source "internal".
Rule internal_rule(std::string name, Priority priority);

Alert render_alert(const Rule& rule, const OutputPlan& plan, FieldSource& source, uint64_t time_ns);

// Falco's switches for turning an alert into a line.
struct LineFormat {
    bool json = false;
    bool time_iso_8601 = false; // time_format_iso_8601: the text time as evt.time.iso8601
    bool include_output = true; // JSON "output": the text line
    bool include_tags = true;
    bool include_message = false;      // JSON "message": the output without time and priority
    bool include_output_fields = true; // JSON "output_fields"
    static LineFormat of(const config::Config& c);
};

std::string format_text(const Alert& a, bool time_iso_8601 = false);
std::string format_json(const Alert& a, const std::string& hostname, const LineFormat& f = {});
std::string format_line(const Alert& a, const std::string& hostname, const LineFormat& f);

// "20:40:31.244672790" (local time) for a time in nanoseconds since the epoch.
std::string clock_text(uint64_t time_ns);
// "2026-11-27T21:40:31.244672790+0100" (local time, as evt.time.iso8601).
std::string iso8601_text(uint64_t time_ns);
// "2026-11-27T20:40:21.213210587Z".
std::string rfc3339(uint64_t time_ns);

} // namespace saker::output
