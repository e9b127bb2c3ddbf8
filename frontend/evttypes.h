// Event-type analysis: which event types can a condition match?
//
// Contract: conservative and exact for evt.type tests. For every node two sets are computed:
// the types for which the node may be true and those for which it may be false; `and`
// intersects the first and unites the second, `or` the reverse, `not` swaps them, a test on
// `evt.type` (=, !=, in) gives its set and its complement, any other test gives all types.
// The result is what dispatch indexes rules by; `all` means "run on every event".
#pragma once

#include "frontend/ast.h"
#include "frontend/rules.h"

namespace saker {

EventTypes event_types_of(const ast::Expr& condition);

} // namespace saker
