// Output formats: `%field` and `%field[arg]` references inside a rule's output text.
//
// Contract: splits an output string into literal and field tokens and resolves each field
// against the registry, reporting unknown fields at the output's location. `%%` is a literal
// percent sign; `%` not followed by a field name is kept as text, as Falco does.
#pragma once

#include "frontend/rules.h"

namespace saker {

struct OutputCheck {
    bool ok = true;
    bool unknown_field = false;
};

OutputCheck parse_output_format(const std::string& output, SourceLoc loc,
                                std::vector<OutputToken>& tokens, Diagnostics& diags);

} // namespace saker
