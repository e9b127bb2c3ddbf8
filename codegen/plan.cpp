#include "codegen/plan.h"

#include "codegen/engine.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace saker {

using ast::CmpOp;
using ast::Expr;
using ast::Operand;

// ---- slots ---------------------------------------------------------------------------------

uint32_t SlotTable::intern(const Operand& op) {
    // Operands that print the same are the same value: `ast::to_string` is canonical.
    std::string key = std::to_string(static_cast<int>(op.kind)) + ":" +
                      (op.kind == Operand::Kind::Literal ? op.text : ast::to_string(op));
    if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
    auto d = std::make_unique<SlotDesc>();
    switch (op.kind) {
    case Operand::Kind::Field: {
        d->kind = SlotDesc::Kind::Field;
        d->arg = op.arg;
        d->request.field = op.info->id;
        d->request.has_arg = op.has_arg;
        int64_t idx = -1;
        auto [p, ec] = std::from_chars(op.arg.data(), op.arg.data() + op.arg.size(), idx);
        d->request.index =
            op.has_arg && ec == std::errc() && p == op.arg.data() + op.arg.size() ? idx : -1;
        d->may_list = yields_list(op.info->name, op.info->is_list(), op.has_arg);
        if (!op.has_arg)
            for (size_t h = 0; h < kHotFieldCount; ++h)
                if (kHotFieldNames[h] == op.info->name) d->hot = static_cast<int>(h);
        break;
    }
    case Operand::Kind::Literal:
        d->kind = SlotDesc::Kind::Literal;
        d->text = op.text;
        break;
    case Operand::Kind::List:
        d->kind = SlotDesc::Kind::ListOf;
        d->may_list = true;
        for (const auto& item : op.items)
            d->children.push_back(intern(item));
        break;
    case Operand::Kind::Transformed:
        d->kind = SlotDesc::Kind::Transform;
        d->may_list = true; // a transformer of a list may give one
        d->op = &op;
        for (const auto& a : op.args)
            d->children.push_back(intern(a));
        break;
    }
    uint32_t id = static_cast<uint32_t>(slots_.size());
    slots_.push_back(std::move(d));
    slots_.back()->request.key = slots_.back()->arg; // the SlotDesc is heap-allocated: stable
    by_key_.emplace(std::move(key), id);
    return id;
}

// ---- constant objects ----------------------------------------------------------------------

uint64_t StringSet::hash(std::string_view s) {
    const char* p = s.data();
    size_t n = s.size();
    uint64_t a = 0, b = 0;
    if (n >= 8) {
        std::memcpy(&a, p, 8);
        std::memcpy(&b, p + n - 8, 8);
    } else if (n >= 4) {
        uint32_t x, y;
        std::memcpy(&x, p, 4);
        std::memcpy(&y, p + n - 4, 4);
        a = x;
        b = y;
    } else if (n > 0) {
        a = uint64_t(uint8_t(p[0])) | uint64_t(uint8_t(p[n / 2])) << 8 |
            uint64_t(uint8_t(p[n - 1])) << 16;
    }
    uint64_t h =
        (a ^ 0x9e3779b97f4a7c15ull) * 0xbf58476d1ce4e5b9ull ^ (b + n) * 0x94d049bb133111ebull;
    return h ^ (h >> 31);
}

StringSet::StringSet(const std::vector<std::string>& items) {
    size_t size = 8;
    while (size < items.size() * 2)
        size *= 2;
    buckets_.resize(size);
    for (const auto& s : items) {
        if (contains(s)) continue;
        uint64_t h = hash(s);
        size_t i = h & (size - 1);
        while (buckets_[i].item != UINT32_MAX)
            i = (i + 1) & (size - 1);
        buckets_[i] = {h, static_cast<uint32_t>(items_.size())};
        items_.push_back(s);
    }
}

bool StringSet::contains(std::string_view s) const {
    uint64_t h = hash(s);
    size_t mask = buckets_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const Bucket& b = buckets_[i];
        if (b.item == UINT32_MAX) return false;
        if (b.hash == h && items_[b.item] == s) return true;
    }
}

