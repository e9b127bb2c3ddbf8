#include "runtime/cli/falco_reports.h"

#include "frontend/frontend.h"
#include "runtime/cli/commands.h"

#include <llvm/Config/llvm-config.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <sys/utsname.h>

namespace saker::cli {

namespace {

using nlohmann::json;

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// The rules files a run would load (config::rules_files_to_load).
std::vector<std::string> rules_files_of(const FalcoRequest& req, const config::Config& c) {
    return config::rules_files_to_load(req.rules_files, c, req.default_rules);
}

json describe_json(const Ruleset& rules, const std::string& only) {
    json out = {{"rules", json::array()}};
    for (const auto& r : rules.rules)
        if (only.empty() || r.name == only)
            out["rules"].push_back({{"info",
                                     {{"name", r.name},
                                      {"description", r.desc},
                                      {"condition", r.condition_text},
                                      {"output", r.output},
                                      {"priority", priority_name(r.priority)},
                                      {"source", r.source},
                                      {"tags", r.tags},
                                      {"enabled", r.enabled}}}});
    return out;
}

// Falco's two-column text: the name, then the description wrapped to the second column.
void describe_text(const json& d) {
    constexpr int kNameWidth = 51;
    std::cout << std::left << std::setw(kNameWidth) << "Rule"
              << "Description\n"
              << std::setw(kNameWidth) << "----"
              << "-----------\n";
    for (const auto& r : d["rules"]) {
        std::string name = r["info"]["name"], desc = r["info"]["description"];
        std::cout << std::setw(kNameWidth) << name;
        if (name.size() >= kNameWidth) std::cout << "\n" << std::string(kNameWidth, ' ');
        std::istringstream words(desc);
        size_t col = 0;
        for (std::string w; words >> w;) {
            if (col && col + 1 + w.size() > 110 - kNameWidth)
                std::cout << "\n" << std::string(kNameWidth, ' '), col = 0;
            std::cout << (col ? " " : "") << w;
            col += (col ? 1 : 0) + w.size();
        }
        std::cout << "\n\n";
    }
}

// Prints the description of `only` ("": every rule); false when `only` names no rule.
bool describe(const Ruleset& rules, bool json_output, const std::string& only) {
    if (!only.empty() && !rules.find(only)) {
        std::cerr << "Error: Rule with name '" << only << "' not found\n";
        return false;
    }
    json d = describe_json(rules, only);
    if (json_output)
        std::cout << d.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    else
        describe_text(d);
    return true;
}

} // namespace

void print_version(bool json_output) {
    if (json_output) {
        std::cout << json{{"saker_version", SAKER_VERSION},
                          {"engine_version", SAKER_ENGINE_VERSION},
                          {"engine_version_semver", SAKER_ENGINE_VERSION},
                          {"llvm_version", LLVM_VERSION_STRING}}
                         .dump()
                  << "\n";
        return;
    }
    std::cout << "saker version: " << SAKER_VERSION << "\n"
              << "Engine:        " << SAKER_ENGINE_VERSION
              << " (the Falco rules language version saker implements)\n"
              << "LLVM:          " << LLVM_VERSION_STRING << "\n"
              << "Driver:        saker's CO-RE eBPF probe (built in)\n";
}

void print_events(bool json_output) {
    if (json_output) {
        json out = json::array();
        for (auto name : known_event_types())
            out.push_back(std::string(name));
        std::cout << out.dump(2) << "\n";
        return;
    }
    for (auto name : known_event_types())
        std::cout << name << "\n";
}

bool validate_rules(const std::vector<std::string>& entries, bool json_output,
                    const std::optional<std::string>& describe_what) {
    std::vector<std::string> files = config::expand_rules_files(entries);
    std::cerr << "Validating rules file(s):\n";
    for (const auto& f : files)
        std::cerr << "   " << f << "\n";
    if (files.empty()) {
        std::cerr << "Error: no rules files: the folders given hold no *.yaml or *.yml file\n";
        return false;
    }
    SourceManager sources;
    Diagnostics diags;
    Ruleset rules = load_rules(files, sources, diags);
    // Each diagnostic belongs to the file it points into (a file it could not read has no
    // position: its rendering starts with the file's name).
    std::vector<std::vector<const Diagnostic*>> per_file(files.size());
    for (const auto& d : diags.all()) {
        std::string rendered = Diagnostics::render(sources, d);
        size_t owner = files.size() - 1;
        for (size_t i = 0; i < files.size(); ++i)
            if ((d.loc.file && sources.name(d.loc.file) == files[i]) ||
                (!d.loc.file && rendered.starts_with(files[i] + ":")))
                owner = i;
        per_file[owner].push_back(&d);
    }
    json results = json::array();
    std::string summary;
    for (size_t i = 0; i < files.size(); ++i) {
        json result = {{"name", files[i]},
                       {"successful", true},
                       {"errors", json::array()},
                       {"warnings", json::array()}};
        std::string errors, warnings;
        for (const Diagnostic* d : per_file[i]) {
            const bool is_error = d->severity == Severity::Error;
            (is_error ? errors : warnings) += Diagnostics::render(sources, *d);
            json position = {{"name", d->loc.file ? sources.name(d->loc.file) : files[i]},
                             {"line", d->loc.line},
                             {"column", d->loc.col}};
            result[is_error ? "errors" : "warnings"].push_back(
                {{"message", d->message},
                 {"context", {{"locations", {{{"position", position}}}}}}});
            if (is_error) result["successful"] = false;
        }
        results.push_back(result);
        summary += files[i] + (!errors.empty()     ? ": Invalid\n" + errors
                               : !warnings.empty() ? ": Ok, with warnings\n"
                                                   : ": Ok\n");
        if (errors.empty() && !warnings.empty()) std::cerr << warnings;
    }
    const bool ok = !diags.has_errors();
    if (json_output) {
        json out = {{"falco_load_results", results}};
        if (ok && describe_what)
            out["falco_describe_results"] = describe_json(rules, *describe_what);
        std::cout << out.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
        return ok && (!describe_what || describe_what->empty() || rules.find(*describe_what));
    }
    std::cout << summary;
    if (ok && describe_what) {
        std::cout << "\n";
        return describe(rules, false, *describe_what);
    }
    return ok;
}

bool describe_rules(const FalcoRequest& req, const config::Config& c, const std::string& only) {
    SourceManager sources;
    Diagnostics diags;
    Ruleset rules;
    if (!load_for_command(rules_files_of(req, c), sources, diags, rules)) return false;
    config::apply_rule_selectors(c.rules, rules); // `enabled` as the configuration leaves it
    return describe(rules, c.json_output, only);
}

bool print_support(const FalcoRequest& req, const config::LoadResult& loaded) {
    json support;
    struct utsname u {};
    if (uname(&u) != 0) {
        std::cerr << "Error: Could not get system info\n";
        return false;
    }
    support["system_info"] = {{"sysname", u.sysname},
                              {"nodename", u.nodename},
                              {"release", u.release},
                              {"version", u.version},
                              {"machine", u.machine}};
    support["version"] = SAKER_VERSION;
    support["engine_info"] = {{"engine_version", SAKER_ENGINE_VERSION},
                              {"engine_version_semver", SAKER_ENGINE_VERSION},
                              {"llvm_version", LLVM_VERSION_STRING}};
    support["cmdline"] = req.cmdline;
    support["config"] = loaded.merged;
    support["rules_files"] = json::array();
    for (const auto& f : rules_files_of(req, loaded.config)) {
        std::string text = read_file(f);
        support["rules_files"].push_back(
            {{"name", f}, {"sha256", config::file_sha256(f)}, {"variants", {{{"content", text}}}}});
    }
    std::cout << support.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    return true;
}

} // namespace saker::cli
