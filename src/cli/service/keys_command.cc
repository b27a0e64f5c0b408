// `fingerprint keys create|list|revoke`: API keys in the service's database: the SQLite file under
// --state DIR (the folder `fingerprint serve` uses), or the PostgreSQL database of --postgres URL
// (or FP_STORE_POSTGRES_URL) that replicas share. The secret is printed once, by `create`; the
// database keeps only its SHA-256.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "engine/profile_json.h"
#include "store/open_store.h"

namespace fp::cli {
namespace {

namespace fs = std::filesystem;

struct KeysOptions {
  std::string state = "var";  // the default of `serve --state`
  std::string postgres_url;   // non-empty: the PostgreSQL store instead of the SQLite file
  std::string name;
  std::string tier = "free";
  bool read_only = false;
  std::string id;
};

// The store of `postgres_url`, else of `state`; nullptr after a message. `create` makes the
// folder and the SQLite database; list and revoke only read an existing one, so a mistyped
// --state is not silently a new one. (A PostgreSQL database is migrated on open either way.)
std::unique_ptr<store::Store> open_store(const KeysOptions& o, bool create, int& status) {
  store::StoreOptions options;
  if (!o.postgres_url.empty()) {
    options.backend = store::kPostgresBackend;
    options.postgres_url = o.postgres_url;
    options.postgres_pool = 1;
  }
  const fs::path file = options.sqlite_file = store::database_path(o.state);
  std::error_code ec;
  if (!o.postgres_url.empty()) {
    // nothing to check on disk
  } else if (create) {
    fs::create_directories(o.state, ec);
  } else if (!fs::exists(file, ec)) {
    std::fprintf(stderr, "fingerprint: no database at %s (see --state)\n", file.c_str());
    status = kExitUsage;
    return nullptr;
  }
  std::string error;
  std::unique_ptr<store::Store> db = store::open_store(options, error);
  if (!db) {
    std::fprintf(stderr, "fingerprint: %s\n", error.c_str());
    status = kExitDamagedInput;
  }
  return db;
}

int run_create(const KeysOptions& o) {
  if (o.name.empty()) {
    std::fprintf(stderr, "fingerprint: --name must not be empty\n");
    return kExitUsage;
  }
  int status = kExitOk;
  const std::unique_ptr<store::Store> db = open_store(o, true, status);
  if (!db) return status;
  std::string error;
  const store::CreatedKey created = db->create_key(o.name, o.tier, !o.read_only, error);
  if (created.secret.empty()) {
    std::fprintf(stderr, "fingerprint: cannot create the key: %s\n", error.c_str());
    return kExitDamagedInput;
  }
  std::printf("id      %s\nname    %s\ntier    %s\naccess  %s\nsecret  %s\n",
              created.key.id.c_str(), created.key.name.c_str(), created.key.tier.c_str(),
              created.key.can_write ? "read-write" : "read-only", created.secret.c_str());
  std::fprintf(stderr,
               "The secret is shown only now: the database keeps its SHA-256, not the secret.\n"
               "Send it as `Authorization: Bearer <secret>`.\n");
  return kExitOk;
}

int run_list(const KeysOptions& o) {
  int status = kExitOk;
  const std::unique_ptr<store::Store> db = open_store(o, false, status);
  if (!db) return status;
  std::printf("%-16s  %-10s  %-10s  %-24s  %-7s  %s\n", "ID", "TIER", "ACCESS", "CREATED", "STATUS",
              "NAME");
  for (const store::ApiKey& key : db->keys()) {
    std::printf("%-16s  %-10s  %-10s  %-24s  %-7s  %s\n", key.id.c_str(), key.tier.c_str(),
                key.can_write ? "read-write" : "read-only",
                engine::rfc3339_utc(key.created_ms).c_str(), key.revoked ? "revoked" : "active",
                key.name.c_str());
  }
  return kExitOk;
}

int run_revoke(const KeysOptions& o) {
  int status = kExitOk;
  const std::unique_ptr<store::Store> db = open_store(o, false, status);
  if (!db) return status;
  if (!db->revoke_key(o.id)) {
    std::fprintf(stderr, "fingerprint: no key with id '%s' (see `fingerprint keys list`)\n",
                 o.id.c_str());
    return kExitUsage;
  }
  std::printf("revoked %s\n", o.id.c_str());
  return kExitOk;
}

}  // namespace

void add_keys_command(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<KeysOptions>();
  CLI::App* cmd = app.add_subcommand("keys", "Create, list and revoke API keys of the service");
  cmd->require_subcommand(1);
  if (const char* url = std::getenv("FP_STORE_POSTGRES_URL")) o->postgres_url = url;
  const auto add_state = [&o](CLI::App* sub) {
    sub->add_option("--state", o->state, "The service's state folder")->capture_default_str();
    // Not echoed by --help (the default would show a password from the environment).
    sub->add_option("--postgres", o->postgres_url,
                    "PostgreSQL URL of a shared store (default: $FP_STORE_POSTGRES_URL); "
                    "else the SQLite file under --state");
  };

  CLI::App* create = cmd->add_subcommand("create", "Create a key and print its secret once");
  add_state(create);
  create->add_option("--name", o->name, "Who the key is for")->required();
  create->add_option("--tier", o->tier, "Rate-limit tier")
      ->check(CLI::IsMember({"free", "pro", "enterprise"}))
      ->capture_default_str();
  create->add_flag("--read-only", o->read_only, "The key may not change profiles or settings");
  create->callback([o, &exit_status] { exit_status = run_create(*o); });

  CLI::App* list = cmd->add_subcommand("list", "List every key (never a secret)");
  add_state(list);
  list->callback([o, &exit_status] { exit_status = run_list(*o); });

  CLI::App* revoke = cmd->add_subcommand("revoke", "Revoke a key by its id");
  add_state(revoke);
  revoke->add_option("id", o->id, "The key's id (from `keys list`)")->required();
  revoke->callback([o, &exit_status] { exit_status = run_revoke(*o); });
}

}  // namespace fp::cli
