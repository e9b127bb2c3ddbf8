// The HTTP sink: each alert POSTed with libcurl.
//
// Outcomes: a 2xx answer is delivered; no connection, a timeout, 408, 429 or a 5xx answer is
// transient (Retry: the worker backs off and tries again, keeping the newest alerts queued
// meanwhile); any other answer, or a request curl cannot even form, is a failure.
#include "runtime/output/sink.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <zlib.h>

#include <mutex>

namespace saker::output {
namespace {

// gzip (RFC 1952) of `in`; empty on failure.
std::string gzip(const std::string& in) {
    z_stream z{};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    std::string out(deflateBound(&z, in.size()), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return rc == Z_STREAM_END ? out : std::string();
}

size_t discard(char*, size_t size, size_t n, void*) {
    return size * n;
}

class HttpSink final : public Sink {
  public:
    HttpSink(const config::HttpOutput& c, bool json) : c_(c) {
        static std::once_flag curl_init;
        std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
        curl_ = curl_easy_init();
        headers_ = curl_slist_append(headers_, json ? "Content-Type: application/json"
                                                    : "Content-Type: text/plain");
        if (c_.compress_uploads) headers_ = curl_slist_append(headers_, "Content-Encoding: gzip");
        if (!curl_) return;
        curl_easy_setopt(curl_, CURLOPT_URL, c_.url.c_str());
        curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
        curl_easy_setopt(curl_, CURLOPT_USERAGENT, c_.user_agent.c_str());
        curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L); // threads: no SIGALRM for DNS timeouts
        curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
        curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 5000L);
        curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(curl_, CURLOPT_FORBID_REUSE, c_.keep_alive ? 0L : 1L);
        curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, this);
        if (c_.insecure) {
            curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 0L);
            curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 0L);
        }
        const std::string& ca_file = !c_.ca_cert.empty() ? c_.ca_cert : c_.ca_bundle;
        if (!ca_file.empty()) curl_easy_setopt(curl_, CURLOPT_CAINFO, ca_file.c_str());
        if (!c_.ca_path.empty()) curl_easy_setopt(curl_, CURLOPT_CAPATH, c_.ca_path.c_str());
        if (c_.mtls) {
            curl_easy_setopt(curl_, CURLOPT_SSLCERT, c_.client_cert.c_str());
            curl_easy_setopt(curl_, CURLOPT_SSLKEY, c_.client_key.c_str());
        }
    }
    ~HttpSink() override {
        if (curl_) curl_easy_cleanup(curl_);
        curl_slist_free_all(headers_);
    }
    const char* name() const override { return "http"; }
    bool keeps_newest() const override { return true; }
    void cancel() override { cancelled_ = true; }

    Delivery deliver(const Message& m) override {
        if (!curl_ || cancelled_) return Delivery::Failed;
        std::string body = c_.compress_uploads ? gzip(m.line) : m.line;
        curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        CURLcode rc = curl_easy_perform(curl_);
        long status = 0;
        curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
        if (rc == CURLE_OK && status >= 200 && status < 300) return Delivery::Delivered;
        bool transient =
            rc == CURLE_OK ? status == 408 || status == 429 || status >= 500 : is_transient(rc);
        if (log_.ready()) {
            if (rc == CURLE_OK)
                spdlog::warn("output http: {} answered {}{}", c_.url, status,
                             transient ? "; retrying" : "");
            else
                spdlog::warn("output http: {}: {}{}", c_.url, curl_easy_strerror(rc),
                             transient ? "; retrying" : "");
        }
        return transient && !cancelled_ ? Delivery::Retry : Delivery::Failed;
    }

  private:
    static bool is_transient(CURLcode rc) {
        switch (rc) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE:
        case CURLE_SSL_CONNECT_ERROR:
            return true;
        default:
            return false;
        }
    }
    static int on_progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
        return static_cast<HttpSink*>(self)->cancelled_.load() ? 1 : 0; // 1 aborts the transfer
    }

    config::HttpOutput c_;
    CURL* curl_ = nullptr;
    curl_slist* headers_ = nullptr;
    std::atomic<bool> cancelled_{false};
    LogLimiter log_;
};

} // namespace

std::unique_ptr<Sink> make_http_sink(const config::HttpOutput& c, bool json) {
    return std::make_unique<HttpSink>(c, json);
}

} // namespace saker::output
