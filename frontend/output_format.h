// Output formats: `%field` and `%field[arg]` references inside a rule's output text.
//
// Contract: splits an output string into literal and field tokens and resolves each field
// against the registry, reporting an unknown or unsupported field at its own location (the
// text's origin) as Falco does: an error, or a skipped rule under skip-if-unknown-filter. `%%` is a
// literal percent sign; `%` not followed by a field name is kept as text, as Falco does.
#pragma once

#include "frontend/checker.h"
#include "frontend/parser.h"
#include "frontend/rules.h"

namespace saker {

struct OutputCheck {
    bool ok = true;
    FieldIssues fields;
};

OutputCheck parse_output_format(const MappedText& output, std::vector<OutputToken>& tokens,
                                Diagnostics& diags);
// The same for a format with no source text (configuration, command line): errors at `loc`.
OutputCheck parse_output_format(const std::string& output, SourceLoc loc,
                                std::vector<OutputToken>& tokens, Diagnostics& diags);

} // namespace saker
