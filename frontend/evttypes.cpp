#include "frontend/evttypes.h"

#include <algorithm>
#include <cstdint>

namespace saker {
namespace {

// A set over the known event types, as a bitmap indexed like known_event_types().
class TypeSet {
  public:
    static TypeSet none() { return TypeSet(false); }
    static TypeSet all() { return TypeSet(true); }

    void add(std::string_view name) {
        auto types = known_event_types();
        auto it = std::lower_bound(types.begin(), types.end(), name);
        if (it != types.end() && *it == name) set(static_cast<size_t>(it - types.begin()));
    }
    TypeSet operator&(const TypeSet& o) const {
        return zip(o, [](uint64_t a, uint64_t b) { return a & b; });
    }
    TypeSet operator|(const TypeSet& o) const {
        return zip(o, [](uint64_t a, uint64_t b) { return a | b; });
    }
    TypeSet operator~() const {
        TypeSet r = *this;
        for (auto& w : r.bits_)
            w = ~w;
        r.trim();
        return r;
    }
    bool is_all() const { return *this == all(); }
    bool operator==(const TypeSet&) const = default;
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        auto types = known_event_types();
        for (size_t i = 0; i < types.size(); ++i)
            if (bits_[i / 64] >> (i % 64) & 1) out.emplace_back(types[i]);
        return out;
    }

  private:
    std::vector<uint64_t> bits_;
    explicit TypeSet(bool full) : bits_((known_event_types().size() + 63) / 64, full ? ~0ull : 0) {
        trim();
    }
    void set(size_t i) { bits_[i / 64] |= 1ull << (i % 64); }
    void trim() {
        size_t n = known_event_types().size();
        if (n % 64) bits_.back() &= (1ull << (n % 64)) - 1;
    }
    template <class F> TypeSet zip(const TypeSet& o, F f) const {
        TypeSet r = *this;
        for (size_t i = 0; i < bits_.size(); ++i)
            r.bits_[i] = f(bits_[i], o.bits_[i]);
        return r;
    }
};

struct MayBe {
    TypeSet when_true = TypeSet::all();
    TypeSet when_false = TypeSet::all();
};

MayBe analyze(const ast::Expr& e) {
    using K = ast::Expr::Kind;
    switch (e.kind) {
    case K::And: {
        MayBe r{TypeSet::all(), TypeSet::none()};
        for (const auto& c : e.children) {
            MayBe m = analyze(*c);
            r.when_true = r.when_true & m.when_true;
            r.when_false = r.when_false | m.when_false;
        }
        return r;
    }
    case K::Or: {
        MayBe r{TypeSet::none(), TypeSet::all()};
        for (const auto& c : e.children) {
            MayBe m = analyze(*c);
            r.when_true = r.when_true | m.when_true;
            r.when_false = r.when_false & m.when_false;
        }
        return r;
    }
    case K::Not: {
        MayBe m = analyze(*e.children[0]);
        return {m.when_false, m.when_true};
    }
    case K::Compare: {
        bool on_type = e.lhs.kind == ast::Operand::Kind::Field && e.lhs.field == "evt.type" &&
                       e.mod == ast::ListMod::None &&
                       (e.op == ast::CmpOp::Eq || e.op == ast::CmpOp::Ne || e.op == ast::CmpOp::In);
        if (!on_type || e.rhs.is_field_like()) return {};
        TypeSet named = TypeSet::none();
        if (e.rhs.kind == ast::Operand::Kind::List)
            for (const auto& item : e.rhs.items)
                named.add(item.text);
        else
            named.add(e.rhs.text);
        if (e.op == ast::CmpOp::Ne) return {~named, named};
        return {named, ~named};
    }
    case K::BoolConst:
        return e.truth ? MayBe{TypeSet::all(), TypeSet::none()}
                       : MayBe{TypeSet::none(), TypeSet::all()};
    case K::MacroRef:
        return {};
    }
    return {};
}

} // namespace

EventTypes event_types_of(const ast::Expr& condition) {
    TypeSet s = analyze(condition).when_true;
    if (s.is_all()) return {};
    return {false, s.names()};
}

} // namespace saker
