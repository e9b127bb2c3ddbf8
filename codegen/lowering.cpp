#include "codegen/lowering.h"

#include "codegen/engine.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Verifier.h>

#include <cstring>
#include <map>

namespace saker {

std::string entry_name(const TypePlan& tp) {
    return tp.type == kNoEventType ? "saker_generic" : "saker_type_" + std::to_string(tp.type);
}

namespace {

using ast::CmpOp;
using ast::Expr;
using ast::Operand;
using llvm::BasicBlock;
using llvm::Value;

// Offsets pinned by static_asserts in runtime/eval_context.h.
constexpr uint64_t kCtxGeneration = offsetof(EvalContext, generation);
constexpr uint64_t kCtxSlots = offsetof(EvalContext, slots);
constexpr uint64_t kCtxConsts = offsetof(EvalContext, consts);
constexpr uint64_t kCtxHot = offsetof(EvalContext, hot);
constexpr uint64_t kSlotSize = sizeof(Slot);
constexpr uint64_t kSlotValue = offsetof(Slot, value);

class Lowering {
  public:
    Lowering(const CompilePlan& plan, llvm::LLVMContext& c, const llvm::DataLayout& layout)
        : plan_(plan), ctx_(c), module_(std::make_unique<llvm::Module>("saker_rules", c)), b_(c) {
        // The layout first: loads then get their natural alignment (8 for the i64 fields).
        module_->setDataLayout(layout);
        declare_helpers();
    }

    std::unique_ptr<llvm::Module> run() {
        for (const auto& tp : plan_.types)
            lower_type(tp);
        lower_type(plan_.generic);
        return std::move(module_);
    }

  private:
    const CompilePlan& plan_;
    llvm::LLVMContext& ctx_;
    std::unique_ptr<llvm::Module> module_;
    llvm::IRBuilder<> b_;
    llvm::Function* fn_ = nullptr;
    Value* ctx_arg_ = nullptr;
    const TypePlan* tp_ = nullptr;
    std::vector<llvm::AllocaInst*> memo_;
    std::map<std::string, llvm::GlobalVariable*> strings_;

    llvm::FunctionCallee fetch_, set_has_, trie_, glob_, regex_, contains_, icontains_, generic_,
        memcmp_;

    llvm::Type* i1() { return b_.getInt1Ty(); }
    llvm::Type* i8() { return b_.getInt8Ty(); }
    llvm::Type* i32() { return b_.getInt32Ty(); }
    llvm::Type* i64() { return b_.getInt64Ty(); }
    llvm::PointerType* ptr() { return b_.getPtrTy(); }

    void declare_helpers() {
        auto fn = [&](const char* name, llvm::Type* ret, std::vector<llvm::Type*> args) {
            auto callee =
                module_->getOrInsertFunction(name, llvm::FunctionType::get(ret, args, false));
            if (auto f = llvm::dyn_cast<llvm::Function>(callee.getCallee())) {
                f->setDoesNotThrow();
                if (std::strcmp(name, "memcmp") == 0) f->setOnlyReadsMemory();
            }
            return callee;
        };
        fetch_ = fn("saker_fetch", b_.getVoidTy(), {ptr(), i32()});
        set_has_ = fn("saker_set_has", i1(), {ptr(), ptr(), i64()});
        trie_ = fn("saker_trie_match", i1(), {ptr(), ptr(), i64()});
        glob_ = fn("saker_glob", i1(), {ptr(), ptr(), i64()});
        regex_ = fn("saker_regex", i1(), {ptr(), ptr(), i64()});
        contains_ = fn("saker_contains", i1(), {ptr(), i64(), ptr(), i64()});
        icontains_ = fn("saker_icontains", i1(), {ptr(), i64(), ptr(), i64()});
        generic_ = fn("saker_compare_generic", i1(), {ptr(), i32(), i32(), i32()});
        memcmp_ = fn("memcmp", i32(), {ptr(), ptr(), i64()});
    }

    BasicBlock* block(const char* name) { return BasicBlock::Create(ctx_, name, fn_); }

