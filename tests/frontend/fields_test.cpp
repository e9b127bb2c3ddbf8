// Tests of the field registry (frontend/fields.h): lookups, the table's invariants, argument
// kinds and types of well-known fields, and coverage of the upstream Falco ruleset.
#include "frontend/fields.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#ifndef SAKER_CORPUS_DIR
#error "SAKER_CORPUS_DIR must name the rules corpus directory, e.g. -DSAKER_CORPUS_DIR='\"/x\"'"
#endif

using saker::FieldArg;
using saker::FieldInfo;
using saker::FieldRegistry;
using saker::FieldType;

namespace {

std::string read_corpus_file(const std::string& name) {
    std::string path = std::string(SAKER_CORPUS_DIR) + "/" + name;
    std::ifstream in(path);
    INFO("reading " << path);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

size_t indent_of(const std::string& line) {
    size_t n = line.find_first_not_of(' ');
    return n == std::string::npos ? line.size() : n;
}

// The text of every `condition:` and `output:` value and of every `fields:` entry of an
// `exceptions:` block in a rules file, without descriptions, list items or comments (which
// mention things like `user.log` or `registry.k8s.io` that are not fields). A small line-based
// reader: enough for the block and plain scalars rules files use.
std::string rule_expressions(const std::string& yaml) {
    static const std::regex key_re(R"(^( *)(- +)?([A-Za-z_]+):(.*)$)");
    std::string out;
    std::istringstream in(yaml);
    std::string line;
    enum class Block { None, Expr, Exceptions } block = Block::None;
    size_t block_indent = 0; // indentation of the key that opened the block
    bool in_fields = false;  // inside `fields:` of an exceptions block
    size_t fields_indent = 0;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        size_t ind = indent_of(line);
        bool blank = ind == line.size();
        if (block != Block::None && (blank || ind > block_indent)) {
            if (block == Block::Expr) {
                out += line + "\n";
                continue;
            }
            // Exceptions: keep only the `fields:` entries.
            std::smatch m;
            if (std::regex_match(line, m, key_re)) {
                size_t key_ind = m[1].length() + m[2].length();
                if (m[3] == "fields") {
                    in_fields = true;
                    fields_indent = key_ind;
                    out += std::string(m[4]) + "\n";
                    continue;
                }
                if (key_ind <= fields_indent) in_fields = false;
            } else if (in_fields && !blank && ind <= fields_indent &&
                       line.compare(ind, 2, "- ") != 0) {
                in_fields = false;
            }
            if (in_fields) out += line + "\n";
            continue;
        }
        block = Block::None;
        in_fields = false;
        if (blank || line[ind] == '#') continue;
        std::smatch m;
        if (!std::regex_match(line, m, key_re)) continue;
        std::string key = m[3];
        size_t key_ind = m[1].length() + m[2].length();
        if (key == "condition" || key == "output") {
            block = Block::Expr;
            block_indent = key_ind;
            std::string rest = m[4];
            if (rest.find_first_not_of(" >|-+") != std::string::npos) out += rest + "\n";
        } else if (key == "exceptions") {
            block = Block::Exceptions;
            block_indent = key_ind;
        }
    }
    return out;
}

// The rules file without the values of `items:` keys: list items are values such as
// `user.log` (a log file name) or image names, not field references. Comments and descriptions
// stay in: they name real fields too (`proc.vpgid.name`, `fd.types[0]`, `syscall.type`).
std::string without_list_items(const std::string& yaml) {
    static const std::regex key_re(R"(^( *)(- +)?([A-Za-z_]+):(.*)$)");
    std::string out;
    std::istringstream in(yaml);
    std::string line;
    bool skipping = false;
    size_t skip_indent = 0;
    while (std::getline(in, line)) {
        size_t ind = indent_of(line);
        bool blank = ind == line.size();
        if (skipping && (blank || ind > skip_indent)) continue;
        skipping = false;
        std::smatch m;
        if (std::regex_match(line, m, key_re) && m[3] == "items") {
            skipping = true;
            skip_indent = m[1].length() + m[2].length();
            continue;
        }
        out += line + "\n";
    }
    return out;
}

// Every field reference in the given rule text, as written up to any `[` argument, with a
// trailing '.' (end of a sentence) removed.
std::set<std::string> field_references(const std::string& text) {
    static const std::regex ref_re(
        R"(\b(evt|proc|thread|user|group|fd|fs|container|k8s|syscall)\.[A-Za-z0-9_.]+)");
    std::set<std::string> refs;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), ref_re);
         it != std::sregex_iterator(); ++it) {
        size_t pos = static_cast<size_t>(it->position(0));
        // Part of a host name or a path (`registry.k8s.io/...`), not a field.
        if (pos > 0 && (text[pos - 1] == '.' || text[pos - 1] == '/' || text[pos - 1] == '-'))
            continue;
        std::string name = it->str(0);
        while (!name.empty() && name.back() == '.')
            name.pop_back();
        refs.insert(name);
    }
    return refs;
}