PrefixTrie::PrefixTrie(const std::vector<std::string>& prefixes, bool path_mode)
    : nodes_(1), path_mode_(path_mode) {
    for (std::string p : prefixes) {
        if (path_mode) {
            while (p.size() > 1 && p.back() == '/')
                p.pop_back();
            if (p == "/") {
                root_slash_ = true;
                continue;
            }
            if (sem::pmatch_has_glob(p)) { // matched by components, after the trie
                globs_.push_back(p);
                continue;
            }
        }
        uint32_t n = 0;
        for (unsigned char c : p) {
            auto& next = nodes_[n].next;
            auto it = std::lower_bound(next.begin(), next.end(), std::make_pair(c, 0u),
                                       [](auto& a, auto& b) { return a.first < b.first; });
            if (it != next.end() && it->first == c) {
                n = it->second;
                continue;
            }
            uint32_t child = static_cast<uint32_t>(nodes_.size());
            next.insert(it, {c, child});
            nodes_.emplace_back();
            n = child;
        }
        nodes_[n].terminal = true;
    }
}

bool PrefixTrie::match(std::string_view s) const {
    if (root_slash_ && !s.empty() && s[0] == '/') return true;
    for (const auto& g : globs_)
        if (sem::path_prefix_match(g, s)) return true;
    uint32_t n = 0;
    for (size_t i = 0;; ++i) {
        if (nodes_[n].terminal && (!path_mode_ || i == s.size() || s[i] == '/')) return true;
        if (i == s.size()) return false;
        unsigned char c = static_cast<unsigned char>(s[i]);
        const auto& next = nodes_[n].next;
        auto it = std::lower_bound(next.begin(), next.end(), std::make_pair(c, 0u),
                                   [](auto& a, auto& b) { return a.first < b.first; });
        if (it == next.end() || it->first != c) return false;
        n = it->second;
    }
}

GlobMatcher::GlobMatcher(std::string pattern, bool fold)
    : pattern_(std::move(pattern)), fold_(fold) {
    simple_ = !fold && pattern_.find_first_of("?[\\") == std::string::npos;
    if (!simple_) return;
    leading_star_ = !pattern_.empty() && pattern_.front() == '*';
    trailing_star_ = !pattern_.empty() && pattern_.back() == '*';
    size_t i = 0;
    while (i <= pattern_.size()) {
        size_t j = pattern_.find('*', i);
        if (j == std::string::npos) j = pattern_.size();
        if (j > i) pieces_.push_back(pattern_.substr(i, j - i));
        i = j + 1;
    }
}

bool GlobMatcher::match(std::string_view s) const {
    if (!simple_) return sem::glob_match(pattern_, s, fold_);
    if (pieces_.empty()) return leading_star_ || s.empty();
    size_t first = 0, last = pieces_.size();
    // Anchored ends first, then the middle pieces left to right (greedy is exact for '*').
    if (!leading_star_) {
        if (s.substr(0, pieces_[0].size()) != pieces_[0]) return false;
        s.remove_prefix(pieces_[0].size());
        first = 1;
    }
    if (!trailing_star_ && last > first) {
        const std::string& tail = pieces_[last - 1];
        if (s.size() < tail.size() || s.substr(s.size() - tail.size()) != tail) return false;
        s.remove_suffix(tail.size());
        --last;
    } else if (!trailing_star_ && first == last) {
        return s.empty();
    }
    for (size_t k = first; k < last; ++k) {
        size_t at = s.find(pieces_[k]);
        if (at == std::string_view::npos) return false;
        s.remove_prefix(at + pieces_[k].size());
    }
    return true;
}

const void* ConstObject::address() const {
    if (set) return set.get();
    if (trie) return trie.get();
    if (glob) return glob.get();
    if (regex) return regex.get();
    return compare;
}

// ---- specialization for one event type -----------------------------------------------------

