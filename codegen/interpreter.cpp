#include "codegen/interpreter.h"

#include <algorithm>
#include <charconv>

namespace saker {

uint32_t event_type_id(std::string_view name) {
    auto types = known_event_types();
    auto it = std::lower_bound(types.begin(), types.end(), name);
    if (it == types.end() || *it != name) return kNoEventType;
    return static_cast<uint32_t>(it - types.begin());
}

Interpreter::Interpreter(const Ruleset& rules) : rules_(rules) {
    by_type_.resize(known_event_types().size());
    for (uint32_t i = 0; i < rules.rules.size(); ++i) {
        const Rule& r = rules.rules[i];
        if (!r.enabled) continue;
        if (r.evttypes.all) {
            for (auto& list : by_type_)
                list.push_back(i);
            continue;
        }
        for (const auto& name : r.evttypes.names)
            if (uint32_t id = event_type_id(name); id != kNoEventType) by_type_[id].push_back(i);
    }
}

uint32_t Interpreter::evaluate(uint32_t evt_type, FieldSource& source, uint32_t* out,
                               uint32_t max) {
    if (evt_type >= by_type_.size() || max == 0) return 0;
    uint32_t n = 0;
    for (uint32_t idx : by_type_[evt_type]) {
        scratch_.clear();
        if (!eval(*rules_.rules[idx].condition, source)) continue;
        out[n++] = idx;
        if (n == max) break;
    }
    return n;
}

static FieldRequest request_of(const ast::Operand& o) {
    FieldRequest r;
    r.field = o.info->id;
    r.has_arg = o.has_arg;
    r.key = o.arg;
    int64_t idx = -1;
    if (o.has_arg) {
        auto [p, ec] = std::from_chars(o.arg.data(), o.arg.data() + o.arg.size(), idx);
        if (ec != std::errc() || p != o.arg.data() + o.arg.size()) idx = -1;
    }
    r.index = idx;
    return r;
}

Value Interpreter::operand(const ast::Operand& o, FieldSource& source) {
    switch (o.kind) {
    case ast::Operand::Kind::Field: {
        Value v;
        source.extract(request_of(o), v);
        return v;
    }
    case ast::Operand::Kind::Literal:
        return scratch_.keep(o.text);
    case ast::Operand::Kind::List: {
        std::vector<Value> items;
        for (const auto& item : o.items) {
            Value v = operand(item, source);
            if (v.present()) items.push_back(v);
        }
        return scratch_.keep(std::move(items));
    }
    case ast::Operand::Kind::Transformed: {
        std::vector<Value> in;
        for (const auto& a : o.args)
            in.push_back(operand(a, source));
        return sem::apply_transform(o.transform, o, in, scratch_);
    }
    }
    return {};
}

bool Interpreter::eval(const ast::Expr& e, FieldSource& source) {
    using K = ast::Expr::Kind;
    switch (e.kind) {
    case K::And:
        for (const auto& c : e.children)
            if (!eval(*c, source)) return false;
        return true;
    case K::Or:
        for (const auto& c : e.children)
            if (eval(*c, source)) return true;
        return false;
    case K::Not:
        return !eval(*e.children[0], source);
    case K::BoolConst:
        return e.truth;
    case K::MacroRef:
        return false; // never present after expansion
    case K::Compare: {
        Value lhs;
        if (const FieldInfo* addr = sem::name_compare_address(e)) {
            FieldRequest address; // the address, not its name
            address.field = addr->id;
            source.extract(address, lhs);
        } else {
            lhs = operand(e.lhs, source);
        }
        Value rhs =
            e.op != ast::CmpOp::Exists && e.rhs.is_field_like() ? operand(e.rhs, source) : Value{};
        return sem::compare(e, lhs, rhs);
    }
    }
    return false;
}

} // namespace saker