const FieldInfo* resolve(const std::string& name) {
    const FieldRegistry& reg = FieldRegistry::instance();
    if (const FieldInfo* f = reg.find(name)) return f;
    std::string_view arg;
    return reg.find_dotted(name, &arg);
}

const FieldInfo& field(std::string_view name) {
    const FieldInfo* f = FieldRegistry::instance().find(name);
    INFO("field " << name);
    REQUIRE(f != nullptr);
    return *f;
}

} // namespace

TEST_CASE("every field the upstream Falco ruleset names resolves", "[fields]") {
    std::string yaml = read_corpus_file("falco_rules.yaml");

    auto check_all_resolve = [](const std::set<std::string>& refs) {
        std::vector<std::string> unresolved;
        for (const std::string& name : refs)
            if (!resolve(name)) unresolved.push_back(name);
        std::string joined;
        for (const auto& u : unresolved)
            joined += " " + u;
        INFO("unresolved:" << joined);
        CHECK(unresolved.empty());
    };

    SECTION("in conditions, outputs and exception fields") {
        std::set<std::string> refs = field_references(rule_expressions(yaml));
        // Guard against a reader that silently finds nothing.
        CHECK(refs.size() >= 60);
        for (const char* expected : {"proc.aname", "evt.arg.flags", "fd.sip.name", "k8s.ns.name",
                                     "proc.exe_ino.ctime_duration_proc_start",
                                     "container.image.repository", "proc.is_exe_from_memfd"}) {
            INFO(expected);
            CHECK(refs.count(expected) == 1);
        }
        check_all_resolve(refs);
    }

    SECTION("anywhere in the file, comments and descriptions included") {
        std::set<std::string> refs = field_references(without_list_items(yaml));
        for (const char* expected : {"syscall.type", "fd.types", "proc.vpgid.name",
                                     "proc.vpgid.exe", "proc.ppid.duration", "evt.type"}) {
            INFO(expected);
            CHECK(refs.count(expected) == 1);
        }
        // List items and host names must not leak in.
        CHECK(refs.count("user.log") == 0);
        CHECK(refs.count("k8s.io") == 0);
        check_all_resolve(refs);
    }
}

TEST_CASE("the rule reader keeps conditions, outputs and exception fields", "[fields]") {
    const std::string yaml = R"(- list: logs
  items: [user.log, kern.log]
# condition: evt.commented
- rule: Example
  desc: mentions desc.field and proc.indesc
  condition: >
    evt.type = openat
    and proc.name = cat
  exceptions:
    - name: by_proc
      fields: [proc.exc1, fd.exc2]
      comps: [=, =]
      values:
        - [proc.value1, fd.value2]
    - name: by_parent
      fields:
        - proc.exc3
      values: [[thread.value3]]
  output: read by %user.name (file=%fd.name)
  priority: WARNING
)";
    std::set<std::string> refs = field_references(rule_expressions(yaml));
    std::set<std::string> want = {"evt.type",  "proc.name", "proc.exc1", "fd.exc2",
                                  "proc.exc3", "user.name", "fd.name"};
    CHECK(refs == want);

    std::set<std::string> all = field_references(without_list_items(yaml));
    CHECK(all.count("user.log") == 0);
    CHECK(all.count("evt.commented") == 1);
    CHECK(all.count("proc.indesc") == 1);
}

