#include "server/service.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <condition_variable>
#include <filesystem>
#include <thread>

#include "engine/identify_support.h"
#include "server/api_listener.h"
#include "server/cluster_events.h"
#include "server/dispatcher.h"
#include "server/listener.h"
#include "server/model_registry.h"
#include "server/redis_client.h"
#include "server/redis_identity_cache.h"
#include "server/routes.h"
#include "server/self_routes.h"
#include "server/self_signed.h"
#include "server/service_engine.h"
#include "server/tls_context.h"
#include "store/observation_writer.h"
#include "store/open_store.h"
#include "store/spool.h"
#include "store/store.h"

namespace fp::server {
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

// Listener events as Prometheus metrics, labelled by listener.
class ListenerMetrics final : public ListenerObserver {
 public:
  ListenerMetrics(Metrics& metrics, std::string listener)
      : metrics_(metrics), listener_(std::move(listener)) {}
  void handshake(std::string_view result, std::string_view alpn) override {
    metrics_.handshake(result, alpn);
  }
  void limit_hit(std::string_view limit) override { metrics_.limit_hit(limit); }
  void connection_opened() override { metrics_.connection_opened(listener_); }
  void connection_closed() override { metrics_.connection_closed(listener_); }

 private:
  Metrics& metrics_;
  std::string listener_;
};

}  // namespace

struct Service::Parts {
  ServerConfig config;
  asio::io_context io;
  Metrics metrics;
  AccessLog log;
  RateLimiter limiter;
  EngineHolder engine;
  LruCache<CachedIdentity> identities;
  ModelRegistry models;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::ObservationWriter> writer;
  ServiceContext context;
  Router router;
  Dispatcher dispatcher;
  SelfRoutes self_routes;
  ListenerMetrics api_events, tls_events;
  std::unique_ptr<ApiListener> api;
  std::unique_ptr<FingerprintListener> tls;
  // Declared last, destroyed first: the events thread calls into the parts above.
  std::unique_ptr<RedisClient> redis;
  std::unique_ptr<SharedIdentityCache> shared_identities;
  std::unique_ptr<ClusterEvents> cluster;

  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  bool stop_requested = false;

  explicit Parts(ServerConfig c)
      : config(std::move(c)),
        log(config.log_level),
        identities(config.cache_entries),
        models(engine::data_dir(config.models_dir, "models"), config.state_dir / "models"),
        context{config, metrics, log,     limiter, engine, identities,
                models, nullptr, nullptr, {},      {}},
        dispatcher(router, context),
        self_routes(context),
        api_events(metrics, "api"),
        tls_events(metrics, "fingerprint") {
    engine.on_replace([this] { identities.clear(); });
  }

  bool open_state(std::string& error);
  bool open_writer(std::string& error);
  bool load_engine(std::string& error);
  bool start_redis(std::string& error);
  bool start_listeners(std::string& error);
  void shut_down();
};

bool Service::Parts::open_state(std::string& error) {
  std::error_code ec;
  fs::create_directories(config.state_dir / "models", ec);
  if (ec) {
    error = "cannot create the state folder " + config.state_dir.string() + ": " + ec.message();
    return false;
  }
  std::string warning;
  if (auto p0f = engine::load_p0f_database(config.p0f_db, warning)) {
    context.p0f = std::make_shared<const identify::P0fDatabase>(std::move(*p0f));
  }
  if (!warning.empty()) log.event("warn", "p0f database", {{"error.message", warning}});
  std::string profile_error;
  context.seed_profiles =
      engine::load_profiles(engine::database_dir(config.profiles_dir), profile_error);
  if (!profile_error.empty()) log.event("warn", "profiles", {{"error.message", profile_error}});
  if (!config.store_observations) return true;
  store = store::open_store({.backend = config.store_backend,
                             .sqlite_file = store::database_path(config.state_dir),
                             .postgres_url = config.store_postgres_url,
                             .postgres_pool = config.store_postgres_pool},
                            error);
  if (!store) return false;
  const size_t seeded = store->seed_profiles(context.seed_profiles);
  if (seeded > 0) log.event("info", "profiles seeded", {{"fp.profiles", std::to_string(seeded)}});
  if (!open_writer(error)) return false;
  context.store = store.get();
  context.writer = writer.get();
  return true;
}

