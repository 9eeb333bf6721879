// RESTinio's acceptor for jogtrack's server: keeps accepting after accept() errors and pauses at the connection cap.
//
// RESTinio 0.6.16's own acceptor schedules no further accept once async_accept
// fails (EMFILE, ENFILE, ENOBUFS, ...): after one burst of too many open files
// the server never accepts again. http_server_t<Traits> creates
// impl::acceptor_t<Traits>, so server.cpp specialises that template for its
// Traits as this class, written against what http_server_t calls: the
// constructor, open(), close() and get_open_close_operations_executor().
// Include it only from server.cpp (it pulls in RESTinio and asio).
#pragma once
#include <restinio/http_server.hpp>
#include <spdlog/spdlog.h>

#include <asio/bind_executor.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "http/connection_gate.h"

namespace jogtrack::http {

// RESTinio's server settings plus what ResilientAcceptor needs:
// http_server_t hands its settings object to the acceptor's constructor.
template <class Traits>
class AcceptorSettings final : public restinio::basic_server_settings_t<AcceptorSettings<Traits>, Traits> {
  using base_t = restinio::basic_server_settings_t<AcceptorSettings<Traits>, Traits>;

 public:
  using base_t::base_t;

  // Required; must outlive every connection (connections report their end to it).
  AcceptorSettings& connection_gate(ConnectionGate& gate) & {
    gate_ = &gate;
    return *this;
  }
  ConnectionGate* connection_gate() const { return gate_; }

  // Pause after a failed accept() before trying again (nginx-style back-off:
  // the pending connection stays in the backlog, so retrying at once would spin).
  AcceptorSettings& accept_retry_delay(std::chrono::milliseconds delay) & {
    retry_delay_ = delay;
    return *this;
  }
  std::chrono::milliseconds accept_retry_delay() const { return retry_delay_; }

 private:
  ConnectionGate* gate_ = nullptr;
  std::chrono::milliseconds retry_delay_{50};
};

// One accept at a time, all of it (and open/close) on one strand, so the gate
// is asked exactly once per connection and the cap is exact. RESTinio's
// concurrent_accepts_count and separate_accept_and_create_connect settings
// are therefore not used (serve() leaves them at their defaults, 1 and false).
template <class Traits>
class ResilientAcceptor : public std::enable_shared_from_this<ResilientAcceptor<Traits>> {
 public:
  using connection_factory_t = restinio::impl::connection_factory_t<Traits>;
  using logger_t = typename Traits::logger_t;
  using strand_t = typename Traits::strand_t;
  using stream_socket_t = typename Traits::stream_socket_t;
  using lifetime_monitor_t = typename restinio::connection_count_limit_types<Traits>::lifetime_monitor_t;
  using settings_t = restinio::basic_server_settings_t<AcceptorSettings<Traits>, Traits>;

  static_assert(std::is_same_v<typename restinio::connection_count_limit_types<Traits>::limiter_t, ConnectionGate>,
                "connections must report to the ConnectionGate");
  static_assert(std::is_same_v<typename Traits::ip_blocker_t, restinio::ip_blocker::noop_ip_blocker_t>,
                "this acceptor does not run an IP blocker");

  ResilientAcceptor(settings_t& settings, asio::io_context& io, std::shared_ptr<connection_factory_t> factory,
                    logger_t& /*RESTinio's logger: accept errors go to spdlog*/)
      : strand_(io.get_executor()),
        acceptor_(io),
        socket_(io),
        retry_timer_(io),
        port_(settings.port()),
        protocol_(settings.protocol()),
        address_(settings.address()),
        options_setter_(settings.acceptor_options_setter()),
        post_bind_hook_(settings.giveaway_acceptor_post_bind_hook()),
        factory_(std::move(factory)),
        gate_(required_gate(settings)),
        retry_delay_(static_cast<AcceptorSettings<Traits>&>(settings).accept_retry_delay()) {}

  // Binds, listens and starts accepting; throws if it cannot bind or listen.
  void open() {
    if (acceptor_.is_open()) return;
    asio::ip::tcp::endpoint endpoint{protocol_, port_};
    try {
      if (const auto address = address_of(address_)) endpoint.address(*address);
      acceptor_.open(endpoint.protocol());
      restinio::acceptor_options_t options{acceptor_};
      (*options_setter_)(options);
      acceptor_.bind(endpoint);
      if (post_bind_hook_) post_bind_hook_(acceptor_);
      acceptor_.listen(asio::socket_base::max_listen_connections);
    } catch (...) {
      asio::error_code ignored;
      acceptor_.close(ignored);
      throw;
    }
    gate_.on_resume([weak = this->weak_from_this()] {
      if (auto self = weak.lock()) asio::post(self->strand_, [self] { self->accept_next(); });
    });
    asio::post(strand_, [self = this->shared_from_this()] { self->accept_next(); });
  }

