// The tree-walking interpreter: evaluates expanded conditions directly on the AST.
//
// Contract: the reference oracle for the JIT (tests compare the two on generated events) and
// the benchmark baseline. Deliberately plain: every comparison extracts its fields from the
// FieldSource again, as a filter-tree interpreter does; rules are indexed by event type.
#pragma once

#include "codegen/engine.h"
#include "codegen/semantics.h"

#include <vector>

namespace saker {

class Interpreter final : public RuleEngine {
  public:
    explicit Interpreter(const Ruleset& rules);
    uint32_t evaluate(uint32_t evt_type, FieldSource& source, uint32_t* out, uint32_t max) override;
    // Evaluates one condition (tests).
    bool eval(const ast::Expr& e, FieldSource& source);

  private:
    const Ruleset& rules_;
    std::vector<std::vector<uint32_t>> by_type_; // evt type id -> rule indexes, in order
    sem::Scratch scratch_;

    Value operand(const ast::Operand& o, FieldSource& source);
};

} // namespace saker
