// The spool on its own: rows come back byte for byte and in order, across reopening; torn,
// corrupt and overlong lines are skipped and counted; the size bound refuses and counts;
// segments roll and are deleted only when all their rows are committed; one user per folder.
#include "store/spool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "store/store_fixture.h"

namespace fp::store::test {
namespace {

ObservationRow row(int i) {
  ObservationRow r;
  r.uid = "uid-" + std::to_string(i);
  r.time_ms = 1700000000000 + i;
  r.source = "listener";
  r.peer = "192.0.2." + std::to_string(i % 250);
  r.ja4 = "t13d1516h2_8daaf6152771_02713d6af862";
  r.ja3n = "ja3n-" + std::to_string(i);
  r.ja4h = "ge11nn05enus_9ed1ff1f7b03_cd8dafe26982";
  r.akamai = "1:65536;2:0;4:6291456;6:262144|15663105|0|m,a,s,p";
  r.ja4t = "64240_2-4-8-1-3_1460_7";
  r.client = "Chrome";
  r.client_version = "131";
  r.tls_library = "BoringSSL";
  r.os = "Linux";
  r.record = R"({"stream":)" + std::to_string(i) + "}";
  return r;
}

void expect_same(const ObservationRow& got, const ObservationRow& want) {
  EXPECT_EQ(got.uid, want.uid);
  EXPECT_EQ(got.time_ms, want.time_ms);
  EXPECT_EQ(got.source, want.source);
  EXPECT_EQ(got.peer, want.peer);
  EXPECT_EQ(got.ja4, want.ja4);
  EXPECT_EQ(got.ja3n, want.ja3n);
  EXPECT_EQ(got.ja4h, want.ja4h);
  EXPECT_EQ(got.akamai, want.akamai);
  EXPECT_EQ(got.ja4t, want.ja4t);
  EXPECT_EQ(got.client, want.client);
  EXPECT_EQ(got.client_version, want.client_version);
  EXPECT_EQ(got.tls_library, want.tls_library);
  EXPECT_EQ(got.os, want.os);
  EXPECT_EQ(got.record, want.record);
}

std::vector<std::filesystem::path> segment_files(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() == ".ndjson") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void append_bytes(const std::filesystem::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::app);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()); }

  std::unique_ptr<Spool> open(size_t max_bytes = kDefaultSpoolMaxBytes,
                              size_t segment_bytes = kDefaultSpoolSegmentBytes) {
    std::string error;
    auto spool = Spool::open(
        {.folder = folder(), .max_bytes = max_bytes, .segment_bytes = segment_bytes}, error);
    EXPECT_NE(spool, nullptr) << error;
    return spool;
  }
  std::filesystem::path folder() const { return dir_.path() / "spool"; }

  // Every row from begin_seq() to end_seq(), read `step` at a time.
  static std::vector<ObservationRow> read_all(Spool& spool, size_t step = 1000) {
    std::vector<ObservationRow> rows;
    uint64_t seq = spool.begin_seq();
    while (seq < spool.end_seq()) {
      SpoolRead read = spool.read(seq, step);
      EXPECT_EQ(read.first_seq, seq);
      EXPECT_EQ(read.missing, 0u);
      if (read.next_seq <= seq) {
        ADD_FAILURE() << "no progress at " << seq;
        break;
      }
      for (ObservationRow& r : read.rows) rows.push_back(std::move(r));
      seq = read.next_seq;
    }
    return rows;
  }

  TempDir dir_;
};

TEST_F(SpoolTest, RowsComeBackInOrderAfterReopening) {
  {
    auto spool = open();
    ASSERT_TRUE(spool);
    for (int i = 0; i < 100; ++i) {
      uint64_t seq = 99;
      ASSERT_EQ(spool->append(row(i), seq), AppendStatus::kAppended);
      EXPECT_EQ(seq, static_cast<uint64_t>(i));
    }
    EXPECT_EQ(spool->end_seq(), 100u);
    EXPECT_EQ(spool->recovered(), 0u);
  }
  auto spool = open();
  ASSERT_TRUE(spool);
  EXPECT_EQ(spool->recovered(), 100u);
  EXPECT_EQ(spool->begin_seq(), 0u);
  EXPECT_EQ(spool->end_seq(), 100u);
  EXPECT_EQ(spool->torn_lines(), 0u);
  EXPECT_EQ(spool->corrupt_lines(), 0u);
  const std::vector<ObservationRow> rows = read_all(*spool, 7);
  ASSERT_EQ(rows.size(), 100u);
  for (int i = 0; i < 100; ++i) expect_same(rows[static_cast<size_t>(i)], row(i));
  // New rows go after the recovered ones, in a new segment.
  uint64_t seq = 0;
  ASSERT_EQ(spool->append(row(100), seq), AppendStatus::kAppended);
  EXPECT_EQ(seq, 100u);
  EXPECT_EQ(spool->segments(), 2u);
}

