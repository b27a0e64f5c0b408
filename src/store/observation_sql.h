#pragma once
// The observation queries both backends run (SQL with `?N` parameters; postgres_sql() turns them
// into `$N`), and the uid rule of insert_observations().

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "store/store.h"

namespace fp::store {

// Columns 0 and 1 are id and time_ms, then kObservationTextColumns in order.
inline constexpr std::string_view kObservationColumns =
    "id, time_ms, source, peer, ja4, ja3n, ja4h, akamai, ja4t, client, client_version, "
    "tls_library, os, record";

// The text fields of a row in the column order above (record last).
[[nodiscard]] std::array<const std::string*, 12> text_fields(const ObservationRow& row);
[[nodiscard]] std::array<std::string*, 12> text_fields(ObservationRow& row);

// The page of `q`, newest first. Parameters: ?1 since, ?2 until, ?3 before id, ?4 fingerprint,
// ?5 client, ?6 limit; the text varies only by which filters are present.
[[nodiscard]] std::string observation_select(const ObservationQuery& q);
[[nodiscard]] int64_t observation_limit(const ObservationQuery& q);
[[nodiscard]] int64_t observation_before_id(const ObservationQuery& q);

// `rows` without those whose non-empty uid appeared earlier in `rows` (the first one is kept).
[[nodiscard]] std::vector<ObservationRow> first_of_each_uid(std::span<const ObservationRow> rows);

}  // namespace fp::store