    Value* byte_ptr(Value* base, uint64_t offset) {
        return offset ? b_.CreateConstInBoundsGEP1_64(i8(), base, offset) : base;
    }

    Value* string_constant(const std::string& s) {
        auto& g = strings_[s];
        if (!g) {
            auto init = llvm::ConstantDataArray::getString(ctx_, s, false);
            g = new llvm::GlobalVariable(*module_, init->getType(), true,
                                         llvm::GlobalValue::PrivateLinkage, init, "str");
            g->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
            g->setAlignment(llvm::Align(1));
        }
        return g;
    }

    Value* const_object(uint32_t index) {
        Value* table = b_.CreateLoad(ptr(), byte_ptr(ctx_arg_, kCtxConsts), "consts");
        return b_.CreateLoad(ptr(), byte_ptr(table, index * sizeof(void*)), "obj");
    }

    // The address of the slot's Value for the current event: a hot field's entry in ctx->hot,
    // or the slot, fetched first if this event has not yet.
    Value* value_of_slot(uint32_t s) {
        if (int h = plan_.slots.at(s).hot; h >= 0) {
            Value* hot = b_.CreateLoad(ptr(), byte_ptr(ctx_arg_, kCtxHot), "hot");
            return byte_ptr(hot, static_cast<uint64_t>(h) * sizeof(saker::Value));
        }
        return byte_ptr(slot(s), kSlotValue);
    }

    // The slot's address, with its value fetched for the current event.
    Value* slot(uint32_t s) {
        Value* slots = b_.CreateLoad(ptr(), byte_ptr(ctx_arg_, kCtxSlots), "slots");
        Value* sp = byte_ptr(slots, s * kSlotSize);
        Value* gen = b_.CreateLoad(i64(), sp, "slot.gen");
        Value* cur = b_.CreateLoad(i64(), byte_ptr(ctx_arg_, kCtxGeneration), "gen");
        BasicBlock* miss = block("fetch");
        BasicBlock* have = block("have");
        b_.CreateCondBr(b_.CreateICmpEQ(gen, cur), have, miss);
        b_.SetInsertPoint(miss);
        b_.CreateCall(fetch_, {ctx_arg_, b_.getInt32(s)});
        b_.CreateBr(have);
        b_.SetInsertPoint(have);
        return sp;
    }

    struct Loaded {
        Value* kind;
        Value* len; // i64
        Value* i;
        Value* ptr;
    };

    Loaded load_value(Value* v) {
        Loaded l;
        l.kind = b_.CreateLoad(i8(), byte_ptr(v, offsetof(saker::Value, kind)), "kind");
        l.len = b_.CreateZExt(b_.CreateLoad(i32(), byte_ptr(v, offsetof(saker::Value, len))), i64(),
                              "len");
        l.i = b_.CreateLoad(i64(), byte_ptr(v, offsetof(saker::Value, i)), "int");
        l.ptr = b_.CreateLoad(ptr(), byte_ptr(v, offsetof(saker::Value, ptr)), "ptr");
        return l;
    }

    void lower_type(const TypePlan& tp) {
        tp_ = &tp;
        auto type = llvm::FunctionType::get(i32(), {ptr(), ptr(), i32()}, false);
        fn_ =
            llvm::Function::Create(type, llvm::Function::ExternalLinkage, entry_name(tp), *module_);
        fn_->setDoesNotThrow();
        ctx_arg_ = fn_->getArg(0);
        Value* out = fn_->getArg(1);
        Value* max = fn_->getArg(2);
        b_.SetInsertPoint(block("entry"));
        llvm::AllocaInst* count = b_.CreateAlloca(i32(), nullptr, "n");
        b_.CreateStore(b_.getInt32(0), count);
        memo_.clear();
        for (uint32_t m = 0; m < tp.memo_count; ++m) {
            memo_.push_back(b_.CreateAlloca(i8(), nullptr, "memo"));
            b_.CreateStore(b_.getInt8(0), memo_.back());
        }
        for (const auto& [rule, cond] : tp.rules) {
            BasicBlock* match = block("match");
            BasicBlock* next = block("next");
            branch_on(*cond, match, next);
            b_.SetInsertPoint(match);
            Value* n = b_.CreateLoad(i32(), count);
            b_.CreateStore(b_.getInt32(rule), b_.CreateInBoundsGEP(i32(), out, n));
            Value* n1 = b_.CreateAdd(n, b_.getInt32(1));
            b_.CreateStore(n1, count);
            BasicBlock* done = block("done");
            b_.CreateCondBr(b_.CreateICmpUGE(n1, max), done, next);
            b_.SetInsertPoint(done);
            b_.CreateRet(n1);
            b_.SetInsertPoint(next);
        }
        b_.CreateRet(b_.CreateLoad(i32(), count));
    }

