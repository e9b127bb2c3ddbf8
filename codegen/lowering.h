// Lowering: a CompilePlan -> one LLVM module for the whole ruleset.
//
// Contract: for each planned event type the module defines
//   i32 saker_type_<id>(ptr ctx, ptr out, i32 max)
// and one `saker_generic` for every other type: each evaluates its rules in rule order, writes
// matching rule indexes to `out` and returns after `max` matches. Conditions are lowered as
// branches (short-circuit and/or/not); comparisons follow the plan's Strategy: inline integer,
// string and IP arithmetic where it is decided, helper calls otherwise. The module references
// runtime data only through `ctx`, never by address.
#pragma once

#include "codegen/plan.h"

#include <llvm/IR/DataLayout.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include <memory>

namespace saker {

std::string entry_name(const TypePlan& tp);
std::unique_ptr<llvm::Module> lower_plan(const CompilePlan& plan, llvm::LLVMContext& context,
                                         const llvm::DataLayout& layout);

} // namespace saker