namespace {

bool is_evt_type_test(const Expr& e) {
    return e.kind == Expr::Kind::Compare && e.lhs.kind == Operand::Kind::Field &&
           e.lhs.field == "evt.type" && e.mod == ast::ListMod::None && !e.rhs.is_field_like() &&
           (e.op == CmpOp::Eq || e.op == CmpOp::Ne || e.op == CmpOp::In);
}

ast::ExprPtr constant(bool v, SourceLoc loc) {
    auto e = std::make_unique<Expr>(Expr::Kind::BoolConst, loc);
    e->truth = v;
    return e;
}

bool is_const(const Expr& e, bool v) {
    return e.kind == Expr::Kind::BoolConst && e.truth == v;
}

// A copy of `e` with `evt.type` tests decided for `type` and constants folded away.
ast::ExprPtr specialize(const Expr& e, std::string_view type) {
    switch (e.kind) {
    case Expr::Kind::And:
    case Expr::Kind::Or: {
        bool is_and = e.kind == Expr::Kind::And;
        std::vector<ast::ExprPtr> kept;
        for (const auto& c : e.children) {
            ast::ExprPtr s = specialize(*c, type);
            if (is_const(*s, !is_and)) return constant(!is_and, e.loc); // false in and, true in or
            if (is_const(*s, is_and)) continue;
            kept.push_back(std::move(s));
        }
        if (kept.empty()) return constant(is_and, e.loc);
        return ast::make_logical(e.kind, e.loc, std::move(kept));
    }
    case Expr::Kind::Not: {
        ast::ExprPtr s = specialize(*e.children[0], type);
        if (s->kind == Expr::Kind::BoolConst) return constant(!s->truth, e.loc);
        return ast::make_not(e.loc, std::move(s));
    }
    case Expr::Kind::Compare:
        if (is_evt_type_test(e)) {
            bool hit = false;
            if (e.rhs.kind == Operand::Kind::List)
                for (const auto& item : e.rhs.items)
                    hit = hit || item.text == type;
            else
                hit = e.rhs.text == type;
            return constant(e.op == CmpOp::Ne ? !hit : hit, e.loc);
        }
        // `x in ()` can never hold.
        if (e.rhs.kind == Operand::Kind::List && e.rhs.items.empty() && e.op != CmpOp::Exists &&
            !e.lhs_list)
            return constant(false, e.loc);
        return e.clone();
    default:
        return e.clone();
    }
}

// ---- evaluation order ----------------------------------------------------------------------

bool is_hot(const Operand& op) {
    return op.kind == Operand::Kind::Field && !op.has_arg &&
           std::find(std::begin(kHotFieldNames), std::end(kHotFieldNames), op.info->name) !=
               std::end(kHotFieldNames);
}

// What reading an operand costs, in units of one inline comparison (a few instructions): a hot
// field is a load, any other field a helper call into the FieldSource (the first time in an
// event). The weights follow instruction counts measured with callgrind on saker-bench
// predicates: a fetch ~90 instructions, a contains ~50, a hash-set lookup ~140.
unsigned operand_cost(const Operand& op) {
    switch (op.kind) {
    case Operand::Kind::Field:
        return is_hot(op) ? 0 : 20;
    case Operand::Kind::Transformed: {
        unsigned c = 30;
        for (const auto& a : op.args)
            c += operand_cost(a);
        return c;
    }
    case Operand::Kind::List: {
        unsigned c = 0;
        for (const auto& item : op.items)
            c += operand_cost(item);
        return c;
    }
    case Operand::Kind::Literal:
        return 0;
    }
    return 0;
}

unsigned operator_cost(const Expr& e) {
    size_t items = e.rhs.kind == Operand::Kind::List ? e.rhs.items.size() : 1;
    switch (e.op) {
    case CmpOp::Exists:
        return 1;
    case CmpOp::Contains:
    case CmpOp::BContains:
    case CmpOp::PMatch:
        return 12;
    case CmpOp::IContains:
    case CmpOp::Glob:
    case CmpOp::IGlob:
        return 20;
    case CmpOp::Regex:
        return 60;
    case CmpOp::In:
    case CmpOp::Intersects:
        return items <= kInlineStringList ? 3 : 30;
    default:
        return e.lhs_type == FieldType::String ? 2 : 1;
    }
}

// A static estimate of evaluating `e` once (every child of and/or counted).
unsigned cost(const Expr& e) {
    switch (e.kind) {
    case Expr::Kind::Compare: {
        unsigned c = operand_cost(e.lhs) + operator_cost(e);
        if (e.op != CmpOp::Exists && e.rhs.is_field_like()) c += operand_cost(e.rhs) + 20;
        if (e.mod != ast::ListMod::None) c *= 4;
        // A list value is compared item by item.
        if (e.lhs.kind == Operand::Kind::Field &&
            yields_list(e.lhs.info->name, e.lhs.info->is_list(), e.lhs.has_arg))
            c *= 4;
        return c;
    }
    case Expr::Kind::And:
    case Expr::Kind::Or:
    case Expr::Kind::Not: {
        unsigned c = 0;
        for (const auto& child : e.children)
            c += cost(*child);
        return c;
    }
    default:
        return 0;
    }
}

// Reorders the children of every and/or, cheapest first (stable: equal costs keep the rule's
// order), except that in an `and` the negated children (a rule's `and not ...` exceptions,
// nearly always true) stay after the others: the selective conditions decide most events.
// And/or over comparisons are pure two-valued logic (an absent value makes a comparison false,
// never an error), so the order changes the cost, never the result.
void cheapest_first(Expr& e) {
    for (auto& child : e.children)
        cheapest_first(*child);
    if (e.kind != Expr::Kind::And && e.kind != Expr::Kind::Or) return;
    constexpr unsigned kException = 1u << 30;
    std::vector<std::pair<unsigned, ast::ExprPtr>> keyed;
    for (auto& child : e.children) {
        bool exception = e.kind == Expr::Kind::And && child->kind == Expr::Kind::Not;
        keyed.emplace_back(cost(*child) + (exception ? kException : 0), std::move(child));
    }
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < keyed.size(); ++i)
        e.children[i] = std::move(keyed[i].second);
}