    // Emits code that jumps to `t` when `e` holds and to `f` otherwise.
    void branch_on(const Expr& e, BasicBlock* t, BasicBlock* f) {
        if (auto it = tp_->memo_of.find(&e); it != tp_->memo_of.end()) {
            branch_memoized(e, memo_[it->second], t, f);
            return;
        }
        branch_uncached(e, t, f);
    }

    // A shared subtree: 0 = not computed yet for this event, 1 = false, 2 = true.
    void branch_memoized(const Expr& e, llvm::AllocaInst* memo, BasicBlock* t, BasicBlock* f) {
        Value* state = b_.CreateLoad(i8(), memo);
        BasicBlock* compute = block("memo.compute");
        auto sw = b_.CreateSwitch(state, compute, 2);
        sw->addCase(b_.getInt8(1), f);
        sw->addCase(b_.getInt8(2), t);
        BasicBlock* set_t = block("memo.true");
        BasicBlock* set_f = block("memo.false");
        b_.SetInsertPoint(compute);
        branch_uncached(e, set_t, set_f);
        b_.SetInsertPoint(set_t);
        b_.CreateStore(b_.getInt8(2), memo);
        b_.CreateBr(t);
        b_.SetInsertPoint(set_f);
        b_.CreateStore(b_.getInt8(1), memo);
        b_.CreateBr(f);
    }

    void branch_uncached(const Expr& e, BasicBlock* t, BasicBlock* f) {
        switch (e.kind) {
        case Expr::Kind::And:
        case Expr::Kind::Or:
            branch_logical(e, t, f);
            return;
        case Expr::Kind::Not:
            branch_on(*e.children[0], f, t);
            return;
        case Expr::Kind::BoolConst:
            b_.CreateBr(e.truth ? t : f);
            return;
        case Expr::Kind::Compare:
            b_.CreateCondBr(compare(e), t, f);
            return;
        case Expr::Kind::MacroRef:
            b_.CreateBr(f);
            return;
        }
    }

    void branch_logical(const Expr& e, BasicBlock* t, BasicBlock* f) {
        bool is_and = e.kind == Expr::Kind::And;
        std::vector<bool> grouped(e.children.size(), false);
        // An `or` first tries its grouped startswith tests as one trie lookup each.
        if (!is_and)
            if (auto it = plan_.or_groups.find(&e); it != plan_.or_groups.end())
                for (const auto& g : it->second) {
                    for (size_t i : g.children)
                        grouped[i] = true;
                    BasicBlock* next = block("or.next");
                    b_.CreateCondBr(trie_group(g), t, next);
                    b_.SetInsertPoint(next);
                }
        std::vector<const Expr*> rest;
        for (size_t i = 0; i < e.children.size(); ++i)
            if (!grouped[i]) rest.push_back(e.children[i].get());
        if (rest.empty()) {
            b_.CreateBr(is_and ? t : f);
            return;
        }
        for (size_t i = 0; i < rest.size(); ++i) {
            bool last = i + 1 == rest.size();
            BasicBlock* next = last ? nullptr : block(is_and ? "and.next" : "or.next");
            if (is_and)
                branch_on(*rest[i], last ? t : next, f);
            else
                branch_on(*rest[i], t, last ? f : next);
            if (next) b_.SetInsertPoint(next);
        }
    }

