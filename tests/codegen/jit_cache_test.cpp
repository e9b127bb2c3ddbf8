// The JIT's object cache and its IR/assembly dumps.
//
// Cache: a valid entry is used (JitEngine::loaded_from_cache); a stale entry (the rules changed),
// a corrupt one (a flipped byte, a truncated file) and a foreign one (another ruleset's object
// under this key's name) are never used: the engine compiles, rewrites the entry, and answers
// for the rules it was given.
// Dumps: `--dump-ir` text parses back with LLVM's own parser and verifies; `--dump-asm` names
// the function of the rule's event type.
#include "bench/synthetic_events.h"
#include "codegen/engine.h"
#include "codegen/jit.h"
#include "frontend/frontend.h"

#include <catch2/catch.hpp>

#include <llvm/AsmParser/Parser.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

struct Loaded {
    saker::SourceManager sources;
    saker::Diagnostics diags;
    saker::Ruleset rules;
};

std::unique_ptr<Loaded> load(const std::string& proc_name) {
    auto l = std::make_unique<Loaded>();
    std::string yaml =
        "- rule: shell\n  desc: d\n  condition: evt.type = execve and proc.name = " + proc_name +
        " and fd.name glob \"/tmp/*\"\n  output: o\n  priority: WARNING\n"
        "- rule: opener\n  desc: d\n  condition: evt.type = openat and fd.name "
        "startswith /etc\n  output: o\n  priority: WARNING\n";
    l->rules = saker::load_rules(std::vector<saker::RuleSource>{{"cache.yaml", yaml}}, l->sources,
                                 l->diags);
    REQUIRE_FALSE(l->diags.has_errors());
    return l;
}

// Whether rule 0 (`shell`) matches an execve by `name` with fd.name /tmp/x.
bool shell_fires(saker::RuleEngine& e, const std::string& name) {
    const uint32_t type = saker::event_type_id("execve");
    saker::synth::SyntheticEvent ev(type);
    ev.set_str("proc.name", name);
    ev.set_str("fd.name", "/tmp/x");
    uint32_t out[2];
    return e.evaluate(type, ev, out, 2) == 1 && out[0] == 0;
}

struct CacheDir {
    fs::path path;
    CacheDir() {
        char tmpl[] = "/tmp/saker-jit-cache-XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        path = tmpl;
    }
    ~CacheDir() { fs::remove_all(path); }
    std::vector<fs::path> entries() const {
        std::vector<fs::path> out;
        for (const auto& e : fs::directory_iterator(path))
            if (e.path().extension() == ".o") out.push_back(e.path());
        return out;
    }
};

std::unique_ptr<saker::JitEngine> jit(const Loaded& l, const CacheDir& dir) {
    std::string err;
    auto e =
        saker::JitEngine::create(l.rules, {saker::EngineKind::Jit, 2, dir.path.string()}, &err);
    INFO(err);
    REQUIRE(e);
    return e;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}
void spit(const fs::path& p, const std::string& s) {
    std::ofstream(p, std::ios::binary | std::ios::trunc) << s;
}

} // namespace

TEST_CASE("JIT object cache: a valid entry is used, and gives the same answers",
          "[codegen][cache]") {
    CacheDir dir;
    auto l = load("bash");
    auto first = jit(*l, dir);
    CHECK_FALSE(first->loaded_from_cache());
    REQUIRE(dir.entries().size() == 1);
    auto second = jit(*l, dir);
    CHECK(second->loaded_from_cache());
    CHECK(shell_fires(*second, "bash"));
    CHECK_FALSE(shell_fires(*second, "bas"));
    CHECK(dir.entries().size() == 1);
}

TEST_CASE("JIT object cache: stale, corrupt, truncated and foreign entries are rebuilt",
          "[codegen][cache]") {
    CacheDir dir;
    auto bash = load("bash");
    jit(*bash, dir);
    REQUIRE(dir.entries().size() == 1);
    const fs::path entry = dir.entries()[0];
    const std::string good = slurp(entry);
    REQUIRE(good.size() > 64);

    SECTION("stale: the rules changed, so the old entry is not theirs") {
        auto zsh = load("zsh");
        auto e = jit(*zsh, dir);
        CHECK_FALSE(e->loaded_from_cache());
        CHECK(shell_fires(*e, "zsh"));
        CHECK_FALSE(shell_fires(*e, "bash"));
        CHECK(dir.entries().size() == 2); // its own entry next to the stale one
        CHECK(jit(*zsh, dir)->loaded_from_cache());
    }
    SECTION("corrupt: one flipped byte in the object") {
        std::string bad = good;
        bad[bad.size() - 7] ^= 0x40;
        spit(entry, bad);
        auto e = jit(*bash, dir);
        CHECK_FALSE(e->loaded_from_cache());
        CHECK(shell_fires(*e, "bash"));
        CHECK(slurp(entry) == good); // rewritten
        CHECK(jit(*bash, dir)->loaded_from_cache());
    }
    SECTION("truncated, and empty") {
        for (const std::string& cut : {good.substr(0, good.size() / 2), std::string()}) {
            spit(entry, cut);
            auto e = jit(*bash, dir);
            CHECK_FALSE(e->loaded_from_cache());
            CHECK(shell_fires(*e, "bash"));
        }
    }
    SECTION("foreign: another ruleset's valid entry under this key's name") {
        CacheDir other;
        auto zsh = load("zsh");
        jit(*zsh, other);
        REQUIRE(other.entries().size() == 1);
        spit(entry, slurp(other.entries()[0]));
        auto e = jit(*bash, dir);
        CHECK_FALSE(e->loaded_from_cache());
        CHECK(shell_fires(*e, "bash")); // bash's rules, not zsh's object
        CHECK_FALSE(shell_fires(*e, "zsh"));
        CHECK(slurp(entry) == good);
    }
    SECTION("not a cache entry at all") {
        spit(entry, std::string(good.size(), 'x'));
        auto e = jit(*bash, dir);
        CHECK_FALSE(e->loaded_from_cache());
        CHECK(shell_fires(*e, "bash"));
    }
}

TEST_CASE("IR and assembly dumps: --dump-ir parses back and verifies, --dump-asm names the "
          "rule's function",
          "[codegen]") {
    auto l = load("bash");
    for (int opt : {0, 2}) {
        std::string ir, err;
        REQUIRE(saker::dump_ir(l->rules, "shell", opt, ir, &err));
        llvm::LLVMContext ctx;
        llvm::SMDiagnostic diag;
        auto m = llvm::parseAssemblyString(ir, diag, ctx);
        std::string why;
        llvm::raw_string_ostream os(why);
        if (!m) diag.print("dump-ir", os);
        INFO(os.str() << ir.substr(0, 2000));
        REQUIRE(m);
        CHECK_FALSE(llvm::verifyModule(*m, &llvm::errs()));
        const std::string fn = "saker_type_" + std::to_string(saker::event_type_id("execve"));
        const llvm::Function* f = m->getFunction(fn);
        REQUIRE(f);
        CHECK_FALSE(f->isDeclaration());
        // Only the chosen rule: the openat rule's function is not in it.
        CHECK(m->getFunction("saker_type_" + std::to_string(saker::event_type_id("openat"))) ==
              nullptr);

        std::string asm_text;
        REQUIRE(saker::dump_asm(l->rules, "shell", opt, asm_text, &err));
        CHECK(asm_text.find(fn + ":") != std::string::npos);
        CHECK(asm_text.find("saker_type_" + std::to_string(saker::event_type_id("openat")) + ":") ==
              std::string::npos);
    }
}
