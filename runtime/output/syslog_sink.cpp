// The syslog sink: syslog(3), facility LOG_USER, severity from the rule's priority.
#include "runtime/output/sink.h"

#include <syslog.h>

namespace saker::output {

int syslog_level(Priority p) {
    switch (p) {
    case Priority::Emergency:
        return LOG_EMERG;
    case Priority::Alert:
        return LOG_ALERT;
    case Priority::Critical:
        return LOG_CRIT;
    case Priority::Error:
        return LOG_ERR;
    case Priority::Warning:
        return LOG_WARNING;
    case Priority::Notice:
        return LOG_NOTICE;
    case Priority::Informational:
        return LOG_INFO;
    case Priority::Debug:
        return LOG_DEBUG;
    }
    return LOG_DEBUG;
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
