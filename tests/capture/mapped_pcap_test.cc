// MappedPcap against libpcap, the reader it stands in for: every record of every classic pcap of
// the reference data, and damaged or unusual files made here, must come out the same (time,
// lengths, bytes, and the message at damage).
#include "capture/mapped_pcap.h"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fp::capture {
namespace {

struct Record {
  int64_t timestamp_us;
  uint32_t original_length;
  std::vector<uint8_t> data;
  bool operator==(const Record&) const = default;
};

struct Reading {
  std::vector<Record> records;
  std::string error;
};

// The oracle: libpcap's own reader, in the precision PcapReader asks for.
Reading read_with_libpcap(const std::string& path) {
  Reading out;
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p =
      pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (p == nullptr) {
    out.error = errbuf;
    return out;
  }
  pcap_pkthdr* h = nullptr;
  const u_char* d = nullptr;
  int rc;
  while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
    out.records.push_back({int64_t{h->ts.tv_sec} * 1'000'000 + h->ts.tv_usec / 1000, h->len,
                           std::vector<uint8_t>(d, d + h->caplen)});
  }
  if (rc == PCAP_ERROR) out.error = pcap_geterr(p);
  pcap_close(p);
  return out;
}

Reading read_mapped(MappedPcap& file) {
  Reading out;
  while (auto frame = file.next()) {
    out.records.push_back({frame->timestamp_us, frame->original_length,
                           std::vector<uint8_t>(frame->data.begin(), frame->data.end())});
  }
  out.error = file.error();
  return out;
}

void expect_same_as_libpcap(const std::string& path) {
  auto mapped = MappedPcap::open(path);
  ASSERT_NE(mapped, nullptr) << path;
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline(path.c_str(), errbuf);  // the header as libpcap reads it
  ASSERT_NE(p, nullptr) << errbuf;
  EXPECT_EQ(mapped->link_type(), pcap_datalink(p)) << path;
  EXPECT_EQ(mapped->snapshot(), static_cast<uint32_t>(pcap_snapshot(p))) << path;
  pcap_close(p);
  const Reading ours = read_mapped(*mapped);
  const Reading theirs = read_with_libpcap(path);
  EXPECT_EQ(ours.records.size(), theirs.records.size()) << path;
  EXPECT_TRUE(ours.records == theirs.records) << path;
  EXPECT_EQ(ours.error, theirs.error) << path;
}

// A classic pcap file: header fields and records as given, in host or swapped byte order.
class PcapBuilder {
 public:
  PcapBuilder(uint32_t magic, bool swapped, uint32_t snaplen = 65535, uint32_t linktype = 1)
      : swapped_(swapped) {
    put32(magic);
    put16(2);
    put16(4);
    put32(0);
    put32(0);
    put32(snaplen);
    put32(linktype);
  }
  PcapBuilder& record(uint32_t seconds, uint32_t fraction, uint32_t caplen, uint32_t len,
                      size_t bytes_present) {
    put32(seconds);
    put32(fraction);
    put32(caplen);
    put32(len);
    for (size_t i = 0; i < bytes_present; ++i) bytes_.push_back(static_cast<char>(i * 7));
    return *this;
  }
  PcapBuilder& raw(const std::string& bytes) {
    bytes_ += bytes;
    return *this;
  }
  std::string write(const std::string& name) const {
    const auto path = (std::filesystem::temp_directory_path() / name).string();
    std::ofstream(path, std::ios::binary) << bytes_;
    return path;
  }

 private:
  void put32(uint32_t v) {
    if (swapped_) v = __builtin_bswap32(v);
    bytes_.append(reinterpret_cast<const char*>(&v), 4);
  }
  void put16(uint16_t v) {
    if (swapped_) v = __builtin_bswap16(v);
    bytes_.append(reinterpret_cast<const char*>(&v), 2);
  }
  bool swapped_;
  std::string bytes_;
};

TEST(MappedPcap, ReadsEveryReferencePcapAsLibpcapDoes) {
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(FP_TESTDATA) + "/ja4/pcap")) {
    const std::string path = entry.path().string();
    if (!MappedPcap::open(path)) continue;  // pcapng: read by libpcap itself
    expect_same_as_libpcap(path);
    ++files;
  }
  EXPECT_GE(files, 20);
}