TEST_CASE("event types the upstream Falco ruleset compares evt.type with are known", "[fields]") {
    std::string text = rule_expressions(read_corpus_file("falco_rules.yaml"));
    static const std::regex eq_re(R"(evt\.type\s*!?=\s*([A-Za-z_0-9]+))");
    static const std::regex in_re(R"(evt\.type\s+in\s*\(([^)]*)\))");
    static const std::regex word_re(R"([A-Za-z_0-9]+)");
    std::set<std::string> names;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), eq_re);
         it != std::sregex_iterator(); ++it)
        names.insert(it->str(1));
    for (auto it = std::sregex_iterator(text.begin(), text.end(), in_re);
         it != std::sregex_iterator(); ++it) {
        std::string list = it->str(1);
        for (auto w = std::sregex_iterator(list.begin(), list.end(), word_re);
             w != std::sregex_iterator(); ++w)
            names.insert(w->str(0));
    }
    CHECK(names.size() >= 10);
    for (const std::string& n : names) {
        INFO("event type " << n);
        CHECK(saker::is_known_event_type(n));
    }
}

TEST_CASE("the field table is consistent", "[fields]") {
    const FieldRegistry& reg = FieldRegistry::instance();
    auto all = reg.all();
    CHECK(all.size() >= 250);

    std::set<std::string_view> names;
    for (size_t i = 0; i < all.size(); ++i) {
        const FieldInfo& f = all[i];
        INFO("row " << i << ": " << f.name);
        CHECK(f.id == i);
        CHECK(&reg.at(static_cast<uint16_t>(i)) == &f);
        CHECK(names.insert(f.name).second);
        CHECK(reg.find(f.name) == &f);
        CHECK(!f.description.empty());
        if (f.flags & saker::kFieldDottedArg)
            CHECK((f.arg == FieldArg::Key || f.arg == FieldArg::OptionalKey ||
                   f.arg == FieldArg::IndexOrKey));
    }
    CHECK(&FieldRegistry::instance() == &reg);
}

TEST_CASE("find() is exact", "[fields]") {
    const FieldRegistry& reg = FieldRegistry::instance();
    CHECK(reg.find("proc.name") != nullptr);
    CHECK(reg.find("") == nullptr);
    CHECK(reg.find("proc") == nullptr);
    CHECK(reg.find("proc.nam") == nullptr);
    CHECK(reg.find("proc.names") == nullptr);
    CHECK(reg.find("PROC.NAME") == nullptr);
    CHECK(reg.find("proc.aname[2]") == nullptr);
    CHECK(reg.find("evt.arg.flags") == nullptr);
}

TEST_CASE("argument kinds of fields that take arguments", "[fields]") {
    const FieldInfo& aname = field("proc.aname");
    CHECK(aname.type == FieldType::String);
    CHECK(aname.arg == FieldArg::OptionalIndex);
    CHECK(aname.takes_arg());
    CHECK_FALSE(aname.arg_required());
    CHECK_FALSE(aname.is_list());

    const FieldInfo& apid = field("proc.apid");
    CHECK(apid.type == FieldType::Int64);
    CHECK(apid.arg == FieldArg::OptionalIndex);
    CHECK(field("proc.aexepath").arg == FieldArg::OptionalIndex);
    CHECK(field("proc.aexe").arg == FieldArg::OptionalIndex);
    CHECK(field("proc.acmdline").arg == FieldArg::OptionalIndex);

    for (const char* name : {"evt.arg", "evt.rawarg"}) {
        const FieldInfo& f = field(name);
        INFO(name);
        CHECK(f.arg == FieldArg::IndexOrKey);
        CHECK((f.flags & saker::kFieldDottedArg) != 0);
        CHECK(f.takes_arg());
    }
    CHECK(field("evt.arg").type == FieldType::String);

    const FieldInfo& types = field("fd.types");
    CHECK(types.type == FieldType::String);
    CHECK(types.arg == FieldArg::OptionalIndex);
    CHECK(types.is_list());
    CHECK((types.flags & saker::kFieldDottedArg) == 0);

    const FieldInfo& env = field("proc.env");
    CHECK(env.type == FieldType::String);
    CHECK(env.arg == FieldArg::OptionalKey);
    CHECK_FALSE(env.arg_required());

    const FieldInfo& label = field("k8s.pod.label");
    CHECK(label.arg == FieldArg::Key);
    CHECK(label.arg_required());

    const FieldInfo& name = field("proc.name");
    CHECK(name.arg == FieldArg::None);
    CHECK_FALSE(name.takes_arg());
    CHECK(name.flags == saker::kFieldNone);
}