TEST_F(SpoolTest, AwkwardBytesSurviveTheRoundTrip) {
  ObservationRow r = row(1);
  r.peer = std::string("a\nb\r\"c\\d\0e", 11);                 // newline, quote, backslash, NUL
  r.client = "\xff\xfe not UTF-8 \xc3";                        // invalid UTF-8, kept as sent
  r.record = "{\"ua\":\"Mozilla/5.0 \\u00e9 \xe2\x82\xac\"}";  // JSON text inside a string
  r.os = "\x01\x1f\x7f";
  r.time_ms = -5;
  r.uid.clear();
  {
    auto spool = open();
    uint64_t seq = 0;
    ASSERT_EQ(spool->append(r, seq), AppendStatus::kAppended);
  }
  const auto files = segment_files(folder());
  ASSERT_EQ(files.size(), 1u);
  const std::string bytes = file_bytes(files[0]);
  EXPECT_EQ(std::count(bytes.begin(), bytes.end(), '\n'), 1);  // one line per row
  EXPECT_EQ(bytes.back(), '\n');
  auto spool = open();
  const std::vector<ObservationRow> rows = read_all(*spool);
  ASSERT_EQ(rows.size(), 1u);
  expect_same(rows[0], r);
}

TEST_F(SpoolTest, ReadsALineWrittenByHand) {
  // The line format, as documented, written without our encoder.
  std::filesystem::create_directories(folder());
  append_bytes(folder() / "segment-0000000000000007.ndjson",
               R"({"v":1,"time_ms":42,"uid":"u1","source":"api","peer":"::1","ja4":"a",)"
               R"("ja3n":"b","ja4h":"c","akamai":"d","ja4t":"e","client":"curl",)"
               R"("client_version":"8","tls_library":"OpenSSL","os":"","record":"{}"})"
               "\n");
  auto spool = open();
  ASSERT_EQ(spool->recovered(), 1u);
  const std::vector<ObservationRow> rows = read_all(*spool);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].time_ms, 42);
  EXPECT_EQ(rows[0].uid, "u1");
  EXPECT_EQ(rows[0].peer, "::1");
  EXPECT_EQ(rows[0].client, "curl");
  EXPECT_EQ(rows[0].tls_library, "OpenSSL");
  EXPECT_EQ(rows[0].record, "{}");
  // The next segment gets a higher number than any found.
  uint64_t seq = 0;
  ASSERT_EQ(spool->append(row(2), seq), AppendStatus::kAppended);
  EXPECT_TRUE(std::filesystem::exists(folder() / "segment-0000000000000008.ndjson"));
}

TEST_F(SpoolTest, ATornLastLineIsSkippedAndCounted) {
  {
    auto spool = open();
    for (int i = 0; i < 3; ++i) {
      uint64_t seq = 0;
      ASSERT_EQ(spool->append(row(i), seq), AppendStatus::kAppended);
    }
  }
  const auto files = segment_files(folder());
  ASSERT_EQ(files.size(), 1u);
  // The first half of a fourth line: the process died during the write.
  const std::string line = Spool::encode(row(3));
  append_bytes(files[0], line.substr(0, line.size() / 2));
  auto spool = open();
  EXPECT_EQ(spool->torn_lines(), 1u);
  EXPECT_EQ(spool->corrupt_lines(), 0u);
  EXPECT_EQ(spool->recovered(), 3u);
  const std::vector<ObservationRow> rows = read_all(*spool);
  ASSERT_EQ(rows.size(), 3u);
  expect_same(rows[2], row(2));
}

