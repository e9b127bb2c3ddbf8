// docs/RULES_FIDELITY.md is derived, not written: this test loads Falco's three upstream rules
// files (unmodified, from SAKER_CORPUS_DIR), classifies every rule from what saker supports and
// compares the result with the checked-in document; SAKER_GOLDEN_UPDATE=1 rewrites it.
//
// A rule is classified from facts the code holds:
//   - the fields its expanded condition and its output name, against the registry's supported
//     set (FieldInfo::supported(), which tests/fields holds equal to the extractor table), and
//     the rules the loader rejected for naming an unsupported field (Ruleset::rejected);
//   - the event types it can match, against the syscalls the probe captures;
//   - the live tests in tests/rules that name it (the proof that it fires).
// Classes: "fires" (every condition field supported, at least one of its event types captured),
// "cannot fire on this kind of host" (a condition field Falco itself never sets: no agent can
// observe it), "does not fire yet" (anything else, with what is missing).
#include "frontend/fields.h"
#include "frontend/frontend.h"
#include "runtime/capture/syscalls.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using namespace saker;

namespace {

const char* const kFiles[] = {"falco_rules.yaml", "falco-incubating_rules.yaml",
                              "falco-sandbox_rules.yaml"};

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Fields Falco's own extractors never give a value (the registry's kFieldNoValue): a condition
// that needs one cannot fire under Falco either.
bool never_set_by_falco(std::string_view f) {
    const FieldInfo* info = FieldRegistry::instance().find(f);
    return info && (info->flags & kFieldNoValue);
}

// Fields whose extractor exists but does not have Falco's whole meaning yet (issue 11), with
// what is missing. `blocks`: the gap keeps the usual trigger from matching (the rule is "does
// not fire yet"); otherwise the rule fires and the gap is noted. An entry goes when its fix
// lands; the registry walk (tests/fields) keeps every other field honest.
struct Gap {
    std::string_view what;
    bool blocks;
};
const std::map<std::string, Gap, std::less<>>& gaps() {
    static const std::map<std::string, Gap, std::less<>> m = [] {
        std::map<std::string, Gap, std::less<>> g;
        return g;
    }();
    return m;
}

void fields_of(const ast::Operand& o, std::set<std::string>& out) {
    if (o.kind == ast::Operand::Kind::Field && o.info) out.insert(std::string(o.info->name));
    for (const auto& a : o.args)
        fields_of(a, out);
}

// Rule name -> the live test files that name it (as a C string literal).
std::map<std::string, std::set<std::string>> proofs(const std::vector<std::string>& names) {
    std::map<std::string, std::set<std::string>> out;
    fs::path dir = fs::path(SAKER_SOURCE_DIR) / "tests" / "rules";
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() != ".cpp" || e.path().filename() == "fidelity_test.cpp") continue;
        std::string text = read(e.path());
        for (const auto& n : names)
            if (text.find("\"" + n + "\"") != std::string::npos)
                out[n].insert("tests/rules/" + e.path().filename().string());
    }
    return out;
}

std::string join(const std::set<std::string>& s, const char* sep = ", ") {
    std::string out;
    for (const auto& x : s)
        out.append(out.empty() ? "" : sep).append("`" + x + "`");
    return out;
}

struct Row {
    std::string file, rule, status, detail, proof;
};

