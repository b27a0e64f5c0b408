// PostgreSQL profiles: stored in the database syntax (profile_text.h), with the columns search
// needs beside it and every fingerprint in profile_fingerprints for exact lookup.
#include <algorithm>
#include <set>

#include "store/postgres_store.h"
#include "store/profile_text.h"

namespace fp::store {
namespace {

using identify::Profile;

constexpr std::string_view kSeededSetting = "store.profiles_seeded_ms";
// Serialises seeding across replicas for one transaction; "fp-seed" in ASCII.
constexpr int64_t kSeedLock = 0x66702d73656564;

bool write_fingerprints(PgConnection& db, const Profile& p, std::string& error) {
  if (!db.run("DELETE FROM profile_fingerprints WHERE profile_id = ?1", PgParams().text(p.id),
              error)) {
    return false;
  }
  for (size_t k = 0; k < identify::kFingerprintKinds; ++k) {
    for (const std::string& value : p.fingerprints[k]) {
      if (!db.run("INSERT INTO profile_fingerprints (value, kind, profile_id) VALUES (?1, ?2, ?3) "
                  "ON CONFLICT DO NOTHING",
                  PgParams()
                      .text(value)
                      .text(identify::key_of(identify::FingerprintKind(k)))
                      .text(p.id),
                  error)) {
        return false;
      }
    }
  }
  return true;
}

PgParams profile_params(const Profile& p, int64_t updated_ms) {
  PgParams params;
  params.text(p.id).text(identify::format_profile(p)).text(p.name).text(p.kind).text(p.os);
  params.text(search_text(p)).integer(updated_ms);
  return params;
}

constexpr std::string_view kInsertProfile =
    "INSERT INTO profiles (id, text, name, kind, os, search, updated_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) ";

// Insert or replace, in one statement so that two writers cannot both "create". A replaced
// profile keeps its seq (its place in all_profiles()). `created` tells which happened (a row
// inserted by this statement has xmax 0).
bool write_profile(PgConnection& db, const Profile& p, int64_t updated_ms, bool& created,
                   std::string& error) {
  PgResult result;
  if (!db.exec(std::string(kInsertProfile) +
                   "DO UPDATE SET text = excluded.text, name = excluded.name, "
                   "kind = excluded.kind, os = excluded.os, search = excluded.search, "
                   "updated_ms = excluded.updated_ms RETURNING (xmax = 0)::int",
               profile_params(p, updated_ms), result, error)) {
    return false;
  }
  created = result.integer(0, 0) == 1;
  return write_fingerprints(db, p, error);
}

// Insert only; `created` false when the id is taken.
bool create_profile(PgConnection& db, const Profile& p, int64_t updated_ms, bool& created,
                    std::string& error) {
  PgResult result;
  if (!db.exec(std::string(kInsertProfile) + "DO NOTHING RETURNING id",
               profile_params(p, updated_ms), result, error)) {
    return false;
  }
  created = result.rows() == 1;
  return !created || write_fingerprints(db, p, error);
}

// The filters of a ProfileQuery; values are bound as ?1 (lower-cased text) and ?2.
std::string profile_filter(const ProfileQuery& q) {
  std::string where = " WHERE TRUE";
  if (!q.text.empty()) where += " AND strpos(search, ?1) > 0";
  if (!q.fingerprint.empty()) {
    where += " AND id IN (SELECT profile_id FROM profile_fingerprints WHERE value = ?2)";
  }
  return where;
}

// Reads (text, updated_ms) rows into `out`; a row that no longer parses is counted and skipped.
void read_stored(const PgResult& result, std::vector<StoredProfile>& out, uint64_t& unreadable) {
  for (int r = 0; r < result.rows(); ++r) {
    std::optional<Profile> p = parse_stored(result.text(r, 0));
    if (!p) {
      ++unreadable;
      continue;
    }
    out.push_back({std::move(*p), result.integer(r, 1)});
  }
}

}  // namespace

size_t PostgresStore::seed_profiles(std::span<const Profile> profiles) {
  size_t stored = 0;
  uint64_t unstorable = 0;
  read([&](PgConnection& db, std::string& error) {
    PgTransaction transaction(db, PgTransaction::Kind::kWrite, error);
    PgResult seeded, present;
    // Replicas starting at once wait here for each other; the first seeds, the others then see
    // the setting it wrote.
    if (!transaction.active() ||
        !db.run("SELECT pg_advisory_xact_lock(?1)", PgParams().integer(kSeedLock), error) ||
        !db.exec("SELECT value FROM settings WHERE key = ?1", PgParams().text(kSeededSetting),
                 seeded, error) ||
        !db.exec("SELECT COUNT(*) FROM profiles", {}, present, error)) {
      return false;
    }
    if (seeded.rows() > 0) return true;
    const int64_t now = unix_now_ms();
    std::set<std::string_view> ids;
    size_t written = 0;
    for (const Profile& p : present.integer(0, 0) == 0 ? profiles : std::span<const Profile>{}) {
      if (!ids.insert(p.id).second) continue;  // the first of two equal ids wins
      if (!storable_problem(p).empty()) {
        ++unstorable;
        continue;
      }
      bool created = false;
      if (!write_profile(db, p, now, created, error)) return false;
      ++written;
    }
    if (!db.run("INSERT INTO settings (key, value) VALUES (?1, ?2) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                PgParams().text(kSeededSetting).text(std::to_string(now)), error) ||
        !transaction.commit(error)) {
      return false;
    }
    stored = written;
    return true;
  });
  count_error(unstorable);
  if (stored > 0) bump_profiles_version();
  return stored;
}

std::vector<Profile> PostgresStore::all_profiles() const {
  std::vector<Profile> out;
  uint64_t unreadable = 0;
  read([&](PgConnection& db, std::string& error) {
    PgResult result;
    if (!db.exec("SELECT text FROM profiles ORDER BY seq", {}, result, error)) return false;
    for (int r = 0; r < result.rows(); ++r) {
      if (std::optional<Profile> p = parse_stored(result.text(r, 0))) {
        out.push_back(std::move(*p));
      } else {
        ++unreadable;
      }
    }
    return true;
  });
  count_error(unreadable);
  return out;
}

std::vector<StoredProfile> PostgresStore::find_profiles(const ProfileQuery& q,
                                                        size_t& total) const {
  std::vector<StoredProfile> page;
  total = 0;
  uint64_t unreadable = 0;
  read([&](PgConnection& db, std::string& error) {
    const std::string where = profile_filter(q);
    PgTransaction snapshot(db, PgTransaction::Kind::kRead, error);
    PgResult count, select;
    const PgParams filter = PgParams().text(lower_ascii(q.text)).text(q.fingerprint);
    PgParams paged = filter;
    paged.integer(static_cast<int64_t>(std::clamp<size_t>(q.limit, 1, kMaxProfilesPerQuery)));
    paged.integer(static_cast<int64_t>(std::min<size_t>(q.offset, INT64_MAX)));
    if (!snapshot.active() ||
        !db.exec("SELECT COUNT(*) FROM profiles" + where, filter, count, error) ||
        !db.exec(
            "SELECT text, updated_ms FROM profiles" + where + " ORDER BY id LIMIT ?3 OFFSET ?4",
            paged, select, error) ||
        !snapshot.commit(error)) {
      return false;
    }
    total = static_cast<size_t>(std::max<int64_t>(0, count.integer(0, 0)));
    read_stored(select, page, unreadable);
    return true;
  });
  count_error(unreadable);
  return page;
}

std::optional<StoredProfile> PostgresStore::profile(std::string_view id) const {
  std::vector<StoredProfile> found;
  uint64_t unreadable = 0;
  read([&](PgConnection& db, std::string& error) {
    PgResult result;
    if (!db.exec("SELECT text, updated_ms FROM profiles WHERE id = ?1", PgParams().text(id), result,
                 error)) {
      return false;
    }
    read_stored(result, found, unreadable);
    return true;
  });
  count_error(unreadable);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

Store::PutResult PostgresStore::put_profile(const Profile& p, bool must_be_new,
                                            std::string& error) {
  if (std::string problem = storable_problem(p); !problem.empty()) {
    error = std::move(problem);
    return PutResult::kError;
  }
  bool created = false;
  const bool written = with_connection(
      [&](PgConnection& db, std::string& e) {
        PgTransaction transaction(db, PgTransaction::Kind::kWrite, e);
        if (!transaction.active()) return false;
        const bool ok = must_be_new ? create_profile(db, p, unix_now_ms(), created, e)
                                    : write_profile(db, p, unix_now_ms(), created, e);
        if (!ok) return false;
        if (must_be_new && !created) {
          e = "exists";
          return false;  // rolled back: nothing was written
        }
        return transaction.commit(e);
      },
      error);
  if (!written) return PutResult::kError;
  bump_profiles_version();
  return created ? PutResult::kCreated : PutResult::kReplaced;
}

bool PostgresStore::remove_profile(std::string_view id) {
  bool removed = false;
  read([&](PgConnection& db, std::string& error) {
    PgTransaction transaction(db, PgTransaction::Kind::kWrite, error);
    PgResult deleted;
    if (!transaction.active() ||
        !db.run("DELETE FROM profile_fingerprints WHERE profile_id = ?1", PgParams().text(id),
                error) ||
        !db.exec("DELETE FROM profiles WHERE id = ?1", PgParams().text(id), deleted, error) ||
        !transaction.commit(error)) {
      return false;
    }
    removed = deleted.affected() > 0;
    return true;
  });
  if (removed) bump_profiles_version();
  return removed;
}

}  // namespace fp::store