TEST_F(SpoolTest, CorruptLinesAreSkippedAndCounted) {
  std::filesystem::create_directories(folder());
  const auto file = folder() / "segment-0000000000000001.ndjson";
  append_bytes(file, Spool::encode(row(0)));
  append_bytes(file, "not json\n");
  append_bytes(file, "{\"v\":1}\n");  // fields missing
  append_bytes(file, "[1,2,3]\n");    // not an object
  append_bytes(file, "\n");           // empty
  std::string wrong_version = Spool::encode(row(9));
  wrong_version.replace(wrong_version.find("\"v\":1"), 5, "\"v\":2");
  append_bytes(file, wrong_version);
  std::string wrong_type = Spool::encode(row(9));
  wrong_type.replace(wrong_type.find("\"source\":\"listener\""), 19, "\"source\":7");
  append_bytes(file, wrong_type);
  append_bytes(file, Spool::encode(row(1)));
  auto spool = open();
  EXPECT_EQ(spool->corrupt_lines(), 6u);
  EXPECT_EQ(spool->torn_lines(), 0u);
  const std::vector<ObservationRow> rows = read_all(*spool, 1);
  ASSERT_EQ(rows.size(), 2u);
  expect_same(rows[0], row(0));
  expect_same(rows[1], row(1));
}

TEST_F(SpoolTest, AFullSpoolRefusesAndCounts) {
  const size_t line = Spool::encode(row(0)).size();
  auto spool = open(line * 5 + line / 2, line * 2);
  uint64_t seq = 0;
  for (int i = 0; i < 5; ++i) ASSERT_EQ(spool->append(row(0), seq), AppendStatus::kAppended) << i;
  EXPECT_EQ(spool->append(row(0), seq), AppendStatus::kFull);
  EXPECT_EQ(spool->append(row(0), seq), AppendStatus::kFull);
  EXPECT_EQ(spool->refused(), 2u);
  EXPECT_EQ(spool->bytes(), line * 5);
  EXPECT_EQ(spool->end_seq(), 5u);
  // Committing makes room (the two oldest segments go).
  spool->mark_committed(4);
  EXPECT_EQ(spool->bytes(), line);
  EXPECT_EQ(spool->append(row(0), seq), AppendStatus::kAppended);
  EXPECT_EQ(seq, 5u);
}

TEST_F(SpoolTest, ALineOverTheLimitIsRefused) {
  auto spool = open();
  ObservationRow big = row(0);
  big.record.assign(kMaxSpoolLineBytes, 'x');
  uint64_t seq = 0;
  EXPECT_EQ(spool->append(big, seq), AppendStatus::kTooLarge);
  EXPECT_EQ(spool->refused(), 1u);
  EXPECT_EQ(spool->bytes(), 0u);
}

TEST_F(SpoolTest, SegmentsRollAndGoOnlyWhenAllTheirRowsAreCommitted) {
  const size_t line = Spool::encode(row(0)).size();
  auto spool = open(kDefaultSpoolMaxBytes, line * 3);  // three rows per segment
  uint64_t seq = 0;
  for (int i = 0; i < 10; ++i) ASSERT_EQ(spool->append(row(i), seq), AppendStatus::kAppended);
  EXPECT_EQ(spool->segments(), 4u);
  EXPECT_EQ(segment_files(folder()).size(), 4u);
  spool->mark_committed(5);  // the first segment is done, the second is not
  EXPECT_EQ(segment_files(folder()).size(), 3u);
  EXPECT_EQ(spool->begin_seq(), 5u);
  EXPECT_EQ(spool->bytes(), line * 7);
  // What is left reads back from the first uncommitted row, mid-segment.
  const std::vector<ObservationRow> rows = read_all(*spool, 2);
  ASSERT_EQ(rows.size(), 5u);
  expect_same(rows[0], row(5));
  expect_same(rows[4], row(9));
  spool->mark_committed(10);  // everything, the segment being written included
  EXPECT_TRUE(segment_files(folder()).empty());
  EXPECT_EQ(spool->bytes(), 0u);
  ASSERT_EQ(spool->append(row(10), seq), AppendStatus::kAppended);
  EXPECT_EQ(seq, 10u);
  EXPECT_EQ(segment_files(folder()).size(), 1u);
}

TEST_F(SpoolTest, UncommittedRowsOfAReopenedSpoolKeepTheirOrder) {
  const size_t line = Spool::encode(row(0)).size();
  {
    auto spool = open(kDefaultSpoolMaxBytes, line * 4);
    uint64_t seq = 0;
    for (int i = 0; i < 10; ++i) ASSERT_EQ(spool->append(row(i), seq), AppendStatus::kAppended);
    spool->mark_committed(4);  // one segment gone; rows 4..9 stay
  }
  auto spool = open();
  EXPECT_EQ(spool->recovered(), 6u);
  const std::vector<ObservationRow> rows = read_all(*spool, 4);
  ASSERT_EQ(rows.size(), 6u);
  for (size_t i = 0; i < rows.size(); ++i) expect_same(rows[i], row(static_cast<int>(i) + 4));
}