std::string classify_all() {
    std::vector<RuleSource> inputs;
    for (const char* f : kFiles)
        inputs.push_back({f, read(fs::path(SAKER_CORPUS_DIR) / f)});
    SourceManager sm;
    Diagnostics diags;
    Ruleset rs = load_rules(inputs, sm, diags);

    std::vector<Row> rows;
    std::vector<std::string> names;
    for (const Rule& r : rs.rules)
        names.push_back(r.name);
    for (const RejectedRule& r : rs.rejected)
        names.push_back(r.name);
    auto proven = proofs(names);

    auto add = [&](const std::string& file, const std::string& name, std::set<std::string> cond,
                   const std::set<std::string>& out_missing, const EventTypes* types) {
        Row row{file, name, "", "", ""};
        std::set<std::string> missing, never;
        for (const auto& f : cond) {
            const FieldInfo* info = FieldRegistry::instance().find(f);
            if (never_set_by_falco(f))
                never.insert(f); // supported (no value, as in Falco) or not: it cannot fire
            else if (!info || !info->supported())
                missing.insert(f);
        }
        std::set<std::string> uncaptured;
        bool any_captured = !types || types->all;
        if (types && !types->all)
            for (const auto& t : types->names) {
                if (capture::produces_event(t))
                    any_captured = true;
                else
                    uncaptured.insert(t);
            }
        std::set<std::string> blocking, noted;
        std::set<std::string_view> gap_texts;
        for (const auto& f : cond)
            if (auto it = gaps().find(f); it != gaps().end()) {
                (it->second.blocks ? blocking : noted).insert(f);
                gap_texts.insert(it->second.what);
            }
        std::string notes;
        for (auto t : gap_texts)
            notes += std::string(t) + ". ";
        if (!uncaptured.empty()) notes += "event types never produced: " + join(uncaptured) + ". ";
        if (!out_missing.empty())
            notes += "output prints `<NA>` for unsupported " + join(out_missing) + ". ";
        if (!never.empty()) {
            row.status = "cannot fire on this kind of host";
            row.detail = "needs " + join(never) + ", which Falco itself never sets. " + notes;
        } else if (!missing.empty() || !any_captured || !blocking.empty()) {
            row.status = "does not fire yet";
            row.detail =
                (missing.empty() ? "" : "unsupported condition fields " + join(missing) + ". ") +
                (blocking.empty() ? "" : "incomplete " + join(blocking) + ": ") +
                (any_captured ? "" : "none of its event types is captured. ") + notes;
        } else if (!noted.empty()) {
            row.status = "fires, with a gap";
            row.detail = "incomplete " + join(noted) + ": " + notes;
        } else {
            row.status = "fires with full meaning";
            row.detail = notes;
        }
        if (auto it = proven.find(name); it != proven.end()) row.proof = join(it->second);
        while (!row.detail.empty() && row.detail.back() == ' ')
            row.detail.pop_back();
        rows.push_back(row);
    };
    for (const Rule& r : rs.rules) {
        std::set<std::string> cond, out_missing;
        ast::for_each_node(*r.condition, [&](const ast::Expr& e) {
            if (e.kind != ast::Expr::Kind::Compare) return;
            fields_of(e.lhs, cond);
            fields_of(e.rhs, cond);
        });
        for (const auto& t : r.output_tokens)
            if (t.is_field && t.info && !t.info->supported())
                out_missing.insert(std::string(t.info->name));
        add(sm.name(r.loc.file), r.name, cond, out_missing, &r.evttypes);
    }
    for (const RejectedRule& r : rs.rejected)
        add(sm.name(r.loc.file), r.name,
            std::set<std::string>(r.unsupported_fields.begin(), r.unsupported_fields.end()), {},
            nullptr);
    // In file order, then the order of the rules in the file.
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        auto rank = [](const std::string& f) {
            for (std::size_t i = 0; i < std::size(kFiles); ++i)
                if (f == kFiles[i]) return i;
            return std::size(kFiles);
        };
        return rank(a.file) < rank(b.file);
    });

    std::map<std::string, int> counts;
    for (const auto& r : rows)
        ++counts[r.status];
    std::ostringstream md;
    md << "# Upstream rules: what fires\n\n"
          "Generated by `tests/rules/fidelity_test.cpp` from Falco's three upstream rules files "
          "(`../shared/rules-corpus/`, unmodified) and saker's field registry, event capture and "
          "tests; regenerate with `SAKER_GOLDEN_UPDATE=1 build/tests/rules/fidelity_tests`. The "
          "test fails when this file is out of date.\n\n"
          "- **fires with full meaning**: every field of the condition has an extractor with "
          "Falco's meaning and the probe produces its event types.\n"
          "- **fires, with a gap**: it fires, but a field it uses lacks part of Falco's "
          "meaning (named), so some triggers are missed.\n"
          "- **cannot fire on this kind of host**: the condition needs a field Falco itself never "
          "sets.\n"
          "- **does not fire yet**: what is missing is named (an unsupported field is rejected "
          "at load, see docs/FIELDS.md).\n\n"
          "Proof: the live tests that run the rule on its real trigger and a look-alike.\n\n";
    md << rows.size() << " rules:";
    for (const auto& [status, n] : counts)
        md << " " << n << " " << status << ";";
    md << "\n\n| file | rule | status | details | proven by |\n|---|---|---|---|---|\n";
    for (const auto& r : rows)
        md << "| " << r.file << " | " << r.rule << " | " << r.status << " | " << r.detail << " | "
           << r.proof << " |\n";
    return md.str();
}

} // namespace

TEST_CASE("docs/RULES_FIDELITY.md is what the code supports") {
    std::string actual = classify_all();
    fs::path doc = fs::path(SAKER_SOURCE_DIR) / "docs" / "RULES_FIDELITY.md";
    if (std::getenv("SAKER_GOLDEN_UPDATE")) {
        std::ofstream(doc, std::ios::binary) << actual;
        return;
    }
    INFO("regenerate with SAKER_GOLDEN_UPDATE=1 and review the change");
    CHECK(read(doc) == actual);
}
