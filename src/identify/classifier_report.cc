// Markdown tables of the held-out predictions (pasted into docs/model-card.md).
#include <cstdio>
#include <map>
#include <string>

#include "identify/classifier_report.h"

namespace fp::identify::detail {
namespace {

std::string pct(size_t n, size_t d) {
  if (d == 0) return "–";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(n) / static_cast<double>(d));
  return buf;
}

std::string fixed(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// "safari 2, okhttp 1"
std::string counts(const std::map<std::string, size_t>& m) {
  std::string out;
  for (const auto& [name, n] : m) out += (out.empty() ? "" : ", ") + name + " " + std::to_string(n);
  return out.empty() ? "–" : out;
}

bool correct(const Prediction& p) { return p.result.client == p.truth; }

void lovo_table(const EvalData& d, EvalSummary& s, std::string& md) {
  md += "### Leave-one-version-out (browser families with >= 3 major versions)\n\n";
  md +=
      "| family | profiles | versions | correct | unknown | wrong | accuracy | twins | "
      "accuracy without twins |\n|---|---|---|---|---|---|---|---|---|\n";
  for (const std::string& family : d.families) {
    size_t n = 0, ok = 0, unknown = 0, twins = 0, n_fresh = 0, ok_fresh = 0;
    std::set<std::string> versions;
    for (const Prediction& p : d.grouped) {
      if (p.truth != family || !major_version(p.profile->version)) continue;
      ++n;
      versions.insert(std::to_string(*major_version(p.profile->version)));
      ok += correct(p);
      unknown += p.result.client == kUnknown;
      twins += p.twin;
      if (!p.twin) ++n_fresh, ok_fresh += correct(p);
    }
    s.lovo_rows += n;
    s.lovo_correct += ok;
    md += "| " + family + " | " + std::to_string(n) + " | " + std::to_string(versions.size()) +
          " | " + std::to_string(ok) + " | " + std::to_string(unknown) + " | " +
          std::to_string(n - ok - unknown) + " | " + pct(ok, n) + " | " + std::to_string(twins) +
          " | " + pct(ok_fresh, n_fresh) + " (" + std::to_string(n_fresh) + ") |\n";
  }
  md += "| **all** | " + std::to_string(s.lovo_rows) + " | | " + std::to_string(s.lovo_correct) +
        " | | | **" + pct(s.lovo_correct, s.lovo_rows) + "** | | |\n\n";
}

void confusion_table(const EvalData& d, std::string& md) {
  md += "### Client confusion (all named profiles, grouped hold-out)\n\n";
  md += "| true class | n | correct | unknown | predicted instead |\n|---|---|---|---|---|\n";
  std::map<std::string, std::tuple<size_t, size_t, size_t, std::map<std::string, size_t>>> rows;
  size_t n = 0, ok = 0;
  for (const Prediction& p : d.grouped) {
    auto& [total, good, unknown, wrong] = rows[p.truth];
    ++total, ++n;
    if (correct(p)) {
      ++good, ++ok;
    } else if (p.result.client == kUnknown) {
      ++unknown;
    } else {
      ++wrong[p.result.client];
    }
  }
  for (const auto& [truth, r] : rows) {
    const auto& [total, good, unknown, wrong] = r;
    md += "| " + truth + " | " + std::to_string(total) + " | " + std::to_string(good) + " | " +
          std::to_string(unknown) + " | " + counts(wrong) + " |\n";
  }
  md += "| **all** | " + std::to_string(n) + " | " + std::to_string(ok) + " (" + pct(ok, n) +
        ") | | |\n\n";
}

void tls_table(const EvalData& d, std::string& md) {
  md += "### TLS library (grouped hold-out)\n\n";
  md += "| true library | n | correct | unknown | predicted instead |\n|---|---|---|---|---|\n";
  std::map<std::string, std::tuple<size_t, size_t, size_t, std::map<std::string, size_t>>> rows;
  for (const Prediction& p : d.grouped) {
    if (p.profile->tls_library.empty()) continue;
    auto& [total, good, unknown, wrong] = rows[p.profile->tls_library];
    ++total;
    if (p.result.tls_library == p.profile->tls_library) {
      ++good;
    } else if (p.result.tls_library == kUnknown) {
      ++unknown;
    } else {
      ++wrong[p.result.tls_library];
    }
  }
  for (const auto& [truth, r] : rows) {
    const auto& [total, good, unknown, wrong] = r;
    md += "| " + truth + " | " + std::to_string(total) + " | " + std::to_string(good) + " | " +
          std::to_string(unknown) + " | " + counts(wrong) + " |\n";
  }
  md += "\n";
}

void calibration_table(const EvalData& d, std::string& md) {
  md += "### Calibration (client, grouped hold-out; top class whatever the threshold)\n\n";
  md += "| confidence | n | mean confidence | accuracy |\n|---|---|---|---|\n";
  constexpr double kEdges[] = {0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001};
  for (size_t b = 0; b + 1 < std::size(kEdges); ++b) {
    size_t n = 0, ok = 0;
    double sum = 0;
    for (const Prediction& p : d.grouped) {
      const double c = p.result.client_confidence;
      if (c < kEdges[b] || c >= kEdges[b + 1] || p.result.alternatives.empty()) continue;
      ++n, sum += c, ok += p.result.alternatives.front().name == p.truth;
    }
    md += "| [" + fixed(kEdges[b]) + ", " + fixed(std::min(kEdges[b + 1], 1.0)) + ") | " +
          std::to_string(n) + " | " + (n ? fixed(sum / static_cast<double>(n)) : "–") + " | " +
          pct(ok, n) + " |\n";
  }
  md += "\nAnswered (not `unknown`) and accuracy of the answers, by threshold:\n\n";
  md += "| threshold | answered | accuracy when answered |\n|---|---|---|\n";
  for (double t : {0.3, 0.5, 0.6, 0.7, 0.8, 0.9}) {
    size_t answered = 0, ok = 0;
    for (const Prediction& p : d.grouped) {
      if (p.result.alternatives.empty() || p.result.client_confidence < t) continue;
      ++answered, ok += p.result.alternatives.front().name == p.truth;
    }
    md += "| " + fixed(t) + " | " + pct(answered, d.grouped.size()) + " | " + pct(ok, answered) +
          " |\n";
  }
  md += "\n";
}

void version_table(const EvalData& d, std::string& md) {
  size_t n = 0, given = 0, inside = 0;
  for (const Prediction& p : d.grouped) {
    const std::optional<int> major = major_version(p.profile->version);
    if (!major || !correct(p)) continue;
    ++n;
    const std::string& range = p.result.version_range;
    if (range.empty()) continue;
    ++given;
    const size_t dash = range.find('-');
    const int lo = std::stoi(range.substr(0, dash));
    const int hi = dash == std::string::npos ? lo : std::stoi(range.substr(dash + 1));
    inside += lo <= *major && *major <= hi;
  }
  md += "### Version range (held-out versions, client predicted right)\n\n";
  md += "| rows | range given | held-out major inside the range |\n|---|---|---|\n";
  md += "| " + std::to_string(n) + " | " + std::to_string(given) + " | " + std::to_string(inside) +
        " (" + pct(inside, given) + ") |\n\n";
}

void lofo_table(const EvalData& d, EvalSummary& s, std::string& md) {
  md += "### Leave-one-family-out (the held-out class is unknown to the model)\n\n";
  md +=
      "| held-out class | n | client unknown | of which TLS library right | confident wrong "
      "name |\n|---|---|---|---|---|\n";
  std::map<std::string, std::tuple<size_t, size_t, size_t, std::map<std::string, size_t>>> rows;
  for (const Prediction& p : d.lofo) {
    auto& [total, unknown, tls_only, wrong] = rows[p.truth];
    ++total, ++s.lofo_rows;
    if (p.result.client == kUnknown) {
      ++unknown, ++s.lofo_unknown;
      if (p.result.tls_library == p.profile->tls_library && !p.profile->tls_library.empty()) {
        ++tls_only, ++s.lofo_tls_only;
      }
    } else {
      ++wrong[p.result.client], ++s.lofo_confident_wrong;
    }
  }
  for (const auto& [truth, r] : rows) {
    const auto& [total, unknown, tls_only, wrong] = r;
    md += "| " + truth + " | " + std::to_string(total) + " | " + std::to_string(unknown) + " | " +
          std::to_string(tls_only) + " | " + counts(wrong) + " |\n";
  }
  md += "| **all** | " + std::to_string(s.lofo_rows) + " | " + std::to_string(s.lofo_unknown) +
        " (" + pct(s.lofo_unknown, s.lofo_rows) + ") | " + std::to_string(s.lofo_tls_only) + " | " +
        std::to_string(s.lofo_confident_wrong) + " (" + pct(s.lofo_confident_wrong, s.lofo_rows) +
        ") |\n\n";
}

}  // namespace

EvalSummary report(const EvalData& d) {
  EvalSummary s;
  std::string& md = s.markdown;
  size_t twins = 0;
  for (const Prediction& p : d.grouped) twins += p.twin;
  md += "Profiles: " + std::to_string(d.profiles) +
        "; named and evaluated: " + std::to_string(d.grouped.size()) + "; threshold " +
        fixed(d.options.threshold) +
        "; held-out rows whose feature vector equals a training row's (twins): " +
        std::to_string(twins) + ".\n\n";
  lovo_table(d, s, md);
  confusion_table(d, md);
  tls_table(d, md);
  calibration_table(d, md);
  version_table(d, md);
  lofo_table(d, s, md);
  return s;
}

}  // namespace fp::identify::detail