// The writer journals each observation in STATE/spool before it is acknowledged, and replays
// what a previous run left there (a crash, or a store that was down at shutdown).
bool Service::Parts::open_writer(std::string& error) {
  const store::WriterOptions options{.capacity = config.store_queue};
  std::unique_ptr<store::Spool> spool;
  if (config.store_spool_max_bytes > 0) {
    spool = store::Spool::open(
        {.folder = config.state_dir / "spool", .max_bytes = config.store_spool_max_bytes}, error);
    if (!spool) return false;
  }
  writer = std::make_unique<store::ObservationWriter>(*store, std::move(spool), options);
  if (writer->replayed() > 0) {
    log.event("info", "observations replayed from the spool",
              {{"fp.observations", std::to_string(writer->replayed())}});
  }
  return true;
}

bool Service::Parts::load_engine(std::string& error) {
  const Rollout builtin = models.find(ModelRegistry::kBuiltin)
                              ? Rollout::single(std::string(ModelRegistry::kBuiltin))
                              : Rollout{};
  models.set_rollout(stored_rollout(context, builtin));
  if (!rebuild_engine(context, error)) {
    log.event("warn", "model not loaded; identifying without one", {{"error.message", error}});
    models.set_rollout({});
    error.clear();
    if (!rebuild_engine(context, error)) return false;
  }
  metrics.set_info("0.1.0", models.active());
  return true;
}

// With redis.url: shared rate limits, the shared identity cache and cluster events. Redis being
// unreachable now is no reason not to start: limits and cache stay local until it answers.
bool Service::Parts::start_redis(std::string& error) {
  if (config.redis_url.empty()) return true;
  RedisOptions options;
  auto url = parse_redis_url(config.redis_url, error);
  if (!url) {
    error = "redis.url: " + error;
    return false;
  }
  options.url = std::move(*url);
  options.connect_timeout = config.redis_connect_timeout;
  options.command_timeout = config.redis_command_timeout;
  redis = std::make_unique<RedisClient>(options);
  shared_identities = std::make_unique<SharedIdentityCache>(*redis, config.redis_cache_ttl);
  const std::string replica = config.replica_id.empty() ? default_replica_id() : config.replica_id;
  cluster = std::make_unique<ClusterEvents>(
      options, *redis, replica, [this](const ClusterEvent& e) { on_cluster_event(context, e); },
      &metrics);
  context.redis = redis.get();
  context.shared_identities = shared_identities.get();
  context.cluster = cluster.get();
  limiter.share_through(redis.get(), &metrics);
  const bool up = redis->command({"PING"}).has_value();
  metrics.set_redis_up(up);
  if (up) {
    log.event("info", "redis", {{"fp.redis", describe(options.url)}, {"fp.replica", replica}});
  } else {
    log.event("warn", "redis unreachable: rate limits and cache local until it answers",
              {{"fp.redis", describe(options.url)},
               {"fp.replica", replica},
               {"error.message", redis->last_error()}});
  }
  cluster->start();
  return true;
}