TEST_CASE("types of well-known fields", "[fields]") {
    struct Want {
        const char* name;
        FieldType type;
    };
    const Want wants[] = {
        {"proc.pid", FieldType::Int64},
        {"proc.ppid", FieldType::Int64},
        {"proc.tty", FieldType::Uint32},
        {"proc.args", FieldType::String},
        {"proc.cmdline", FieldType::String},
        {"proc.duration", FieldType::RelTime},
        {"proc.exe_ino.ctime", FieldType::AbsTime},
        {"proc.is_exe_upper_layer", FieldType::Bool},
        {"thread.tid", FieldType::Int64},
        {"thread.cap_effective", FieldType::String},
        {"user.uid", FieldType::Uint32},
        {"user.loginuid", FieldType::Int64},
        {"user.name", FieldType::String},
        {"group.gid", FieldType::Uint32},
        {"fd.num", FieldType::Int64},
        {"fd.typechar", FieldType::String},
        {"fd.sport", FieldType::Port},
        {"fd.lport", FieldType::Port},
        {"fd.sip", FieldType::IpAddr},
        {"fd.rip", FieldType::IpAddr},
        {"fd.net", FieldType::IpNet},
        {"fd.snet", FieldType::IpNet},
        {"fd.cnet", FieldType::IpNet},
        {"fd.lnet", FieldType::IpNet},
        {"fd.rnet", FieldType::IpNet},
        {"fd.sip.name", FieldType::String},
        {"evt.time", FieldType::AbsTime},
        {"evt.rawtime", FieldType::AbsTime},
        {"evt.num", FieldType::Uint64},
        {"evt.rawres", FieldType::Int64},
        {"evt.res", FieldType::String},
        {"evt.buffer", FieldType::Bytes},
        {"evt.is_open_read", FieldType::Bool},
        {"evt.cpu", FieldType::Int16},
        {"syscall.type", FieldType::String},
        {"fs.path.name", FieldType::String},
        {"container.privileged", FieldType::Bool},
        {"container.start_ts", FieldType::AbsTime},
        {"container.duration", FieldType::RelTime},
        {"k8s.ns.name", FieldType::String},
        {"k8s.pod.uid", FieldType::String},
    };
    for (const Want& w : wants) {
        INFO(w.name);
        CHECK(field(w.name).type == w.type);
    }
}