    Value* trie_group(const OrGroup& g) {
        Loaded v = load_value(value_of_slot(g.lhs_slot));
        return guarded(v, ValueKind::Str, [&] {
            return b_.CreateCall(trie_, {const_object(g.const_index), v.ptr, v.len});
        });
    }

    // Evaluates `body` only when the value has the expected kind; false otherwise (absent).
    template <class Body> Value* guarded(const Loaded& v, ValueKind kind, Body body) {
        BasicBlock* from = b_.GetInsertBlock();
        BasicBlock* yes = block("kind.ok");
        BasicBlock* join = block("kind.join");
        b_.CreateCondBr(b_.CreateICmpEQ(v.kind, b_.getInt8(static_cast<uint8_t>(kind))), yes, join);
        b_.SetInsertPoint(yes);
        Value* r = body();
        BasicBlock* end = b_.GetInsertBlock();
        b_.CreateBr(join);
        b_.SetInsertPoint(join);
        auto phi = b_.CreatePHI(i1(), 2);
        phi->addIncoming(b_.getFalse(), from);
        phi->addIncoming(r, end);
        return phi;
    }

    Value* generic(const CompareInfo& info) {
        return b_.CreateCall(generic_, {ctx_arg_, b_.getInt32(info.const_index),
                                        b_.getInt32(info.lhs_slot), b_.getInt32(info.rhs_slot)});
    }

    Value* compare(const Expr& e) {
        const CompareInfo& info = plan_.compares.at(&e);
        if (info.strategy == Strategy::Generic) return generic(info);
        Loaded v = load_value(value_of_slot(info.lhs_slot));
        if (info.strategy == Strategy::Exists) return b_.CreateICmpNE(v.kind, b_.getInt8(0));
        if (!plan_.slots.at(info.lhs_slot).may_list) return specialized(e, info, v);
        // A list value (an ancestor chain, both ends of a socket): some item must hold.
        BasicBlock* list = block("list");
        BasicBlock* scalar = block("scalar");
        BasicBlock* join = block("cmp.join");
        b_.CreateCondBr(b_.CreateICmpEQ(v.kind, b_.getInt8(static_cast<uint8_t>(ValueKind::List))),
                        list, scalar);
        b_.SetInsertPoint(list);
        Value* lr = any_item(e, info, v);
        BasicBlock* list_end = b_.GetInsertBlock();
        b_.CreateBr(join);
        b_.SetInsertPoint(scalar);
        Value* sr = specialized(e, info, v);
        BasicBlock* scalar_end = b_.GetInsertBlock();
        b_.CreateBr(join);
        b_.SetInsertPoint(join);
        auto phi = b_.CreatePHI(i1(), 2);
        phi->addIncoming(lr, list_end);
        phi->addIncoming(sr, scalar_end);
        return phi;
    }

    // A loop over the items of a List value: true as soon as one satisfies the comparison
    // (semantics.h: a list from a non-list field), false for an empty list.
    Value* any_item(const Expr& e, const CompareInfo& info, const Loaded& list) {
        BasicBlock* from = b_.GetInsertBlock();
        BasicBlock* head = block("items.head");
        BasicBlock* body = block("items.body");
        BasicBlock* next = block("items.next");
        BasicBlock* done = block("items.done");
        b_.CreateBr(head);
        b_.SetInsertPoint(head);
        llvm::PHINode* i = b_.CreatePHI(i64(), 2, "item");
        i->addIncoming(b_.getInt64(0), from);
        b_.CreateCondBr(b_.CreateICmpULT(i, list.len), body, done);
        b_.SetInsertPoint(body);
        Value* item = b_.CreateInBoundsGEP(i8(), list.ptr,
                                           b_.CreateMul(i, b_.getInt64(sizeof(saker::Value))));
        Value* hit = specialized(e, info, load_value(item));
        BasicBlock* body_end = b_.GetInsertBlock();
        b_.CreateCondBr(hit, done, next);
        b_.SetInsertPoint(next);
        i->addIncoming(b_.CreateAdd(i, b_.getInt64(1)), next);
        b_.CreateBr(head);
        b_.SetInsertPoint(done);
        auto result = b_.CreatePHI(i1(), 2);
        result->addIncoming(b_.getFalse(), head);
        result->addIncoming(b_.getTrue(), body_end);
        return result;
    }