bool Service::Parts::start_listeners(std::string& error) {
  std::string cert = config.tls_cert, key = config.tls_key;
  if (cert.empty() || key.empty()) {
    cert = (config.state_dir / "tls" / "cert.pem").string();
    key = (config.state_dir / "tls" / "key.pem").string();
    std::error_code ec;
    fs::create_directories(config.state_dir / "tls", ec);
    if (!ensure_self_signed(cert, key, error)) return false;
  }
  auto tls_context = make_server_tls_context(cert, key, {"h2", "http/1.1"}, error);
  if (!tls_context) return false;
  std::shared_ptr<asio::ssl::context> api_tls;
  if (!config.api_cert.empty() && !config.api_key.empty()) {
    api_tls = make_server_tls_context(config.api_cert, config.api_key, {"http/1.1"}, error);
    if (!api_tls) return false;
  }
  ApiListenerOptions api_options{
      config.api,          config.max_connections, config.max_header_bytes, config.header_timeout,
      config.body_timeout, config.idle_timeout};
  api = std::make_unique<ApiListener>(
      io, api_options, api_tls, [this](Request& r) { return dispatcher.dispatch(r); },
      [this](std::string_view method, std::string_view path) {
        return dispatcher.body_limit(method, path);
      },
      &api_events);
  ListenerOptions tls_options;
  tls_options.endpoint = config.tls;
  tls_options.max_connections = config.max_connections;
  tls_options.max_header_bytes = config.max_header_bytes;
  tls_options.max_body_bytes = config.max_body_bytes;
  tls_options.handshake_timeout = config.handshake_timeout;
  tls_options.header_timeout = config.header_timeout;
  tls_options.body_timeout = config.body_timeout;
  tls_options.idle_timeout = config.idle_timeout;
  tls = std::make_unique<FingerprintListener>(
      io, tls_options, tls_context,
      [this](const CallerCapture& c, const Request& r) { return self_routes.handle(c, r); },
      &tls_events);
  if (!api->start(error)) return false;
  return tls->start(error);
}

void Service::Parts::shut_down() {
  log.event("info", "shutting down: no new connections, finishing requests in flight");
  api->stop();
  tls->stop();
  const auto deadline = std::chrono::steady_clock::now() + config.shutdown_grace;
  while ((api->open_connections() > 0 || tls->open_connections() > 0) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (cluster) cluster->stop();
  if (writer) {
    writer->stop();  // everything acknowledged is committed before the process ends
    log.event("info", "store flushed",
              {{"fp.observations_written", std::to_string(writer->written())},
               {"fp.observations_dropped", std::to_string(writer->dropped())}});
  }
  log.flush();
}

Service::Service(ServerConfig config) : parts_(std::make_unique<Parts>(std::move(config))) {}

Service::~Service() = default;

bool Service::start(std::string& error) {
  Parts& p = *parts_;
  add_operations_routes(p.router, p.context);
  add_fingerprint_routes(p.router, p.context);
  add_pcap_routes(p.router, p.context);
  add_profile_routes(p.router, p.context);
  add_observation_routes(p.router, p.context);
  add_ingest_routes(p.router, p.context);
  add_model_routes(p.router, p.context);
  if (!p.open_state(error) || !p.load_engine(error) || !p.start_redis(error) ||
      !p.start_listeners(error)) {
    return false;
  }
  p.log.event(
      "info", "listening",
      {{"fp.api", "http" + std::string(p.config.api_cert.empty() ? "" : "s") + "://" +
                      p.config.api.host + ":" + std::to_string(p.api->port())},
       {"fp.fingerprint", "https://" + p.config.tls.host + ":" + std::to_string(p.tls->port())},
       {"fp.state", p.config.state_dir.string()}});
  return true;
}

int Service::run() {
  Parts& p = *parts_;
  asio::signal_set signals(p.io, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int) {
    if (!ec) request_stop();
  });
  auto work = asio::make_work_guard(p.io);
  const unsigned n =
      p.config.threads ? p.config.threads : std::max(2u, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < n; ++i) threads.emplace_back([&p] { p.io.run(); });
  {
    std::unique_lock lock(p.stop_mutex);
    p.stop_cv.wait(lock, [&p] { return p.stop_requested; });
  }
  p.shut_down();
  signals.cancel();
  work.reset();
  p.io.stop();
  for (std::thread& t : threads) t.join();
  return 0;
}

void Service::request_stop() {
  std::lock_guard lock(parts_->stop_mutex);
  parts_->stop_requested = true;
  parts_->stop_cv.notify_all();
}

uint16_t Service::api_port() const { return parts_->api ? parts_->api->port() : 0; }
uint16_t Service::tls_port() const { return parts_->tls ? parts_->tls->port() : 0; }

}  // namespace fp::server
