// Golden tests: each file in golden/errors must produce exactly the diagnostics in its
// .expected file (message, file:line:col, source line, caret); each file in golden/ok must
// load and print exactly the expanded conditions in its .expected file.
//
// SAKER_GOLDEN_UPDATE=1 rewrites the .expected files; review every change before committing.
#include "test_util.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> inputs(const std::string& sub) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(fs::path(SAKER_GOLDEN_DIR) / sub))
        if (e.path().extension() == ".yaml") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

std::string describe_ok(const saker::test::Loaded& l) {
    std::string out = l.rendered();
    for (const auto& r : l.rules.rules) {
        out += "rule: " + r.name + "\n  " + saker::ast::to_string(*r.condition) + "\n  evttypes:";
        if (r.evttypes.all) out += " <all>";
        for (const auto& n : r.evttypes.names)
            out += " " + n;
        out += "\n";
    }
    return out;
}

void compare_or_update(const fs::path& input, const std::string& actual) {
    fs::path expected_path = input;
    expected_path.replace_extension(".expected");
    if (std::getenv("SAKER_GOLDEN_UPDATE")) {
        std::ofstream(expected_path, std::ios::binary) << actual;
        return;
    }
    INFO("golden file: " << expected_path.string());
    REQUIRE(fs::exists(expected_path));
    CHECK(actual == saker::test::read_file(expected_path.string()));
}

} // namespace

TEST_CASE("golden: bad rules files give exact errors") {
    auto files = inputs("errors");
    CHECK(files.size() >= 30);
    for (const auto& f : files) {
        std::string name = "errors/" + f.filename().string();
        auto l = saker::test::load({{name, saker::test::read_file(f.string())}});
        INFO(name);
        CHECK(l->diags.has_errors());
        compare_or_update(f, l->rendered());
    }
}

TEST_CASE("golden: good rules files expand as expected") {
    for (const auto& f : inputs("ok")) {
        std::string name = "ok/" + f.filename().string();
        auto l = saker::test::load({{name, saker::test::read_file(f.string())}});
        INFO(name << "\n" << l->rendered());
        CHECK_FALSE(l->diags.has_errors());
        compare_or_update(f, describe_ok(*l));
    }
}