size_t node_count(const Expr& e) {
    size_t n = 1;
    for (const auto& c : e.children)
        n += node_count(*c);
    return n;
}

class Planner {
  public:
    explicit Planner(CompilePlan& plan) : plan_(plan) {}

    void plan_type(TypePlan& tp) {
        tp_ = &tp;
        std::unordered_map<std::string, std::vector<const Expr*>> seen;
        for (auto& [idx, cond] : tp.rules) {
            ast::for_each_node(*cond, [&](const Expr& n) {
                if ((n.kind == Expr::Kind::And || n.kind == Expr::Kind::Or ||
                     n.kind == Expr::Kind::Not) &&
                    node_count(n) >= 3)
                    seen[ast::to_string(n)].push_back(&n);
            });
            visit(*cond);
        }
        // Deterministic memo numbering: by the first occurrence order of each shared subtree.
        std::vector<std::pair<const Expr*, const std::vector<const Expr*>*>> shared;
        for (auto& [key, nodes] : seen)
            if (nodes.size() >= 2) shared.push_back({nodes.front(), &nodes});
        std::sort(shared.begin(), shared.end(),
                  [&](auto& a, auto& b) { return order_.at(a.first) < order_.at(b.first); });
        for (auto& [first, nodes] : shared) {
            for (const Expr* n : *nodes)
                tp.memo_of[n] = tp.memo_count;
            ++tp.memo_count;
        }
    }

  private:
    CompilePlan& plan_;
    TypePlan* tp_ = nullptr;
    std::unordered_map<const Expr*, size_t> order_;

    // Generated code reads this slot inline: if it is a hot field, the type wants it loaded.
    void want_hot(uint32_t slot) {
        if (int h = plan_.slots.at(slot).hot; h >= 0) tp_->hot_wanted |= uint64_t{1} << h;
    }

    uint32_t new_const(ConstObject obj) {
        plan_.consts.push_back(std::move(obj));
        return static_cast<uint32_t>(plan_.consts.size() - 1);
    }

    void visit(const Expr& e) {
        order_.emplace(&e, order_.size());
        if (e.kind == Expr::Kind::Compare) {
            CompareInfo info = classify(e);
            if (info.strategy != Strategy::Generic) want_hot(info.lhs_slot);
            plan_.compares[&e] = info;
            return;
        }
        if (e.kind == Expr::Kind::Or) group_or(e);
        for (const auto& c : e.children)
            visit(*c);
    }

    static bool is_plain_string_literal_test(const Expr& c, CmpOp op) {
        return c.kind == Expr::Kind::Compare && c.op == op && c.mod == ast::ListMod::None &&
               c.rhs.kind == Operand::Kind::Literal && !c.lhs_list &&
               (c.lhs_type == FieldType::String || c.lhs_type == FieldType::Bytes);
    }