    Value* specialized(const Expr& e, const CompareInfo& info, const Loaded& v) {
        switch (info.strategy) {
        case Strategy::IntCmp:
            return guarded(v, ValueKind::Int, [&] { return int_cmp(e, v.i, e.rhs.value.i); });
        case Strategy::IntIn:
            return guarded(v, ValueKind::Int, [&] {
                Value* any = b_.getFalse();
                for (const auto& item : e.rhs.items)
                    any = b_.CreateOr(any, b_.CreateICmpEQ(v.i, b_.getInt64(item.value.i)));
                return any;
            });
        case Strategy::StrEq:
            return guarded(v, ValueKind::Str, [&] {
                Value* eq = str_eq(v, e.rhs.text);
                return e.op == CmpOp::Ne ? b_.CreateNot(eq) : eq;
            });
        case Strategy::StrInSmall:
            return guarded(v, ValueKind::Str, [&] {
                Value* any = b_.getFalse();
                for (const auto& item : e.rhs.items)
                    any = b_.CreateOr(any, str_eq_lazy(v, item.text));
                return any;
            });
        case Strategy::StrSet:
            return guarded(v, ValueKind::Str, [&] {
                return b_.CreateCall(set_has_, {const_object(info.const_index), v.ptr, v.len});
            });
        case Strategy::PrefixTrie:
            return guarded(v, ValueKind::Str, [&] {
                return b_.CreateCall(trie_, {const_object(info.const_index), v.ptr, v.len});
            });
        case Strategy::Glob:
            return guarded(v, ValueKind::Str, [&] {
                return b_.CreateCall(glob_, {const_object(info.const_index), v.ptr, v.len});
            });
        case Strategy::Regex:
            return guarded(v, ValueKind::Str, [&] {
                return b_.CreateCall(regex_, {const_object(info.const_index), v.ptr, v.len});
            });
        case Strategy::StrPrefix:
        case Strategy::StrSuffix:
            return guarded(v, ValueKind::Str, [&] {
                return affix(v, e.rhs.text, info.strategy == Strategy::StrSuffix);
            });
        case Strategy::StrContains:
        case Strategy::StrIContains:
            return guarded(v, ValueKind::Str, [&] {
                bool fold = info.strategy == Strategy::StrIContains;
                std::string needle = fold ? sem::to_lower(e.rhs.text) : e.rhs.text;
                return b_.CreateCall(
                    fold ? icontains_ : contains_,
                    {v.ptr, v.len, string_constant(needle), b_.getInt64(needle.size())});
            });
        case Strategy::IpCmp:
            return guarded(v, ValueKind::Ip, [&] { return ip_cmp(e, v); });
        default:
            return b_.getFalse();
        }
    }

    Value* int_cmp(const Expr& e, Value* a, int64_t c) {
        Value* k = b_.getInt64(c);
        bool s = sem::is_signed(e.lhs_type);
        switch (e.op) {
        case CmpOp::Eq:
            return b_.CreateICmpEQ(a, k);
        case CmpOp::Ne:
            return b_.CreateICmpNE(a, k);
        case CmpOp::Lt:
            return s ? b_.CreateICmpSLT(a, k) : b_.CreateICmpULT(a, k);
        case CmpOp::Le:
            return s ? b_.CreateICmpSLE(a, k) : b_.CreateICmpULE(a, k);
        case CmpOp::Gt:
            return s ? b_.CreateICmpSGT(a, k) : b_.CreateICmpUGT(a, k);
        case CmpOp::Ge:
            return s ? b_.CreateICmpSGE(a, k) : b_.CreateICmpUGE(a, k);
        default:
            return b_.getFalse();
        }
    }

    // memcmp over `n` bytes of `p` against a literal, as an i1 "equal".
    Value* bytes_equal(Value* p, const std::string& lit) {
        if (lit.empty()) return b_.getTrue();
        Value* r = b_.CreateCall(memcmp_, {p, string_constant(lit), b_.getInt64(lit.size())});
        return b_.CreateICmpEQ(r, b_.getInt32(0));
    }

