// Command-line parsing shared by every subcommand.
//
// Contract: a tiny, strict getopt: each subcommand declares the flags it accepts; anything
// else is a usage error (exit code 2) naming the flag. Repeated flags accumulate (`-r a -r b`).
// Values: `-r FILE`, `-rFILE` (short flags), `--flag VALUE`, `--flag=VALUE`; a flag with an
// optional value (`--list[=SOURCE]`) takes one only after `=`, as Falco's parser does.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace saker::cli {

struct FlagSpec {
    std::string name;  // "-r", "--rule"
    std::string alias; // "--rules-file" (optional)
    bool takes_value = false;
    bool optional_value = false; // the value, if any, comes after `=`; absent: ""
};

struct Args {
    std::map<std::string, std::vector<std::string>> values; // flag name -> values
    std::vector<std::string> positional;

    bool has(const std::string& flag) const { return values.count(flag) > 0; }
    std::optional<std::string> last(const std::string& flag) const;
    const std::vector<std::string>& all(const std::string& flag) const;
};

// Parses argv[first..]; on error prints "saker <cmd>: ..." to stderr and returns nullopt.
std::optional<Args> parse_args(const std::string& command, const std::vector<FlagSpec>& specs,
                               int argc, char** argv, int first);

} // namespace saker::cli