TEST(MappedPcap, LeavesPcapngAndOtherFilesToLibpcap) {
  EXPECT_EQ(MappedPcap::open(std::string(FP_TESTDATA) + "/ja4/pcap/tls3.pcapng"), nullptr);
  EXPECT_EQ(MappedPcap::open("/nonexistent.pcap"), nullptr);
  EXPECT_EQ(MappedPcap::open("/dev/null"), nullptr);
  PcapBuilder old(0xa1b2c3d4, false);
  std::string path = old.record(1, 2, 10, 10, 10).write("fp-mapped-v23.pcap");
  // Version 2.3 (caplen and len in the other order in some writers): libpcap's business.
  std::fstream(path, std::ios::in | std::ios::out | std::ios::binary).seekp(6).put(3);
  EXPECT_EQ(MappedPcap::open(path), nullptr);
}

// LINKTYPE_RAW (101) is DLT_RAW (12) to libpcap; the others we decode keep their number. A link
// type we do not decode, or one with FCS bits, is left to libpcap.
TEST(MappedPcap, LinkTypesNumberedAsLibpcapDoes) {
  for (const uint32_t linktype : {0u, 1u, 101u, 108u, 113u, 228u, 229u, 276u}) {
    expect_same_as_libpcap(PcapBuilder(0xa1b2c3d4, false, 65535, linktype)
                               .record(1, 0, 20, 20, 20)
                               .write("fp-linktype.pcap"));
  }
  EXPECT_EQ(MappedPcap::open(PcapBuilder(0xa1b2c3d4, false, 65535, 105).write("fp-wifi.pcap")),
            nullptr);
  EXPECT_EQ(
      MappedPcap::open(PcapBuilder(0xa1b2c3d4, false, 65535, 0x14000001).write("fp-fcs.pcap")),
      nullptr);
}

TEST(MappedPcap, BothByteOrdersAndNanosecondsAsLibpcap) {
  for (const bool swapped : {false, true}) {
    for (const uint32_t magic : {0xa1b2c3d4u, 0xa1b23c4du}) {
      PcapBuilder b(magic, swapped);
      b.record(1700000000, 999999, 60, 60, 60).record(1700000001, 123456789, 0, 1514, 0);
      b.record(5, 1000001, 3, 1000, 3);  // a fraction past one second is taken as written
      expect_same_as_libpcap(b.write("fp-mapped-order.pcap"));
    }
  }
}

TEST(MappedPcap, DamageGivesLibpcapsMessages) {
  expect_same_as_libpcap(
      PcapBuilder(0xa1b2c3d4, false).record(1, 0, 40, 40, 40).raw("0123456789").write("fp-h.pcap"));
  expect_same_as_libpcap(
      PcapBuilder(0xa1b2c3d4, false).record(1, 0, 40, 40, 12).write("fp-data.pcap"));
  expect_same_as_libpcap(
      PcapBuilder(0xa1b2c3d4, true).record(1, 0, 300000, 300000, 10).write("fp-big.pcap"));
  expect_same_as_libpcap(PcapBuilder(0xa1b2c3d4, false).write("fp-empty-records.pcap"));
}

TEST(MappedPcap, RecordLongerThanTheSnapshotLengthAsLibpcap) {
  expect_same_as_libpcap(PcapBuilder(0xa1b2c3d4, false, 100)
                             .record(1, 0, 200, 200, 200)
                             .record(2, 0, 50, 50, 50)
                             .write("fp-over-snaplen.pcap"));
  expect_same_as_libpcap(
      PcapBuilder(0xa1b2c3d4, false, 100).record(1, 0, 200, 200, 150).write("fp-over-cut.pcap"));
  expect_same_as_libpcap(PcapBuilder(0xa1b2c3d4, false, 0)
                             .record(1, 0, 70000, 70000, 70000)
                             .write("fp-snaplen-zero.pcap"));
  expect_same_as_libpcap(PcapBuilder(0xa1b2c3d4, true, 300000)
                             .record(1, 0, 70000, 70000, 70000)
                             .record(2, 0, 270000, 270000, 10)
                             .write("fp-snaplen-huge.pcap"));
  expect_same_as_libpcap(PcapBuilder(0xa1b2c3d4, false, 0x80000000u)
                             .record(1, 0, 300, 300, 300)
                             .write("fp-snaplen-past-int.pcap"));
}

}  // namespace
}  // namespace fp::capture