    Value* str_eq(const Loaded& v, const std::string& lit) {
        Value* len_ok = b_.CreateICmpEQ(v.len, b_.getInt64(lit.size()));
        return b_.CreateAnd(len_ok, bytes_equal(v.ptr, lit));
    }

    // Equality whose memcmp runs only when the length matches (the common miss costs one
    // compare), used inside lists.
    Value* str_eq_lazy(const Loaded& v, const std::string& lit) {
        BasicBlock* from = b_.GetInsertBlock();
        BasicBlock* same_len = block("len.eq");
        BasicBlock* join = block("eq.join");
        b_.CreateCondBr(b_.CreateICmpEQ(v.len, b_.getInt64(lit.size())), same_len, join);
        b_.SetInsertPoint(same_len);
        Value* eq = bytes_equal(v.ptr, lit);
        BasicBlock* end = b_.GetInsertBlock();
        b_.CreateBr(join);
        b_.SetInsertPoint(join);
        auto phi = b_.CreatePHI(i1(), 2);
        phi->addIncoming(b_.getFalse(), from);
        phi->addIncoming(eq, end);
        return phi;
    }

    Value* affix(const Loaded& v, const std::string& lit, bool suffix) {
        BasicBlock* from = b_.GetInsertBlock();
        BasicBlock* fits = block("affix.fits");
        BasicBlock* join = block("affix.join");
        b_.CreateCondBr(b_.CreateICmpUGE(v.len, b_.getInt64(lit.size())), fits, join);
        b_.SetInsertPoint(fits);
        Value* start =
            suffix ? b_.CreateInBoundsGEP(i8(), v.ptr, b_.CreateSub(v.len, b_.getInt64(lit.size())))
                   : v.ptr;
        Value* eq = bytes_equal(start, lit);
        BasicBlock* end = b_.GetInsertBlock();
        b_.CreateBr(join);
        b_.SetInsertPoint(join);
        auto phi = b_.CreatePHI(i1(), 2);
        phi->addIncoming(b_.getFalse(), from);
        phi->addIncoming(eq, end);
        return phi;
    }

    // 128-bit address arithmetic: (ip & mask) == (net & mask) on two 64-bit halves, with the
    // halves read from memory exactly as the constants are laid out.
    Value* ip_matches(const Loaded& v, const ast::Constant& c) {
        uint8_t mask[16] = {};
        unsigned prefix = c.kind == ast::Constant::Kind::Net ? c.prefix : 128;
        for (unsigned bit = 0; bit < prefix; ++bit)
            mask[bit / 8] |= static_cast<uint8_t>(0x80 >> (bit % 8));
        Value* all = b_.getTrue();
        for (int half = 0; half < 2; ++half) {
            uint64_t m, n;
            std::memcpy(&m, mask + half * 8, 8);
            std::memcpy(&n, c.ip + half * 8, 8);
            if (m == 0) continue;
            Value* word = b_.CreateLoad(i64(), byte_ptr(v.ptr, half * 8));
            all = b_.CreateAnd(
                all, b_.CreateICmpEQ(b_.CreateAnd(word, b_.getInt64(m)), b_.getInt64(n & m)));
        }
        return all;
    }

    Value* ip_cmp(const Expr& e, const Loaded& v) {
        if (e.rhs.kind == Operand::Kind::List) {
            Value* any = b_.getFalse();
            for (const auto& item : e.rhs.items)
                any = b_.CreateOr(any, ip_matches(v, item.value));
            return any;
        }
        Value* hit = ip_matches(v, e.rhs.value);
        return e.op == CmpOp::Ne ? b_.CreateNot(hit) : hit;
    }
};

} // namespace

std::unique_ptr<llvm::Module> lower_plan(const CompilePlan& plan, llvm::LLVMContext& context,
                                         const llvm::DataLayout& layout) {
    return Lowering(plan, context, layout).run();
}

} // namespace saker
