// Prometheus text exposition format 0.0.4: names, escaping and numbers.
//
// Contract:
// - Metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* and do not
//   start with "__" (reserved by Prometheus).
// - Label values escape backslash, double quote and newline (\\ \" \n); HELP text escapes
//   backslash and newline. Invalid UTF-8 becomes U+FFFD, so a hostile rule name can neither
//   break the line structure nor make the page unparsable.
// - Numbers: integers exactly; doubles in the shortest form that reads back to the same value,
//   +Inf, -Inf and NaN as Prometheus spells them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace saker::metrics {

inline constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);

void append_help_text(std::string& out, std::string_view help);
void append_label_value(std::string& out, std::string_view value);
void append_number(std::string& out, uint64_t v);
void append_number(std::string& out, double v);

// `name{l1="v1",...,extra_name="extra_value"} ` - the sample line up to its value. Label pairs
// come from `names` and `values` (same length); `extra_name` (e.g. "le") is added when not empty.
void append_series(std::string& out, std::string_view name, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, std::string_view extra_name = {},
                   std::string_view extra_value = {});

} // namespace saker::metrics