    // Several `x startswith lit` on the same operand inside one `or` become one trie.
    void group_or(const Expr& e) {
        std::unordered_map<uint32_t, std::vector<size_t>> by_slot;
        std::vector<uint32_t> order;
        for (size_t i = 0; i < e.children.size(); ++i) {
            const Expr& c = *e.children[i];
            if (!is_plain_string_literal_test(c, CmpOp::StartsWith)) continue;
            uint32_t s = plan_.slots.intern(c.lhs);
            if (plan_.slots.at(s).may_list) continue; // a list must be tested item by item
            if (!by_slot.count(s)) order.push_back(s);
            by_slot[s].push_back(i);
        }
        for (uint32_t s : order) {
            auto& kids = by_slot[s];
            if (kids.size() < kMinPrefixGroup) continue;
            std::vector<std::string> prefixes;
            for (size_t i : kids)
                prefixes.push_back(e.children[i]->rhs.text);
            ConstObject obj;
            obj.trie = std::make_unique<PrefixTrie>(prefixes, false);
            plan_.or_groups[&e].push_back({s, kids, new_const(std::move(obj))});
            want_hot(s);
        }
    }

    CompareInfo generic(const Expr& e, CompareInfo info) {
        info.strategy = Strategy::Generic;
        ConstObject obj;
        obj.compare = &e;
        info.const_index = new_const(std::move(obj));
        return info;
    }

    CompareInfo classify(const Expr& e) {
        CompareInfo info;
        if (const FieldInfo* addr = sem::name_compare_address(e)) {
            // The address is the left side; the shared semantics test it against the names.
            Operand field;
            field.kind = Operand::Kind::Field;
            field.field = std::string(addr->name);
            field.info = addr;
            info.lhs_slot = plan_.slots.intern(field);
            return generic(e, info);
        }
        info.lhs_slot = plan_.slots.intern(e.lhs);
        if (e.op == CmpOp::Exists) {
            info.strategy = Strategy::Exists;
            return info;
        }
        if (e.rhs.is_field_like()) {
            info.rhs_slot = plan_.slots.intern(e.rhs);
            return generic(e, info);
        }
        if (e.mod != ast::ListMod::None || e.lhs_list) return generic(e, info);
        const bool list = e.rhs.kind == Operand::Kind::List;
        switch (e.lhs_type) {
        case FieldType::String:
        case FieldType::Bytes:
            return classify_string(e, info, list);
        case FieldType::IpAddr:
        case FieldType::IpNet:
            if (e.op == CmpOp::Eq || e.op == CmpOp::Ne || e.op == CmpOp::In ||
                e.op == CmpOp::Intersects) {
                info.strategy = Strategy::IpCmp;
                return info;
            }
            return generic(e, info);
        default: // integers, booleans, ports, times
            if (list && (e.op == CmpOp::In || e.op == CmpOp::Intersects)) {
                info.strategy = Strategy::IntIn;
                return info;
            }
            if (!list) {
                info.strategy = Strategy::IntCmp;
                return info;
            }
            return generic(e, info);
        }
    }

    CompareInfo classify_string(const Expr& e, CompareInfo info, bool list) {
        std::vector<std::string> items;
        if (list)
            for (const auto& it : e.rhs.items)
                items.push_back(it.text);
        ConstObject obj;
        switch (e.op) {
        case CmpOp::Eq:
        case CmpOp::Ne:
            if (list) return generic(e, info);
            info.strategy = Strategy::StrEq;
            return info;
        case CmpOp::In:
        case CmpOp::Intersects:
            if (!list) return generic(e, info);
            if (items.size() <= kInlineStringList) {
                info.strategy = Strategy::StrInSmall;
                return info;
            }
            obj.set = std::make_unique<StringSet>(items);
            info.strategy = Strategy::StrSet;
            break;
        case CmpOp::PMatch:
            if (!list) return generic(e, info);
            obj.trie = std::make_unique<PrefixTrie>(items, true);
            info.strategy = Strategy::PrefixTrie;
            break;
        case CmpOp::StartsWith:
            info.strategy = Strategy::StrPrefix;
            return info;
        case CmpOp::EndsWith:
            info.strategy = Strategy::StrSuffix;
            return info;
        case CmpOp::Contains:
            info.strategy = Strategy::StrContains;
            return info;
        case CmpOp::IContains:
            info.strategy = Strategy::StrIContains;
            return info;
        case CmpOp::Glob:
        case CmpOp::IGlob:
            obj.glob = std::make_unique<GlobMatcher>(e.rhs.text, e.op == CmpOp::IGlob);
            info.strategy = Strategy::Glob;
            break;
        case CmpOp::Regex:
            obj.regex = std::make_unique<re2::RE2>(e.rhs.text, re2::RE2::Quiet);
            info.strategy = Strategy::Regex;
            break;
        default:
            return generic(e, info);
        }
        if (list && info.strategy != Strategy::StrSet && info.strategy != Strategy::PrefixTrie)
            return generic(e, info);
        info.const_index = new_const(std::move(obj));
        return info;
    }
};

} // namespace