  // Stops accepting (http_server_t calls it on the strand below).
  void close() {
    if (!acceptor_.is_open()) return;
    gate_.on_resume({});
    retry_timer_.cancel();
    asio::error_code ignored;
    acceptor_.close(ignored);
  }

  strand_t& get_open_close_operations_executor() noexcept { return strand_; }

 private:
  using Clock = std::chrono::steady_clock;

  static ConnectionGate& required_gate(settings_t& settings) {
    ConnectionGate* gate = static_cast<AcceptorSettings<Traits>&>(settings).connection_gate();
    if (!gate) throw std::invalid_argument("AcceptorSettings: connection_gate is required");
    return *gate;
  }

  // The same spellings RESTinio's acceptor understands.
  static std::optional<asio::ip::address> address_of(const restinio::details::address_variant_t& from) {
    if (const auto* text = restinio::get_if<std::string>(&from)) {
      if (*text == "localhost") return asio::ip::make_address("127.0.0.1");
      if (*text == "ip6-localhost") return asio::ip::make_address("::1");
      return asio::ip::make_address(*text);
    }
    if (const auto* address = restinio::get_if<asio::ip::address>(&from)) return *address;
    return std::nullopt;
  }

  void accept_next() {
    if (!acceptor_.is_open()) return;
    if (!gate_.try_admit()) return;  // the gate calls on_resume's function when a connection closes
    acceptor_.async_accept(socket_.lowest_layer(),
                           asio::bind_executor(strand_, [self = this->shared_from_this()](const asio::error_code& ec) {
                             self->on_accepted(ec);
                           }));
  }

  void on_accepted(const asio::error_code& ec) {
    if (!acceptor_.is_open()) return;  // closed meanwhile: the server is stopping
    if (ec) {
      on_accept_error(ec);
      return;
    }
    if (burst_failures_ > 0) end_error_burst();
    start_connection();
    accept_next();
  }

  void start_connection() {
    stream_socket_t incoming{std::move(socket_)};  // socket_ stays usable for the next accept
    asio::error_code ec;
    auto remote = incoming.lowest_layer().remote_endpoint(ec);
    if (ec) return;  // the peer is gone already (RESTinio would throw here and log); closing is all to do
    try {
      auto connection = factory_->create_new_connection(std::move(incoming), remote, lifetime_monitor_t{&gate_});
      connection->init();
    } catch (const std::exception& e) {
      spdlog::warn("could not start a connection from {}: {}", remote.address().to_string(), e.what());
    }
  }

  // Logged once when a burst of failures starts, every minute while it lasts,
  // and once when accepting works again: never once per attempt.
  void on_accept_error(const asio::error_code& ec) {
    gate_.stats().accept_errors.fetch_add(1, std::memory_order_relaxed);
    const auto now = Clock::now();
    if (burst_failures_ == 0) {
      burst_start_ = last_log_ = now;
      spdlog::warn("cannot accept connections: {} ({} open); retrying every {} ms", ec.message(), gate_.open(),
                   retry_delay_.count());
    } else if (now - last_log_ >= std::chrono::minutes(1)) {
      last_log_ = now;
      spdlog::warn("still cannot accept connections: {} ({} failures in {} s, {} open)", ec.message(),
                   burst_failures_ + 1, std::chrono::duration_cast<std::chrono::seconds>(now - burst_start_).count(),
                   gate_.open());
    }
    ++burst_failures_;
    retry_timer_.expires_after(retry_delay_);
    retry_timer_.async_wait(asio::bind_executor(strand_, [self = this->shared_from_this()](const asio::error_code& e) {
      if (!e) self->accept_next();
    }));
  }

  void end_error_burst() {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - burst_start_).count();
    spdlog::info("accepting connections again after {} failed attempts over {} ms", burst_failures_, ms);
    burst_failures_ = 0;
  }

  strand_t strand_;
  asio::ip::tcp::acceptor acceptor_;
  stream_socket_t socket_;
  asio::steady_timer retry_timer_;

  const std::uint16_t port_;
  const asio::ip::tcp protocol_;
  const restinio::details::address_variant_t address_;
  std::unique_ptr<restinio::acceptor_options_setter_t> options_setter_;
  restinio::acceptor_post_bind_hook_t post_bind_hook_;

  std::shared_ptr<connection_factory_t> factory_;
  ConnectionGate& gate_;
  const std::chrono::milliseconds retry_delay_;

  // Current burst of accept failures (touched on the strand only).
  std::uint64_t burst_failures_ = 0;
  Clock::time_point burst_start_, last_log_;
};

}  // namespace jogtrack::http