TEST_F(SpoolTest, AFileRemovedBehindItsBackCountsAsMissing) {
  const size_t line = Spool::encode(row(0)).size();
  auto spool = open(kDefaultSpoolMaxBytes, line * 2);
  uint64_t seq = 0;
  for (int i = 0; i < 6; ++i) ASSERT_EQ(spool->append(row(i), seq), AppendStatus::kAppended);
  const auto files = segment_files(folder());
  ASSERT_EQ(files.size(), 3u);
  std::filesystem::remove(files[1]);
  SpoolRead first = spool->read(0, 10);
  EXPECT_EQ(first.rows.size(), 2u);
  EXPECT_EQ(first.next_seq, 2u);
  SpoolRead second = spool->read(2, 10);
  EXPECT_TRUE(second.rows.empty());
  EXPECT_EQ(second.missing, 2u);
  EXPECT_EQ(second.next_seq, 4u);
  SpoolRead third = spool->read(4, 10);
  ASSERT_EQ(third.rows.size(), 2u);
  expect_same(third.rows[1], row(5));
}

TEST_F(SpoolTest, OneSpoolPerFolder) {
  auto first = open();
  ASSERT_TRUE(first);
  std::string error;
  EXPECT_EQ(Spool::open({.folder = folder()}, error), nullptr);
  EXPECT_NE(error.find("in use"), std::string::npos) << error;
  first.reset();
  EXPECT_NE(Spool::open({.folder = folder()}, error), nullptr) << error;
}

TEST_F(SpoolTest, AFolderThatCannotBeCreatedIsAnError) {
  append_bytes(dir_.path() / "file", "x");
  std::string error;
  EXPECT_EQ(Spool::open({.folder = dir_.path() / "file" / "spool"}, error), nullptr);
  EXPECT_FALSE(error.empty());
}

// --- the parser on its own

using spool_detail::SegmentParser;

std::vector<SegmentParser::Event> events(std::string_view bytes, size_t chunk, size_t max_line,
                                         std::vector<ObservationRow>& rows, bool& torn) {
  SegmentParser parser(max_line);
  std::vector<SegmentParser::Event> out;
  ObservationRow r;
  size_t offset = 0;
  for (;;) {
    const SegmentParser::Event event = parser.next(r);
    if (event == SegmentParser::Event::kNeedMore) {
      if (offset >= bytes.size()) break;
      parser.feed(bytes.substr(offset, chunk));
      offset += chunk;
      continue;
    }
    out.push_back(event);
    if (event == SegmentParser::Event::kRow) rows.push_back(r);
  }
  torn = parser.torn_tail();
  return out;
}

TEST(SegmentParser, AnOverlongLineIsSkippedWithoutBufferingIt) {
  const std::string good = Spool::encode(row(1));
  const std::string bytes = good + std::string(5000, 'x') + "\n" + good + "tail";
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{100}, bytes.size()}) {
    std::vector<ObservationRow> rows;
    bool torn = false;
    const auto got = events(bytes, chunk, 1000, rows, torn);
    using E = SegmentParser::Event;
    EXPECT_EQ(got, (std::vector<E>{E::kRow, E::kCorrupt, E::kRow})) << chunk;
    EXPECT_EQ(rows.size(), 2u);
    EXPECT_TRUE(torn) << chunk;
  }
}

TEST(SegmentParser, ConsumedStopsAtTheLastLineReturned) {
  const std::string a = Spool::encode(row(1)), b = Spool::encode(row(2));
  SegmentParser parser;
  parser.feed(a + "junk\n" + b + "partial");
  ObservationRow r;
  EXPECT_EQ(parser.next(r), SegmentParser::Event::kRow);
  EXPECT_EQ(parser.consumed(), a.size());
  EXPECT_EQ(parser.next(r), SegmentParser::Event::kCorrupt);
  EXPECT_EQ(parser.consumed(), a.size() + 5);
  EXPECT_EQ(parser.next(r), SegmentParser::Event::kRow);
  EXPECT_EQ(parser.consumed(), a.size() + 5 + b.size());
  EXPECT_EQ(parser.next(r), SegmentParser::Event::kNeedMore);
  EXPECT_TRUE(parser.torn_tail());
  parser.feed("\n");
  EXPECT_EQ(parser.next(r), SegmentParser::Event::kCorrupt);
  EXPECT_FALSE(parser.torn_tail());
}

}  // namespace
}  // namespace fp::store::test
