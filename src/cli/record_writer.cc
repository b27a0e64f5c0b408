#include "cli/record_writer.h"

#include <algorithm>
#include <vector>

#include "capture/record_json.h"
#include "cli/table.h"

namespace fp::cli {
namespace {

class JsonLinesWriter final : public RecordWriter {
 public:
  explicit JsonLinesWriter(std::FILE* out) : out_(out) {}
  void write(capture::StreamRecord&& record) override {
    const std::string line = capture::to_json_line(record);
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fputc('\n', out_);
  }
  void finish() override { std::fflush(out_); }

 private:
  std::FILE* out_;
};

// Keeps records to sort them: the array and the table are read by people, in stream order.
class SortedWriter : public RecordWriter {
 public:
  void write(capture::StreamRecord&& record) override { records_.push_back(std::move(record)); }
  void finish() override {
    std::stable_sort(records_.begin(), records_.end(), [](const auto& a, const auto& b) {
      return std::tie(a.file, a.transport, a.stream) < std::tie(b.file, b.transport, b.stream);
    });
    emit(records_);
  }

 protected:
  virtual void emit(const std::vector<capture::StreamRecord>& records) = 0;

 private:
  std::vector<capture::StreamRecord> records_;
};

class JsonArrayWriter final : public SortedWriter {
 public:
  explicit JsonArrayWriter(std::FILE* out) : out_(out) {}

 private:
  void emit(const std::vector<capture::StreamRecord>& records) override {
    std::fputs("[", out_);
    for (size_t i = 0; i < records.size(); ++i) {
      std::fputs(i == 0 ? "\n  " : ",\n  ", out_);
      std::fputs(capture::to_json_pretty(records[i], 2).c_str(), out_);
    }
    std::fputs(records.empty() ? "]\n" : "\n]\n", out_);
    std::fflush(out_);
  }
  std::FILE* out_;
};

class TableWriter final : public SortedWriter {
 public:
  explicit TableWriter(std::FILE* out) : out_(out) {}

 private:
  void emit(const std::vector<capture::StreamRecord>& records) override {
    std::fputs(render_table(records).c_str(), out_);
    std::fflush(out_);
  }
  std::FILE* out_;
};

}  // namespace

std::unique_ptr<RecordWriter> make_record_writer(const std::string& format, std::FILE* out) {
  if (format == "jsonl") return std::make_unique<JsonLinesWriter>(out);
  if (format == "json") return std::make_unique<JsonArrayWriter>(out);
  if (format == "table") return std::make_unique<TableWriter>(out);
  return nullptr;
}

}  // namespace fp::cli
