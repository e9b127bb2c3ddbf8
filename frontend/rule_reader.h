// Reader: one rules file (YAML) -> plain items with source locations.
//
// Contract: `read_rules_file` checks the YAML shape (types of keys, known item kinds) and
// reports each problem at its file:line:col; it never throws. It does not know what other
// files defined: define/append/override is the collector's job. Unknown keys are warnings.
#pragma once

#include "frontend/parser.h"
#include "frontend/rules.h"
#include "frontend/source.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace saker {

template <class T> struct Located {
    T value{};
    SourceLoc loc;
};

enum class OverrideMode : uint8_t { None, Append, Replace };

struct RawList {
    Located<std::string> name;
    std::vector<Located<std::string>> items;
    bool append = false;
    OverrideMode items_override = OverrideMode::None;
};

struct RawMacro {
    Located<std::string> name;
    MappedText condition;
    SourceLoc condition_loc;
    bool append = false;
    OverrideMode condition_override = OverrideMode::None;
};

// One value cell of an exception: a scalar or a YAML list of scalars.
struct RawExceptionCell {
    bool is_list = false;
    std::vector<Located<std::string>> items; // one item when !is_list
    SourceLoc loc;
};

struct RawException {
    Located<std::string> name;
    bool fields_is_list = false;
    std::vector<Located<std::string>> fields;
    bool comps_given = false;
    std::vector<Located<std::string>> comps;
    // One row per entry of `values`: a tuple (a YAML list: one cell per field) or, in the
    // single-field form, a plain value.
    struct Row {
        bool is_list = false;
        SourceLoc loc;
        std::vector<RawExceptionCell> cells;
    };
    std::vector<Row> values;
    SourceLoc loc;
};

struct RawRule {
    Located<std::string> name;
    std::optional<Located<std::string>> desc;
    std::optional<MappedText> condition;
    SourceLoc condition_loc;
    std::optional<MappedText> output; // mapped: a field's errors point into the output
    std::optional<Located<Priority>> priority;
    std::optional<Located<std::vector<std::string>>> tags;
    std::optional<Located<bool>> enabled;
    std::optional<Located<std::string>> source;
    std::optional<Located<bool>> warn_evttypes;
    std::optional<Located<bool>> skip_if_unknown_filter;
    std::optional<Located<std::vector<RawException>>> exceptions;
    bool append = false;
    std::map<std::string, Located<OverrideMode>> overrides; // key -> mode
    std::vector<Located<std::string>> keys;                 // every key present, in order
};

struct RawEngineVersion {
    Located<std::string> version; // as written: "0.57.0" or "26"
};

struct RawPluginRequirement {
    Located<std::string> name;
    Located<std::string> version;
};

struct RawItem {
    enum class Kind : uint8_t { List, Macro, Rule, EngineVersion, PluginVersions } kind;
    RawList list;
    RawMacro macro;
    RawRule rule;
    RawEngineVersion engine;
    std::vector<RawPluginRequirement> plugins;
};

// Reads one registered file (by SourceManager id) into items.
std::vector<RawItem> read_rules_file(const SourceManager& sources, uint32_t file,
                                     Diagnostics& diags);

} // namespace saker
