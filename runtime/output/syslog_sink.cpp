// The syslog sink: syslog(3), facility LOG_USER, severity from the rule's priority.
#include "runtime/output/sink.h"

#include <syslog.h>

namespace saker::output {

// Falco's priorities are syslog's severities, in the same order from 0 to 7.
static_assert(static_cast<int>(Priority::Emergency) == LOG_EMERG &&
              static_cast<int>(Priority::Alert) == LOG_ALERT &&
              static_cast<int>(Priority::Critical) == LOG_CRIT &&
              static_cast<int>(Priority::Error) == LOG_ERR &&
              static_cast<int>(Priority::Warning) == LOG_WARNING &&
              static_cast<int>(Priority::Notice) == LOG_NOTICE &&
              static_cast<int>(Priority::Informational) == LOG_INFO &&
              static_cast<int>(Priority::Debug) == LOG_DEBUG);

int syslog_level(Priority p) {
    return static_cast<int>(p);
}

namespace {

class SyslogSink final : public Sink {
  public:
    const char* name() const override { return "syslog"; }
    // syslog(3) reports nothing: with no daemon listening the message is lost, as in Falco.
    Delivery deliver(const Message& m) override {
        ::syslog(LOG_USER | syslog_level(m.priority), "%s", m.line.c_str());
        return Delivery::Delivered;
    }
};

} // namespace

std::unique_ptr<Sink> make_syslog_sink() {
    return std::make_unique<SyslogSink>();
}

} // namespace saker::output
