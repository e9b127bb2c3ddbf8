// Collector: merges the items of several rules files, in load order, with Falco's
// define / append / override semantics.
//
// Contract: a redefinition replaces an item in place (it keeps its position); an append or
// override needs an earlier definition; `index` is an item's first position and
// `visibility` the sequence number of its last change, so a macro or list sees exactly the
// items defined before it (index < its visibility). Engine-version and plugin requirements
// are checked here. Errors go to Diagnostics; the collector never throws.
#pragma once

#include "frontend/rule_reader.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace saker {

struct CollectedList {
    RawList raw;
    size_t index = 0;
    size_t visibility = 0;
};

struct CollectedMacro {
    RawMacro raw;
    size_t index = 0;
    size_t visibility = 0;
};

struct CollectedRule {
    Located<std::string> name;
    Located<std::string> desc;
    MappedText condition;
    SourceLoc condition_loc;
    MappedText output;
    Priority priority = Priority::Debug;
    std::vector<std::string> tags;
    bool enabled = true;
    std::string source = "syscall";
    bool warn_evttypes = true;
    bool skip_if_unknown_filter = false;
    std::vector<RawException> exceptions;
};

class RuleCollector {
  public:
    explicit RuleCollector(Diagnostics& diags) : diags_(diags) {}

    void add(std::vector<RawItem> items);

    const std::vector<CollectedList>& lists() const { return lists_; }
    const std::vector<CollectedMacro>& macros() const { return macros_; }
    const std::vector<CollectedRule>& rules() const { return rules_; }

  private:
    Diagnostics& diags_;
    size_t seq_ = 0;
    std::vector<CollectedList> lists_;
    std::vector<CollectedMacro> macros_;
    std::vector<CollectedRule> rules_;
    std::unordered_map<std::string, size_t> list_at_, macro_at_, rule_at_;

    void add_list(RawList l);
    void add_macro(RawMacro m);
    void add_rule(RawRule r);
    void define_rule(RawRule& r);
    void override_rule(CollectedRule& into, RawRule& r);
    void append_rule_legacy(CollectedRule& into, RawRule& r);
    void merge_exceptions(CollectedRule& into, std::vector<RawException> more);
    void check_engine_version(const RawEngineVersion& v);
    void check_plugins(const std::vector<RawPluginRequirement>& plugins);
};

// The Falco engine version whose rule language saker implements.
const char* engine_version();

} // namespace saker
