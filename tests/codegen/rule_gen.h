// A generator of random, well-typed, satisfiable rule conditions together with the events that
// satisfy and falsify them, for holding both rule engines to an answer computed independently.
//
// Contract:
// - Each generated rule is 1..3 comparisons ("atoms") joined by and/or, some negated. Every atom
//   reads its own fields (no two atoms of a rule share one), so atoms are independent and the
//   rule's truth is a function of the atoms' truths.
// - Each atom comes with settings that make it true and settings that make it false. The false
//   ones are near misses: one byte off, a letter's case changed, the value one past a bound,
//   the address one bit outside the prefix, a path one component off, the field absent.
//   Literals draw letters from [a-m] and fillers from digits (and, for byte buffers, NUL and
//   0xff); a near miss replaces one literal letter by one of [n-z] (or its case), so no
//   wildcard of a glob or regex can absorb the change: the value then lacks a letter the
//   pattern needs (a counting argument, not a hope).
// - `cases` enumerate every combination of atom truths (twice, with different variants), each
//   with the rule's expected result, so each rule is seen both matching and not matching.
// - Atoms cover every operator (=, !=, <, <=, >, >=, contains, icontains, bcontains,
//   startswith, bstartswith, endswith, glob, iglob, pmatch, regex, in, intersects, exists), the
//   list modifiers (oneof, anyof, allof), every transformer (tolower, toupper, b64, basename,
//   len, join, concat, getopt), val() and transformers on the right side, on every field type
//   (string, bytes, bool, signed and unsigned integers, port, times, IP address, IP network,
//   list fields, ancestor fields). `features` names what an atom uses ("op:glob",
//   "tr:b64", "mod:oneof", "val", "type:Port"); all_features() lists what a run must cover.
// - Randomness comes from a Rand: seeded (tests) or read from bytes (the fuzz target), so a
//   fuzzer steers the generator and every byte string is a valid generator run (when the bytes
//   run out, a generator seeded by them continues, so generation always ends).
#pragma once

#include "bench/synthetic_events.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace saker::gen {

class Rand {
  public:
    explicit Rand(uint64_t seed) : rng_(seed) {}
    Rand(const uint8_t* data, size_t size) : data_(data), size_(size), bytes_(true) {}
    uint64_t below(uint64_t n); // uniform in [0, n); 0 when n == 0
    bool chance(unsigned percent) { return below(100) < percent; }
    template <class T> const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }

  private:
    std::mt19937_64 rng_;
    const uint8_t* data_ = nullptr;
    size_t size_ = 0, pos_ = 0;
    bool bytes_ = false;
};

// One field reference's value in an event.
struct Setting {
    enum class Kind { Absent, Str, Int, Ip, StrList } kind = Kind::Absent;
    std::string field; // registry name, e.g. "proc.env"
    std::string arg;   // argument as written, when has_arg
    bool has_arg = false;
    std::string s;
    int64_t i = 0;
    uint8_t ip[16] = {};
    std::vector<std::string> list;
};
using Settings = std::vector<Setting>;

struct Atom {
    std::string text;
    std::vector<std::string> features;
    std::vector<Settings> yes, no;
};

struct Case {
    Settings settings;
    bool expected = false;
    std::vector<bool> atom_truth;
};

struct GenRule {
    std::string condition;
    std::vector<Atom> atoms;
    std::vector<Case> cases;
};

GenRule generate_rule(Rand& r);

// Builds an event (of event type `evt_type`) holding `s`.
synth::SyntheticEvent make_event(uint32_t evt_type, const Settings& s);

// Every feature a long enough run covers.
const std::vector<std::string>& all_features();

// A rules file holding `rules` as r0, r1, ... (in that order); rule i is restricted to event
// type types[i] when given (`evt.type = T and (...)`), so an event of that type reaches it alone.
std::string rules_yaml(const std::vector<GenRule>& rules, const std::vector<std::string>& types);

} // namespace saker::gen
