// `fingerprint identify [--ja4 ..] [--ja3 ..] [--ja4h ..] [--akamai ..] [--ja4t ..]
// [--p0f-signature ..] [--user-agent ..] [--db DIR] [--p0f-db FILE] [--models DIR]`: the identity
// (src/identify/identity.h) of one client from its fingerprint strings, or, with none given, of
// each analyze JSON record read from stdin. An unknown client is also printed to stderr in database
// syntax, ready to paste (STYLE.md 14).
#include <CLI/CLI.hpp>

#include <boost/json.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "engine/identify_support.h"
#include "identify/p0f_os.h"

namespace fp::cli {
using namespace fp::engine;  // the loading and identity helpers the service shares
namespace {

using identify::FingerprintKind;

struct IdentifyOptions {
  std::string ja4, ja3, ja4h, akamai, ja4t, p0f_signature, user_agent, header_order, db, p0f_db,
      models;
};

identify::Observation observation_from_options(const IdentifyOptions& o,
                                               const identify::P0fDatabase* p0f) {
  return observation_from_strings(
      {o.ja4, o.ja3, o.ja4h, o.akamai, o.ja4t, o.p0f_signature, o.user_agent, o.header_order}, p0f);
}

void report(const identify::Identifier& identifier, const identify::Observation& obs) {
  const identify::Identity id = identifier.identify(obs);
  std::printf("%s\n", identity_json(id).c_str());
  if (!id.client || id.client->name != "unknown") return;
  const std::string& ja4 = obs.of(FingerprintKind::kJa4);
  const std::string pid = identify::to_profile_id("unknown-" + (ja4.empty() ? "client" : ja4));
  std::fprintf(stderr, "# unknown client; name it and add it to data/profiles/*.fpdb:\n%s",
               identify::format_profile(identify::profile_of(obs, pid)).c_str());
}

// One analyze record (JSON object) a line; lines that are not objects are reported and skipped.
int identify_stdin(const identify::Identifier& identifier, const identify::P0fDatabase* p0f) {
  int status = kExitOk;
  size_t line_no = 0;
  for (std::string line; std::getline(std::cin, line);) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_object()) {
      std::fprintf(stderr, "fingerprint: stdin:%zu: not a JSON record\n", line_no);
      status = kExitDamagedInput;
      continue;
    }
    report(identifier, observation_from_record(v.as_object(), p0f));
  }
  return status;
}

int run_identify(const IdentifyOptions& o) {
  std::string error;
  std::vector<identify::Profile> profiles = load_profiles(database_dir(o.db), error);
  if (profiles.empty()) {
    std::fprintf(stderr, "fingerprint: %s\n", error.c_str());
    return kExitUsage;
  }
  std::string warning;
  const std::unique_ptr<const identify::IdentityModel> model = load_model(o.models, warning);
  if (!warning.empty()) std::fprintf(stderr, "fingerprint: %s\n", warning.c_str());
  identify::Identifier identifier(std::move(profiles));
  identifier.set_model(model.get());
  warning.clear();
  const std::optional<identify::P0fDatabase> db = load_p0f_database(o.p0f_db, warning);
  if (!warning.empty()) std::fprintf(stderr, "fingerprint: %s\n", warning.c_str());
  const identify::P0fDatabase* p0f = db ? &*db : nullptr;
  const bool any = !(o.ja4 + o.ja3 + o.ja4h + o.akamai + o.ja4t + o.p0f_signature + o.user_agent +
                     o.header_order)
                        .empty();
  if (!any) return identify_stdin(identifier, p0f);
  report(identifier, observation_from_options(o, p0f));
  return kExitOk;
}

}  // namespace

void add_identify_command(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<IdentifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "identify", "Name the client of fingerprints, or of analyze records on stdin");
  cmd->add_option("--ja4", o->ja4, "JA4, JA4_r or JA4_ro");
  cmd->add_option("--ja3", o->ja3, "JA3 string, or a JA3N hash");
  cmd->add_option("--ja4h", o->ja4h, "JA4H");
  cmd->add_option("--akamai", o->akamai, "Akamai HTTP/2 text SETTINGS|WINDOW|PRIORITY|PSEUDO");
  cmd->add_option("--ja4t", o->ja4t, "JA4T");
  cmd->add_option("--p0f-signature", o->p0f_signature,
                  "p0f raw_sig of the SYN, e.g. 4:64+0:0:1460:mss*20,7:mss,sok,ts,nop,ws:df,id+:0");
  cmd->add_option("--user-agent", o->user_agent, "User-Agent header value");
  cmd->add_option("--header-order", o->header_order, "Header names, lower-case, ',' between");
  cmd->add_option("--db", o->db, "Profile folder (default: data/profiles here or in ..)");
  cmd->add_option("--p0f-db", o->p0f_db, "p0f.fp for the OS (default: /etc/p0f/p0f.fp)");
  cmd->add_option("--models", o->models,
                  "Classifier folder (default: data/models here or in ..; none: no model)");
  cmd->callback([o, &exit_status] { exit_status = run_identify(*o); });
}

}  // namespace fp::cli