TEST_CASE("find_dotted splits a dotted argument off the longest field", "[fields]") {
    const FieldRegistry& reg = FieldRegistry::instance();
    std::string_view arg;

    const FieldInfo* f = reg.find_dotted("evt.arg.flags", &arg);
    REQUIRE(f != nullptr);
    CHECK(f->name == "evt.arg");
    CHECK(arg == "flags");

    f = reg.find_dotted("evt.rawarg.res", &arg);
    REQUIRE(f != nullptr);
    CHECK(f->name == "evt.rawarg");
    CHECK(arg == "res");

    // The key itself may contain dots.
    f = reg.find_dotted("k8s.pod.label.app.kubernetes.io", &arg);
    REQUIRE(f != nullptr);
    CHECK(f->name == "k8s.pod.label");
    CHECK(arg == "app.kubernetes.io");

    f = reg.find_dotted("evt.type.is.open", &arg);
    REQUIRE(f != nullptr);
    CHECK(f->name == "evt.type.is");
    CHECK(arg == "open");

    f = reg.find_dotted("thread.cgroup.cpuacct", &arg);
    REQUIRE(f != nullptr);
    CHECK(f->name == "thread.cgroup");
    CHECK(arg == "cpuacct");

    // A null arg pointer is allowed.
    CHECK(reg.find_dotted("evt.arg.name", nullptr) == reg.find("evt.arg"));

    arg = "untouched";
    CHECK(reg.find_dotted("evt.arg", &arg) == nullptr);      // no argument at all
    CHECK(reg.find_dotted("evt.arg.", &arg) == nullptr);     // empty argument
    CHECK(reg.find_dotted("proc.name.x", &arg) == nullptr);  // proc.name takes no argument
    CHECK(reg.find_dotted("proc.aname.2", &arg) == nullptr); // brackets only
    CHECK(reg.find_dotted("fd.types.0", &arg) == nullptr);
    CHECK(reg.find_dotted("nosuch.field.x", &arg) == nullptr);
    CHECK(reg.find_dotted("", &arg) == nullptr);
    CHECK(reg.find_dotted(".", &arg) == nullptr);
    CHECK(arg == "untouched");
}

TEST_CASE("field type helpers", "[fields]") {
    using saker::field_type_is_integer;
    using saker::field_type_is_signed;
    using saker::field_type_name;
    CHECK(field_type_name(FieldType::String) == "string");
    CHECK(field_type_name(FieldType::Int64) == "int64");
    CHECK(field_type_name(FieldType::IpNet) == "ipnet");
    CHECK(field_type_name(FieldType::AbsTime) == "abstime");

    CHECK(field_type_is_integer(FieldType::Int8));
    CHECK(field_type_is_integer(FieldType::Uint64));
    CHECK(field_type_is_integer(FieldType::Port));
    CHECK(field_type_is_integer(FieldType::RelTime));
    CHECK(field_type_is_integer(FieldType::AbsTime));
    CHECK_FALSE(field_type_is_integer(FieldType::String));
    CHECK_FALSE(field_type_is_integer(FieldType::Bool));
    CHECK_FALSE(field_type_is_integer(FieldType::IpAddr));

    CHECK(field_type_is_signed(FieldType::Int16));
    CHECK(field_type_is_signed(FieldType::Int64));
    CHECK_FALSE(field_type_is_signed(FieldType::Uint32));
    CHECK_FALSE(field_type_is_signed(FieldType::Port));
    CHECK_FALSE(field_type_is_signed(FieldType::RelTime));
}

TEST_CASE("known event types", "[fields][evttypes]") {
    using saker::is_known_event_type;
    CHECK(is_known_event_type("openat"));
    CHECK(is_known_event_type("execve"));
    CHECK(is_known_event_type("connect"));
    CHECK(is_known_event_type("_sysctl")); // first x86_64 name in byte order
    CHECK(is_known_event_type("writev"));
    // Falco's names for events that are not plain x86_64 system calls.
    for (const char* name : {"procexit", "switch", "container", "signaldeliver", "pluginevent",
                             "asyncevent", "page_fault", "pread", "prlimit", "umount"}) {
        INFO(name);
        CHECK(is_known_event_type(name));
    }
    CHECK_FALSE(is_known_event_type("notasyscall"));
    CHECK_FALSE(is_known_event_type(""));
    CHECK_FALSE(is_known_event_type("OPENAT"));
    CHECK_FALSE(is_known_event_type("open "));

    auto types = saker::known_event_types();
    CHECK(types.size() > 350);
    CHECK(std::is_sorted(types.begin(), types.end()));
    CHECK(std::adjacent_find(types.begin(), types.end()) == types.end());
}