std::unique_ptr<CompilePlan> make_plan(const Ruleset& rules, const std::string& only_rule) {
    auto plan = std::make_unique<CompilePlan>();
    auto types = known_event_types();
    std::vector<uint32_t> any_type;                   // rules that match every type
    std::unordered_map<std::string, size_t> by_rules; // specialized rules -> index in types
    for (uint32_t t = 0; t < types.size(); ++t) {
        TypePlan tp;
        tp.type = t;
        for (uint32_t i = 0; i < rules.rules.size(); ++i) {
            const Rule& r = rules.rules[i];
            if (!r.enabled || (!only_rule.empty() && r.name != only_rule)) continue;
            if (!r.evttypes.all &&
                !std::binary_search(r.evttypes.names.begin(), r.evttypes.names.end(), types[t]))
                continue;
            ast::ExprPtr cond = specialize(*r.condition, types[t]);
            if (is_const(*cond, false)) continue;
            cheapest_first(*cond);
            tp.rules.push_back({i, std::move(cond)});
        }
        bool only_generic = std::all_of(tp.rules.begin(), tp.rules.end(), [&](auto& pr) {
            return rules.rules[pr.first].evttypes.all;
        });
        if (tp.rules.empty() || only_generic) continue;
        std::string key;
        for (auto& [idx, cond] : tp.rules)
            key += std::to_string(idx) + " " + ast::to_string(*cond) + "\n";
        auto [it, fresh] = by_rules.emplace(std::move(key), plan->types.size());
        if (fresh)
            plan->types.push_back(std::move(tp));
        else
            plan->types[it->second].same_as.push_back(t);
    }
    // Every other type runs the rules that match all types, unspecialized.
    plan->generic.type = kNoEventType;
    for (uint32_t i = 0; i < rules.rules.size(); ++i) {
        const Rule& r = rules.rules[i];
        if (r.enabled && r.evttypes.all && (only_rule.empty() || r.name == only_rule)) {
            plan->generic.rules.push_back({i, r.condition->clone()});
            cheapest_first(*plan->generic.rules.back().second);
        }
    }
    Planner planner(*plan);
    for (auto& tp : plan->types)
        planner.plan_type(tp);
    planner.plan_type(plan->generic);
    for (const auto& c : plan->consts)
        plan->const_table.push_back(c.address());
    for (std::string_view name : kHotFieldNames) {
        const FieldInfo* info = FieldRegistry::instance().find(name);
        if (!info) throw std::logic_error("hot field " + std::string(name) + " is not registered");
        FieldRequest r;
        r.field = info->id;
        plan->hot_requests.push_back(r);
    }

    // What the generated code is: the lowering revision and the context layout it assumes,
    // then the specialized conditions.
    std::string& fp = plan->fingerprint;
    fp = "code " + std::to_string(kCodeRevision) + " hot";
    for (std::string_view name : kHotFieldNames)
        fp += " " + std::string(name);
    fp += "\n";
    for (const auto* tp : [&] {
             std::vector<const TypePlan*> v;
             for (auto& t : plan->types)
                 v.push_back(&t);
             v.push_back(&plan->generic);
             return v;
         }()) {
        fp += "type " + std::to_string(tp->type);
        for (uint32_t t : tp->same_as)
            fp += " " + std::to_string(t);
        fp += "\n";
        for (auto& [idx, cond] : tp->rules)
            fp += std::to_string(idx) + " " + ast::to_string(*cond) + "\n";
    }
    return plan;
}

} // namespace saker
