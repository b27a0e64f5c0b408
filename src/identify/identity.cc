#include "identify/identity.h"

#include <algorithm>
#include <array>

#include "identify/identity_votes.h"

namespace fp::identify {
namespace {

using detail::Vote;

// Kinds that tell the client (TCP's JA4T tells the OS; server-side kinds tell the server).
constexpr std::array<FingerprintKind, 4> kClientKinds = {
    FingerprintKind::kJa4, FingerprintKind::kJa3n, FingerprintKind::kJa4h,
    FingerprintKind::kAkamai};

// OS confidence by how p0f matched the SYN: a specific sig, a generic one (p0f.fp's generic sigs
// cover whole kernel families), one with tolerated differences; kNone: a label set without saying.
constexpr double kP0fExact = 0.9, kP0fGeneric = 0.7, kP0fFuzzy = 0.4, kP0fUnsaid = 0.6;
// An OS that only follows from the client's profiles, scaled by the client's confidence.
constexpr double kProfileOs = 0.5;

int client_kinds_matched(const ProfileMatch& m) {
  int n = 0;
  for (FingerprintKind k : kClientKinds) n += m.matched_by(k);
  return n;
}

bool has_client_side(const Observation& o) {
  for (FingerprintKind k : kClientKinds) {
    if (!o.of(k).empty()) return true;
  }
  return !o.ciphers.empty();
}

// The votes of the client named, for the OS its profiles may tell.
void keep_winner(std::span<const Vote> votes, const std::string& name, std::vector<Vote>& kept) {
  kept.clear();
  for (const Vote& v : votes) {
    if (v.profile->name == name) kept.push_back(v);
  }
}

void fill_client(std::span<const Vote> votes, const std::vector<NamedGuess>& names, double scale,
                 Identity& id) {
  const NamedGuess& best = names.front();
  id.client = ClientGuess{best.name, detail::kind_of(votes, best.name),
                          detail::version_range(votes, best.name), best.confidence * scale};
  for (size_t i = 1; i < names.size(); ++i) {
    id.alternatives.push_back({names[i].name, names[i].confidence * scale});
  }
}

void fill_library(std::span<const Vote> votes, double scale, Identity& id) {
  const std::vector<NamedGuess> libraries = detail::tally(votes, &Profile::tls_library, "");
  if (!libraries.empty()) {
    id.tls_library = NamedGuess{libraries[0].name, libraries[0].confidence * scale};
  }
}

bool from_exact(std::span<const ProfileMatch> matches, std::string_view claimed, Identity& id,
                std::vector<Vote>& winner) {
  std::vector<Vote> votes;
  for (const ProfileMatch& m : matches) {
    if (const int n = client_kinds_matched(m); n > 0) votes.push_back({m.profile, double(n)});
  }
  if (votes.empty()) return false;
  id.matched_by = MatchedBy::kExact;
  id.profile = votes.front().profile->id;
  id.quality = 1.0;
  fill_library(votes, 1.0, id);
  const std::vector<NamedGuess> names = detail::tally(votes, &Profile::name, claimed);
  if (!names.empty()) {
    fill_client(votes, names, 1.0, id);
    keep_winner(votes, names.front().name, winner);
  }
  return id.client.has_value();
}

// A program linked with a system TLS library sends that library's default ClientHello, the same
// as every other program linked with it (curl and Python's urllib on OpenSSL, wget and gnutls-cli
// on GnuTLS; apps on Apple's stack or Schannel). On the TLS layer alone, a hello merely *close* to
// such a program's tells the library, not the program.
bool shared_system_library(std::string_view tls_library) {
  static constexpr std::array<std::string_view, 4> kShared = {"openssl", "gnutls", "apple",
                                                              "schannel"};
  return std::find(kShared.begin(), kShared.end(), tls_library) != kShared.end();
}

bool http_visible(const Observation& o) {
  return !o.header_order.empty() || !o.user_agent.empty() || !o.h2_settings.empty() ||
         !o.of(FingerprintKind::kJa4h).empty() || !o.of(FingerprintKind::kAkamai).empty();
}

// Named client when the nearest profile is close enough, else at most its TLS library.
void from_similarity(std::span<const Neighbour> nearest, std::string_view claimed, bool tls_only,
                     const IdentifyOptions& options, Identity& id, std::vector<Vote>& winner) {
  if (nearest.empty()) return;
  const double best = nearest.front().similarity.quality;
  if (id.profile.empty()) {
    id.profile = nearest.front().profile->id;
    id.quality = best;
  }
  if (best < options.library_quality) return;
  std::vector<Vote> votes;
  for (const Neighbour& n : nearest) {
    if (n.similarity.quality >= best - options.margin)
      votes.push_back({n.profile, n.similarity.quality});
  }
  if (!id.tls_library) fill_library(votes, best, id);
  id.matched_by = MatchedBy::kSimilarity;
  if (best < options.client_quality) return;
  if (tls_only && id.tls_library && shared_system_library(id.tls_library->name)) return;
  const std::vector<NamedGuess> names = detail::tally(votes, &Profile::name, claimed);
  if (!names.empty()) {
    fill_client(votes, names, best, id);
    keep_winner(votes, names.front().name, winner);
  }
}

std::optional<OsGuess> os_from_p0f(const Observation& o) {
  if (o.p0f_os.empty()) return std::nullopt;
  static constexpr std::array<double, 4> kByKind = {kP0fUnsaid, kP0fExact, kP0fGeneric, kP0fFuzzy};
  return OsGuess{o.p0f_os, o.p0f_flavor, kByKind[static_cast<size_t>(o.p0f_match)]};
}

// Profiles matched by JA4T (the TCP SYN), voting by their OS.
std::optional<OsGuess> os_from_ja4t(std::span<const ProfileMatch> matches) {
  std::vector<Vote> votes;
  for (const ProfileMatch& m : matches) {
    if (m.matched_by(FingerprintKind::kJa4t)) votes.push_back({m.profile, 1.0});
  }
  const std::vector<NamedGuess> oses = detail::tally(votes, &Profile::os, "");
  if (oses.empty()) return std::nullopt;
  std::string flavor;
  for (const Vote& v : votes) {
    if (v.profile->os == oses[0].name && flavor.empty()) flavor = v.profile->os_flavor;
  }
  return OsGuess{oses[0].name, flavor, oses[0].confidence};
}

// The one OS every profile of `name` names, or "" when they name none or several.
std::string only_os_of(std::span<const Profile> profiles, const std::string& name) {
  std::string os;
  for (const Profile& p : profiles) {
    if (p.name != name || p.os.empty()) continue;
    if (!os.empty() && p.os != os) return "";
    os = p.os;
  }
  return os;
}

// Informative only when the client's profiles, matched or not, all name one OS (wininet on
// Windows): one Chrome build fingerprints alike on every OS, so Chrome tells nothing.
std::optional<OsGuess> os_from_client(std::span<const Vote> winner, std::span<const Profile> all,
                                      const Identity& id) {
  if (winner.empty() || !id.client) return std::nullopt;
  const std::string os = only_os_of(all, winner.front().profile->name);
  if (os.empty()) return std::nullopt;
  std::string flavor;
  for (const Vote& v : winner) {
    if (v.profile->os == os && flavor.empty()) flavor = v.profile->os_flavor;
  }
  return OsGuess{os, flavor, kProfileOs * id.client->confidence};
}

// p0f's match of the SYN, else JA4T profiles, else the client's profiles; a model's OS stays
// only when none of these tells.
void find_os(const Observation& o, std::span<const ProfileMatch> matches,
             std::span<const Vote> winner, std::span<const Profile> all, Identity& id) {
  std::optional<OsGuess> os = os_from_p0f(o);
  if (!os) os = os_from_ja4t(matches);
  if (!os) os = os_from_client(winner, all, id);
  if (os) id.os = std::move(os);
}

// The kind every profile of `name` gives ("browser"), or "" when they give none or several.
std::string only_kind_of(std::span<const Profile> profiles, const std::string& name) {
  std::string kind;
  for (const Profile& p : profiles) {
    if (p.name != name || p.kind.empty()) continue;
    if (!kind.empty() && p.kind != kind) return "";
    kind = p.kind;
  }
  return kind;
}

// The model's TLS library stands on its own: a program the database does not know is still
// reported with its TLS library. The client, and `matched_by: model`, only when the model named
// one; its kind, which the model does not predict, from the profiles of that name.
void from_model(const IdentityModel& model, const Observation& o, std::span<const Profile> all,
                Identity& id) {
  std::optional<Identity> guess = model.classify(o);
  if (!guess) return;
  // Without a ClientHello the model's TLS library would be a guess from HTTP alone.
  const bool tls_seen = !o.ciphers.empty() || !o.of(FingerprintKind::kJa4).empty() ||
                        !o.of(FingerprintKind::kJa3n).empty();
  if (!id.tls_library && tls_seen) id.tls_library = std::move(guess->tls_library);
  if (!guess->client || guess->client->name.empty() || guess->client->name == "unknown") return;
  id.client = std::move(guess->client);
  if (id.client->kind.empty()) id.client->kind = only_kind_of(all, id.client->name);
  id.alternatives = std::move(guess->alternatives);
  if (!id.os) id.os = std::move(guess->os);
  id.matched_by = MatchedBy::kModel;
}

}  // namespace

std::string_view matched_by_name(MatchedBy m) noexcept {
  static constexpr std::array<std::string_view, 4> kNames = {"", "exact", "similarity", "model"};
  return kNames[static_cast<size_t>(m)];
}

Identifier::Identifier(std::vector<Profile> profiles, IdentifyOptions options)
    : index_(std::move(profiles)), similarity_(index_.profiles()), options_(options) {}

Identity Identifier::identify(const Observation& o) const {
  Identity id;
  const std::string claimed = parse_user_agent(o.user_agent).client;
  const std::vector<ProfileMatch> matches = index_.lookup(o);
  std::vector<Vote> winner;
  if (!from_exact(matches, claimed, id, winner)) {
    from_similarity(similarity_.nearest(o, options_.neighbours), claimed, !http_visible(o),
                    options_, id, winner);
  }
  if (!id.client && model_ != nullptr) from_model(*model_, o, index_.profiles(), id);
  if (!id.client && has_client_side(o)) {
    id.client = ClientGuess{"unknown", "", "", 1.0 - id.quality};
  }
  find_os(o, matches, winner, index_.profiles(), id);
  id.consistency = check_consistency(o, id.tls_library ? id.tls_library->name : "");
  return id;
}

}  // namespace fp::identify
