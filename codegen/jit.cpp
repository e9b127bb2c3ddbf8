#include "codegen/jit.h"

#include "codegen/helpers.h"
#include "codegen/lowering.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SHA256.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Host.h>

#include <bit>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#ifndef SAKER_VERSION
#define SAKER_VERSION "dev"
#endif

namespace saker {
namespace {

void init_llvm() {
    static std::once_flag once;
    std::call_once(once, [] {
        llvm::InitializeNativeTarget();
        llvm::InitializeNativeTargetAsmPrinter();
        llvm::InitializeNativeTargetAsmParser();
    });
}

std::string to_error(llvm::Error e) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << e;
    return s;
}

llvm::CodeGenOptLevel codegen_level(int opt) {
    switch (opt) {
    case 0:
        return llvm::CodeGenOptLevel::None;
    case 1:
        return llvm::CodeGenOptLevel::Less;
    case 3:
        return llvm::CodeGenOptLevel::Aggressive;
    default:
        return llvm::CodeGenOptLevel::Default;
    }
}

llvm::Expected<llvm::orc::JITTargetMachineBuilder> host_builder(int opt) {
    auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!jtmb) return jtmb.takeError();
    jtmb->setCodeGenOptLevel(codegen_level(opt));
    jtmb->setRelocationModel(llvm::Reloc::PIC_);
    return jtmb;
}

void optimize(llvm::Module& m, llvm::TargetMachine& tm, int opt) {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder pb(&tm);
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    static const llvm::OptimizationLevel levels[] = {
        llvm::OptimizationLevel::O0, llvm::OptimizationLevel::O1, llvm::OptimizationLevel::O2,
        llvm::OptimizationLevel::O3};
    llvm::ModulePassManager mpm = opt == 0 ? pb.buildO0DefaultPipeline(levels[0])
                                           : pb.buildPerModuleDefaultPipeline(levels[opt]);
    mpm.run(m, mam);
}

// Lowers, verifies and optimizes the plan into a module ready for code generation.
std::unique_ptr<llvm::Module> build_module(const CompilePlan& plan, llvm::LLVMContext& c,
                                           llvm::TargetMachine& tm, int opt, std::string* error) {
    auto m = lower_plan(plan, c, tm.createDataLayout());
    m->setTargetTriple(tm.getTargetTriple().str());
    std::string problems;
    llvm::raw_string_ostream os(problems);
    if (llvm::verifyModule(*m, &os)) {
        if (error) *error = "internal error: generated IR is invalid: " + problems;
        return nullptr;
    }
    optimize(*m, tm, opt);
    return m;
}

bool emit(llvm::Module& m, llvm::TargetMachine& tm, llvm::CodeGenFileType type,
          llvm::SmallVectorImpl<char>& out) {
    llvm::raw_svector_ostream os(out);
    llvm::legacy::PassManager pm;
    if (tm.addPassesToEmitFile(pm, os, nullptr, type)) return false;
    pm.run(m);
    return true;
}

// ---- object cache --------------------------------------------------------------------------

constexpr char kMagic[8] = {'S', 'A', 'K', 'E', 'R', 'O', 'B', '1'};

struct CacheHeader {
    char magic[8];
    uint8_t key[32];
    uint64_t size;
    uint64_t checksum;
};

uint64_t fnv1a(const char* p, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; ++i)
        h = (h ^ static_cast<uint8_t>(p[i])) * 1099511628211ull;
    return h;
}

std::array<uint8_t, 32> cache_key(const CompilePlan& plan, llvm::TargetMachine& tm, int opt) {
    std::string text = "saker " SAKER_VERSION " llvm " LLVM_VERSION_STRING " cpu ";
    text += tm.getTargetCPU().str() + " " + tm.getTargetFeatureString().str();
    text += " O" + std::to_string(opt) + "\n" + plan.fingerprint;
    return llvm::SHA256::hash(llvm::arrayRefFromStringRef(text));
}

std::string hex(const std::array<uint8_t, 32>& k) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (uint8_t b : k)
        s += {d[b >> 4], d[b & 15]};
    return s;
}

std::unique_ptr<llvm::MemoryBuffer> cache_load(const std::string& path,
                                               const std::array<uint8_t, 32>& key) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return nullptr;
    CacheHeader h{};
    if (!f.read(reinterpret_cast<char*>(&h), sizeof h)) return nullptr;
    if (std::memcmp(h.magic, kMagic, 8) != 0 || std::memcmp(h.key, key.data(), 32) != 0 ||
        h.size == 0 || h.size > (256u << 20))
        return nullptr;
    std::string body(h.size, '\0');
    if (!f.read(body.data(), static_cast<std::streamsize>(h.size))) return nullptr;
    if (fnv1a(body.data(), body.size()) != h.checksum) return nullptr;
    return llvm::MemoryBuffer::getMemBufferCopy(body, "saker-cached-rules");
}

void cache_store(const std::string& dir, const std::string& path,
                 const std::array<uint8_t, 32>& key, llvm::ArrayRef<char> obj) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    CacheHeader h{};
    std::memcpy(h.magic, kMagic, 8);
    std::memcpy(h.key, key.data(), 32);
    h.size = obj.size();
    h.checksum = fnv1a(obj.data(), obj.size());
    // Write then rename, so a reader never sees a half-written entry.
    std::string tmp = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f.write(reinterpret_cast<const char*>(&h), sizeof h);
        f.write(obj.data(), static_cast<std::streamsize>(obj.size()));
        if (!f) return;
    }
    std::filesystem::rename(tmp, path, ec);
}

} // namespace

