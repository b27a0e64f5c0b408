// SQLite profiles: stored in the database syntax (format_profile), with the columns search needs
// beside it and every fingerprint in profile_fingerprints for exact lookup.
#include <algorithm>
#include <set>

#include "store/profile_text.h"
#include "store/sqlite_store.h"

namespace fp::store {
namespace {

using identify::Profile;

constexpr std::string_view kSeededSetting = "store.profiles_seeded_ms";

bool exec_bound(SqliteConnection& db, std::string_view sql, std::string_view id,
                std::string& error) {
  Statement statement = db.prepare(sql, error);
  if (!statement) return false;
  statement.bind(1, id);
  return statement.run(error);
}

bool write_fingerprints(SqliteConnection& db, const Profile& p, std::string& error) {
  if (!exec_bound(db, "DELETE FROM profile_fingerprints WHERE profile_id = ?1", p.id, error)) {
    return false;
  }
  Statement insert = db.prepare(
      "INSERT INTO profile_fingerprints (value, kind, profile_id) VALUES (?1, ?2, ?3) "
      "ON CONFLICT DO NOTHING",
      error);
  if (!insert) return false;
  for (size_t k = 0; k < identify::kFingerprintKinds; ++k) {
    for (const std::string& value : p.fingerprints[k]) {
      insert.bind(1, value);
      insert.bind(2, identify::key_of(identify::FingerprintKind(k)));
      insert.bind(3, p.id);
      if (!insert.run(error)) return false;
      insert.reset();
    }
  }
  return true;
}

// Insert or replace; a replaced profile keeps its place in all_profiles().
bool write_profile(SqliteConnection& db, const Profile& p, int64_t updated_ms, std::string& error) {
  Statement upsert = db.prepare(
      "INSERT INTO profiles (id, text, name, kind, os, search, updated_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET "
      "text = excluded.text, name = excluded.name, kind = excluded.kind, os = excluded.os, "
      "search = excluded.search, updated_ms = excluded.updated_ms",
      error);
  if (!upsert) return false;
  upsert.bind(1, p.id);
  upsert.bind(2, identify::format_profile(p));
  upsert.bind(3, p.name);
  upsert.bind(4, p.kind);
  upsert.bind(5, p.os);
  upsert.bind(6, search_text(p));
  upsert.bind(7, updated_ms);
  return upsert.run(error) && write_fingerprints(db, p, error);
}

bool profile_exists(SqliteConnection& db, std::string_view id, bool& exists, std::string& error) {
  Statement select = db.prepare("SELECT 1 FROM profiles WHERE id = ?1", error);
  if (!select) return false;
  select.bind(1, id);
  exists = select.next_row();
  if (!select.failed()) return true;
  error = select.error();
  return false;
}

bool count_rows(SqliteConnection& db, std::string_view sql, int64_t& count, std::string& error) {
  Statement select = db.prepare(sql, error);
  if (!select) return false;
  if (select.next_row()) count = select.integer(0);
  if (!select.failed()) return true;
  error = select.error();
  return false;
}

// The filters of a ProfileQuery; values are bound as ?1 (lower-cased text) and ?2.
std::string profile_filter(const ProfileQuery& q) {
  std::string where = " WHERE 1";
  if (!q.text.empty()) where += " AND instr(search, ?1) > 0";
  if (!q.fingerprint.empty()) {
    where += " AND id IN (SELECT profile_id FROM profile_fingerprints WHERE value = ?2)";
  }
  return where;
}

// Reads (text, updated_ms) rows into `out`; a row that no longer parses is counted and skipped.
bool read_stored(Statement& select, std::vector<StoredProfile>& out, uint64_t& unreadable) {
  while (select.next_row()) {
    std::optional<Profile> p = parse_stored(select.text(0));
    if (!p) {
      ++unreadable;
      continue;
    }
    out.push_back({std::move(*p), select.integer(1)});
  }
  return !select.failed();
}

}  // namespace

size_t SqliteStore::seed_profiles(std::span<const Profile> profiles) {
  std::lock_guard lock(write_mutex_);
  std::string error;
  Transaction transaction(writer_, Transaction::Kind::kWrite, error);
  std::optional<std::string> seeded;
  int64_t present = 0;
  if (!transaction.active() || !read_setting(writer_, kSeededSetting, seeded, error) ||
      !count_rows(writer_, "SELECT COUNT(*) FROM profiles", present, error)) {
    count_error();
    return 0;
  }
  if (seeded) return 0;
  const int64_t now = unix_now_ms();
  size_t stored = 0;
  bool written = true;
  std::set<std::string_view> ids;
  for (const Profile& p : present == 0 ? profiles : std::span<const Profile>{}) {
    if (!ids.insert(p.id).second) continue;  // the first of two equal ids wins
    if (!storable_problem(p).empty()) {
      count_error();
      continue;
    }
    written = write_profile(writer_, p, now, error);
    if (!written) break;
    ++stored;
  }
  if (!written || !write_setting(writer_, kSeededSetting, std::to_string(now), error) ||
      !transaction.commit(error)) {
    count_error();
    return 0;
  }
  if (stored > 0) bump_profiles_version();
  return stored;
}

std::vector<Profile> SqliteStore::all_profiles() const {
  std::vector<Profile> out;
  read([&](SqliteConnection& db, std::string& error) {
    Statement select = db.prepare("SELECT text FROM profiles ORDER BY rowid", error);
    if (!select) return false;
    while (select.next_row()) {
      if (std::optional<Profile> p = parse_stored(select.text(0))) {
        out.push_back(std::move(*p));
      } else {
        count_error();
      }
    }
    return !select.failed();
  });
  return out;
}

std::vector<StoredProfile> SqliteStore::find_profiles(const ProfileQuery& q, size_t& total) const {
  std::vector<StoredProfile> page;
  total = 0;
  uint64_t unreadable = 0;
  read([&](SqliteConnection& db, std::string& error) {
    const std::string where = profile_filter(q);
    Transaction snapshot(db, Transaction::Kind::kRead, error);
    Statement count = db.prepare("SELECT COUNT(*) FROM profiles" + where, error);
    if (!snapshot.active() || !count) return false;
    count.bind(1, lower_ascii(q.text));
    count.bind(2, q.fingerprint);
    if (count.next_row()) total = static_cast<size_t>(count.integer(0));
    if (count.failed()) return false;
    Statement select = db.prepare(
        "SELECT text, updated_ms FROM profiles" + where + " ORDER BY id LIMIT ?3 OFFSET ?4", error);
    if (!select) return false;
    select.bind(1, lower_ascii(q.text));
    select.bind(2, q.fingerprint);
    select.bind(3, static_cast<int64_t>(std::clamp<size_t>(q.limit, 1, kMaxProfilesPerQuery)));
    select.bind(4, static_cast<int64_t>(std::min<size_t>(q.offset, INT64_MAX)));
    return read_stored(select, page, unreadable);
  });
  count_error(unreadable);
  return page;
}

std::optional<StoredProfile> SqliteStore::profile(std::string_view id) const {
  std::vector<StoredProfile> found;
  uint64_t unreadable = 0;
  read([&](SqliteConnection& db, std::string& error) {
    Statement select = db.prepare("SELECT text, updated_ms FROM profiles WHERE id = ?1", error);
    if (!select) return false;
    select.bind(1, id);
    return read_stored(select, found, unreadable);
  });
  count_error(unreadable);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

Store::PutResult SqliteStore::put_profile(const Profile& p, bool must_be_new, std::string& error) {
  if (std::string problem = storable_problem(p); !problem.empty()) {
    error = std::move(problem);
    return PutResult::kError;
  }
  std::lock_guard lock(write_mutex_);
  Transaction transaction(writer_, Transaction::Kind::kWrite, error);
  bool exists = false;
  if (!transaction.active() || !profile_exists(writer_, p.id, exists, error)) {
    return PutResult::kError;
  }
  if (exists && must_be_new) {
    error = "exists";
    return PutResult::kError;
  }
  if (!write_profile(writer_, p, unix_now_ms(), error) || !transaction.commit(error)) {
    return PutResult::kError;
  }
  bump_profiles_version();
  return exists ? PutResult::kReplaced : PutResult::kCreated;
}

bool SqliteStore::remove_profile(std::string_view id) {
  std::lock_guard lock(write_mutex_);
  std::string error;
  Transaction transaction(writer_, Transaction::Kind::kWrite, error);
  if (!transaction.active() ||
      !exec_bound(writer_, "DELETE FROM profile_fingerprints WHERE profile_id = ?1", id, error) ||
      !exec_bound(writer_, "DELETE FROM profiles WHERE id = ?1", id, error)) {
    count_error();
    return false;
  }
  const bool removed = writer_.changes() > 0;
  if (!transaction.commit(error)) {
    count_error();
    return false;
  }
  if (removed) bump_profiles_version();
  return removed;
}

}  // namespace fp::store