JitEngine::~JitEngine() = default;

std::unique_ptr<JitEngine> JitEngine::create(const Ruleset& rules, const EngineOptions& options,
                                             std::string* error) {
    init_llvm();
    int opt = std::clamp(options.opt_level, 0, 3);
    std::unique_ptr<JitEngine> e(new JitEngine);
    e->plan_ = make_plan(rules);
    auto jtmb = host_builder(opt);
    if (!jtmb) {
        if (error) *error = to_error(jtmb.takeError());
        return nullptr;
    }
    auto tm = jtmb->createTargetMachine();
    if (!tm) {
        if (error) *error = to_error(tm.takeError());
        return nullptr;
    }
    auto key = cache_key(*e->plan_, **tm, opt);
    std::string path = options.cache_dir.empty() ? "" : options.cache_dir + "/" + hex(key) + ".o";
    std::unique_ptr<llvm::MemoryBuffer> object = path.empty() ? nullptr : cache_load(path, key);
    e->from_cache_ = object != nullptr;
    if (!object) {
        llvm::LLVMContext c;
        auto m = build_module(*e->plan_, c, **tm, opt, error);
        if (!m) return nullptr;
        llvm::SmallVector<char, 0> obj;
        if (!emit(*m, **tm, llvm::CodeGenFileType::ObjectFile, obj)) {
            if (error) *error = "internal error: the target cannot emit object files";
            return nullptr;
        }
        if (!path.empty()) cache_store(options.cache_dir, path, key, obj);
        object = llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(obj.data(), obj.size()),
                                                      "saker-rules");
    }

    auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*jtmb)).create();
    if (!jit) {
        if (error) *error = to_error(jit.takeError());
        return nullptr;
    }
    e->jit_ = std::move(*jit);
    llvm::orc::SymbolMap helpers;
    for (const auto& h : jit_helper_symbols())
        helpers[e->jit_->mangleAndIntern(h.name)] = {llvm::orc::ExecutorAddr::fromPtr(h.address),
                                                     llvm::JITSymbolFlags::Exported |
                                                         llvm::JITSymbolFlags::Callable};
    if (auto err = e->jit_->getMainJITDylib().define(llvm::orc::absoluteSymbols(helpers))) {
        if (error) *error = to_error(std::move(err));
        return nullptr;
    }
    if (auto err = e->jit_->addObjectFile(std::move(object))) {
        if (error) *error = to_error(std::move(err));
        return nullptr;
    }
    auto lookup = [&](const std::string& name) -> EntryFn {
        auto addr = e->jit_->lookup(name);
        if (!addr) {
            if (error) *error = to_error(addr.takeError());
            return nullptr;
        }
        return addr->toPtr<EntryFn>();
    };
    e->generic_ = {lookup(entry_name(e->plan_->generic)), e->plan_->generic.hot_wanted};
    if (!e->generic_.fn) return nullptr;
    e->by_type_.assign(known_event_types().size(), e->generic_);
    for (const auto& tp : e->plan_->types) {
        EntryFn fn = lookup(entry_name(tp));
        if (!fn) return nullptr;
        e->by_type_[tp.type] = {fn, tp.hot_wanted};
        for (uint32_t t : tp.same_as)
            e->by_type_[t] = {fn, tp.hot_wanted};
    }
    e->slots_.resize(e->plan_->slots.size());
    e->ctx_.slots = e->slots_.data();
    e->ctx_.consts = e->plan_->const_table.data();
    e->ctx_.table = &e->plan_->slots;
    e->ctx_.scratch = &e->scratch_;
    return e;
}

const Value* JitEngine::extract_hot(FieldSource& source, uint64_t wanted) {
    for (uint64_t w = wanted & kAllHotFields; w; w &= w - 1) {
        auto h = static_cast<size_t>(std::countr_zero(w));
        own_hot_[h] = Value{};
        source.extract(plan_->hot_requests[h], own_hot_[h]);
    }
    return own_hot_.data();
}

static bool dump(const Ruleset& rules, const std::string& only_rule, int opt, bool assembly,
                 std::string& out, std::string* error) {
    init_llvm();
    opt = std::clamp(opt, 0, 3);
    auto plan = make_plan(rules, only_rule);
    auto jtmb = host_builder(opt);
    if (!jtmb) {
        if (error) *error = to_error(jtmb.takeError());
        return false;
    }
    auto tm = jtmb->createTargetMachine();
    if (!tm) {
        if (error) *error = to_error(tm.takeError());
        return false;
    }
    llvm::LLVMContext c;
    auto m = build_module(*plan, c, **tm, opt, error);
    if (!m) return false;
    if (!assembly) {
        llvm::raw_string_ostream os(out);
        m->print(os, nullptr);
        return true;
    }
    llvm::SmallVector<char, 0> text;
    if (!emit(*m, **tm, llvm::CodeGenFileType::AssemblyFile, text)) {
        if (error) *error = "internal error: the target cannot emit assembly";
        return false;
    }
    out.assign(text.begin(), text.end());
    return true;
}

bool dump_ir(const Ruleset& rules, const std::string& only_rule, int opt, std::string& out,
             std::string* error) {
    return dump(rules, only_rule, opt, false, out, error);
}

bool dump_asm(const Ruleset& rules, const std::string& only_rule, int opt, std::string& out,
              std::string* error) {
    return dump(rules, only_rule, opt, true, out, error);
}

} // namespace saker
