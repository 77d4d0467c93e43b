// Numbers (uroman's add_numbers): digit sequences with decimals (D1), multiplier and sum
// grouping for numeral systems such as Chinese, Japanese, Ethiopic (G1-G4), fractions and
// percentages (G5), signs (G6) and separators between adjacent numbers (F1).
#include <algorithm>
#include <numeric>

#include "translit/lattice.h"
#include "translit/unicode_db.h"
#include "translit/utf8.h"

namespace translit {
namespace {

// uroman's NumEdge.update(): the text shown for a number edge.
void update_num_txt(Edge& e) {
  std::string value_s;
  if (e.num->has_value_s) {
    value_s = e.num->value_s;
  } else if (!e.num->value.is_none()) {
    value_s = py_str(e.num->value);
  }
  std::string fraction_s;
  if (e.num->has_fraction)
    fraction_s = std::to_string(e.num->frac_num) + "/" + std::to_string(e.num->frac_den);
  std::string txt = value_s + ((!value_s.empty() && !fraction_s.empty()) ? " " : "") + fraction_s;
  e.txt = txt.empty() ? e.num->orig_txt : txt;
}

void set_fraction(Edge& e, int64_t num, int64_t den) {
  int64_t g = std::gcd(num, den);
  if (g == 0) g = 1;
  if (den < 0) g = -g;
  e.num->has_fraction = true;
  e.num->frac_num = num / g;
  e.num->frac_den = den / g;
}

bool int_gt(const PyNum& a, const PyNum& b) {  // a > b for numbers
  if (a.overflow || b.overflow) return a.overflow && !b.overflow;
  if (a.is_int() && b.is_int()) return a.i > b.i;
  return a.as_ld() > b.as_ld();
}

Edge new_num_edge(int start, int end, const std::string& s) {
  Edge e;
  e.start = start;
  e.end = end;
  e.is_num = true;
  e.num = std::make_unique<NumData>();
  e.active = true;
  e.txt = s;
  e.num->orig_txt = s;
  return e;
}

}  // namespace

// A small helper with access to the lattice for one add_numbers run.
class NumberBuilder {
 public:
  explicit NumberBuilder(Lattice& lat) : lat_(lat), edges_(lat.edges_) {}

  void run();

 private:
  bool is_digit(int i) const {
    if (i < 0) return false;
    const Edge& e = edges_[i];
    return e.is_num && e.num->value.is_int() && !e.num->value.overflow && e.type == "digit" &&
           e.num->value.i >= 0 && e.num->value.i <= 9 && e.end - e.start == 1;
  }
  bool is_gap_null(int i) const {
    const Edge& e = edges_[i];
    return e.is_num && (e.num->orig_txt == "\u96F6" || e.num->orig_txt == "\u3007");
  }
  bool is_active_int(int i) const {
    if (i < 0) return false;
    const Edge& e = edges_[i];
    return e.is_num && e.active && e.num->value.is_int();
  }
  void replace(int new_edge, const std::vector<int>& old);

  void singles();
  void digit_sequences();
  void multiply_digits();
  void add_blocks();
  void multiply_large_powers();
  void add_large_blocks();
  void fractions();
  void signs();
  void separators();
  void exceptions();
  void remaining_digits();

  Lattice& lat_;
  std::vector<Edge>& edges_;
  // uroman's num_edges list, as a linked list so that replacing sub-edges is O(1) per edge.
  struct ListNode {
    int edge;
    int prev, next;
    int64_t key;  // list order
  };
  std::vector<ListNode> nodes_;
  std::vector<int> node_of_edge_;  // edge index -> list node, -1 if not in the list
  int head_ = -1, tail_ = -1;
  int64_t next_key_ = 0;

  int node_of(int edge) const {
    return edge < static_cast<int>(node_of_edge_.size()) ? node_of_edge_[edge] : -1;
  }
  void set_node(int edge, int node) {
    if (edge >= static_cast<int>(node_of_edge_.size())) node_of_edge_.resize(edge + 1, -1);
    node_of_edge_[edge] = node;
  }
  void append(int edge) {
    nodes_.push_back({edge, tail_, -1, next_key_++});
    int n = static_cast<int>(nodes_.size() - 1);
    if (tail_ >= 0) {
      nodes_[tail_].next = n;
    } else {
      head_ = n;
    }
    tail_ = n;
    set_node(edge, n);
  }
  void unlink(int n) {
    const ListNode& node = nodes_[n];
    if (node.prev >= 0) {
      nodes_[node.prev].next = node.next;
    } else {
      head_ = node.next;
    }
    if (node.next >= 0) {
      nodes_[node.next].prev = node.prev;
    } else {
      tail_ = node.prev;
    }
  }
  // The list as it is now (each pass of uroman iterates over a snapshot).
  std::vector<int> snapshot() const {
    std::vector<int> out;
    for (int n = head_; n >= 0; n = nodes_[n].next) out.push_back(nodes_[n].edge);
    return out;
  }
};

void Lattice::add_numbers() { NumberBuilder(*this).run(); }

void NumberBuilder::run() {
  singles();
  if (head_ < 0) {
    remaining_digits();
    return;
  }
  digit_sequences();
  multiply_digits();
  add_blocks();
  multiply_large_powers();
  add_large_blocks();
  fractions();
  signs();
  separators();
  exceptions();
  remaining_digits();
}

// uroman's update_edge_list: the first old edge in the list is replaced by the new one, the
// other old edges leave the list; old edges in the list become inactive.
void NumberBuilder::replace(int new_edge, const std::vector<int>& old) {
  int first = -1;
  for (int e : old) {
    int n = node_of(e);
    if (n < 0) continue;
    edges_[e].active = false;
    if (first < 0 || nodes_[n].key < nodes_[first].key) first = n;
  }
  if (first < 0) {
    append(new_edge);
    return;
  }
  for (int e : old) {
    int n = node_of(e);
    if (n < 0) continue;
    set_node(e, -1);
    if (n != first) unlink(n);
  }
  nodes_[first].edge = new_edge;
  set_node(new_edge, first);
}

void NumberBuilder::singles() {
  for (int start = 0; start < lat_.n_; ++start) {
    char32_t c = lat_.s_[start];
    const NumProp* p = lat_.data_.num_prop(c);
    if (!p) continue;
    std::string txt;
    append_utf8(txt, c);
    Edge e = new_num_edge(start, start + 1, txt);
    if (p->has_value) e.num->value = PyNum::of_int(p->value);
    if (p->has_fraction) set_fraction(e, p->frac_num, p->frac_den);
    if (p->has_base) e.num->num_base = PyNum::of_int(p->base);
    e.type = p->type;
    e.num->script = p->script;
    e.num->is_large_power = p->is_large_power;
    update_num_txt(e);
    append(lat_.add_edge(std::move(e)));
  }
}

void NumberBuilder::digit_sequences() {  // D1
  const std::u32string_view s = lat_.s_;
  const std::vector<int> list = snapshot();
  for (int idx : list) {
    if (!is_digit(idx) || !edges_[idx].active) continue;
    int n_points = 0, n_decimals = -1;
    std::string value_s = int128_str(edges_[idx].num->value.i);
    std::vector<int> sub = {idx};
    int prev = idx;
    while (true) {
      int prev_end = edges_[prev].end;
      int right = lat_.best_right_neighbor(prev_end);
      if (is_digit(right)) {
        sub.push_back(right);
        value_s += int128_str(edges_[right].num->value.i);
        if (n_decimals >= 0) ++n_decimals;
        prev = right;
        continue;
      }
      if (prev_end < lat_.n_ && s[prev_end] == '.' && n_points == 0) {
        int right2 = lat_.best_right_neighbor(prev_end + 1);
        if (right2 >= 0 && is_digit(right2)) {
          if (right < 0) {
            Edge dot;
            dot.start = prev_end;
            dot.end = prev_end + 1;
            dot.txt = ".";
            dot.type = "decimal period";
            right = lat_.add_edge(std::move(dot));
          }
          sub.push_back(right);
          sub.push_back(right2);
          value_s += "." + int128_str(edges_[right2].num->value.i);
          ++n_points;
          n_decimals = 1;
          prev = right2;
          continue;
        }
      }
      break;
    }
    if (sub.size() < 2) continue;
    PyNum value = parse_decimal(value_s);
    Edge e = new_num_edge(edges_[sub.front()].start, edges_[sub.back()].end,
                          value.overflow ? value_s : py_str(value));
    e.num->value = value;
    e.num->has_value_s = true;
    e.num->value_s = value_s;
    e.num->n_decimals = n_decimals;
    e.num->num_base = PyNum::of_int(1);
    e.type = "D1";
    e.num->script = edges_[sub.back()].num->script;
    update_num_txt(e);
    int id = lat_.add_edge(std::move(e));
    replace(id, sub);
  }
}

void NumberBuilder::multiply_digits() {  // G1: 2*100 = 200
  const std::vector<int> list = snapshot();
  for (int idx : list) {
    const Edge& e = edges_[idx];
    if (!(e.is_num && e.active && e.num->num_base.is_int() && e.num->num_base.i == 1 &&
          e.num->value.is_int() && (e.num->value.overflow || e.num->value.i >= 1))) {
      continue;
    }
    int r = lat_.best_right_neighbor(e.end);
    if (!is_active_int(r)) continue;
    const Edge& re = edges_[r];
    if (!(re.num->num_base.is_int() && re.num->num_base.i > 1 && !re.num->is_large_power)) continue;
    PyNum v = int_mul(e.num->value, re.num->value);
    Edge ne = new_num_edge(e.start, re.end, py_str(v));
    ne.num->value = v;
    ne.num->num_base = re.num->num_base;
    ne.type = "G1";
    ne.num->orig_txt = e.num->orig_txt + re.num->orig_txt;
    ne.num->script = re.num->script;
    update_num_txt(ne);
    int id = lat_.add_edge(std::move(ne));
    replace(id, {idx, r});
  }
}

void NumberBuilder::add_blocks() {  // G2: 200+30+4 = 234
  const std::vector<int> list = snapshot();
  for (int idx : list) {
    if (!is_active_int(idx) || edges_[idx].num->is_large_power) continue;
    std::vector<int> sub = {idx};
    int prev = idx, prev_non = idx;
    while (true) {
      int r = lat_.best_right_neighbor(edges_[prev].end);
      if (!is_active_int(r) || edges_[r].num->is_large_power) break;
      const Edge& pn = edges_[prev_non];
      const Edge& re = edges_[r];
      if (!(is_gap_null(prev_non) || (int_gt(pn.num->num_base, re.num->value) &&
                                      int_gt(pn.num->num_base, re.num->num_base)))) {
        break;
      }
      sub.push_back(r);
      prev = r;
      if (!is_gap_null(r)) prev_non = r;
    }
    if (sub.size() < 2) continue;
    PyNum sum = PyNum::of_int(0);
    std::string orig;
    for (int i : sub) {
      sum = int_add(sum, edges_[i].num->value);
      orig += edges_[i].num->orig_txt;
    }
    Edge ne = new_num_edge(edges_[sub.front()].start, edges_[sub.back()].end, py_str(sum));
    ne.num->value = sum;
    ne.num->num_base = edges_[sub.back()].num->num_base;
    ne.type = "G2";
    ne.num->orig_txt = orig;
    ne.num->script = edges_[sub.back()].num->script;
    update_num_txt(ne);
    int id = lat_.add_edge(std::move(ne));
    replace(id, sub);
  }
}

void NumberBuilder::multiply_large_powers() {  // G3: 234*1000 = 234000
  const std::vector<int> list = snapshot();
  for (int idx : list) {
    const Edge& e = edges_[idx];
    if (!(e.is_num && e.active && !e.num->is_large_power && e.num->value.is_number())) continue;
    int r = lat_.best_right_neighbor(e.end);
    if (!is_active_int(r)) continue;
    const Edge& re = edges_[r];
    if (!(re.num->num_base.is_int() && re.num->num_base.i > 1 && re.num->is_large_power)) continue;
    PyNum v;
    if (e.num->value.is_int()) {
      v = int_mul(e.num->value, re.num->value);
    } else {
      double p = py_round5(e.num->value.f * re.num->value.i.to_double());
      v = float_to_int_if_integral(p);
    }
    Edge ne = new_num_edge(e.start, re.end, py_str(v));
    ne.num->value = v;
    ne.num->num_base = re.num->num_base;
    ne.type = "G3";
    ne.num->orig_txt = e.num->orig_txt + re.num->orig_txt;
    ne.num->script = re.num->script;
    update_num_txt(ne);
    int id = lat_.add_edge(std::move(ne));
    replace(id, {idx, r});
  }
}

void NumberBuilder::add_large_blocks() {  // G4: 234000+567 = 234567
  const std::vector<int> list = snapshot();
  for (int idx : list) {
    if (!is_active_int(idx)) continue;
    std::vector<int> sub = {idx};
    while (true) {
      int prev = sub.back();
      int r = lat_.best_right_neighbor(edges_[prev].end);
      if (!is_active_int(r)) break;
      Edge& pe = edges_[prev];
      Edge& re = edges_[r];
      if (!(int_gt(pe.num->num_base, re.num->value) && int_gt(pe.num->num_base, re.num->num_base)))
        break;
      if (pe.num->script == "CJK" && pe.num->num_base.is_int() && pe.num->num_base.i >= 1000 &&
          pe.type.find("tag") == std::string::npos && re.num->value.is_int() &&
          re.num->value.i >= 1 && re.num->value.i <= 9 && re.start + 1 == re.end) {
        std::string base_s = int128_str(pe.num->num_base.i);
        bool power_of_ten = base_s.size() >= 2 && base_s[0] == '1' &&
                            base_s.find_first_not_of('0', 1) == std::string::npos;
        if (power_of_ten) {
          int128 new_base = pe.num->num_base.i.div_small(10);
          re.num->value = PyNum::of_int(new_base * re.num->value.i);
          re.num->num_base = PyNum::of_int(new_base);
          re.type = "G4tag";
        }
      }
      sub.push_back(r);
    }
    if (sub.size() < 2) continue;
    PyNum sum = PyNum::of_int(0);
    std::string orig;
    for (int i : sub) {
      sum = int_add(sum, edges_[i].num->value);
      orig += edges_[i].num->orig_txt;
    }
    Edge ne = new_num_edge(edges_[sub.front()].start, edges_[sub.back()].end, py_str(sum));
    ne.num->value = sum;
    ne.num->num_base = edges_[sub.back()].num->num_base;
    ne.type = "G4";
    ne.num->orig_txt = orig;
    ne.num->script = edges_[sub.back()].num->script;
    update_num_txt(ne);
    int id = lat_.add_edge(std::move(ne));
    replace(id, sub);
  }
}

// G5: Chinese fractions (三分之一 = 1/3) and percentages (百分之五 = 5%). Where uroman crashes
// (nothing or no number after the connector) the connector is simply not combined.
void NumberBuilder::fractions() {
  const std::u32string_view s = lat_.s_;
  const std::vector<int> list = snapshot();
  for (int idx : list) {
    if (!edges_[idx].is_num || !edges_[idx].num->value.is_int() || edges_[idx].num->value.overflow)
      continue;
    for (const auto& conn : lat_.data_.fraction_connectors) {
      const Edge& e = edges_[idx];
      size_t conn_end = e.end + conn.size();
      if (conn_end > s.size() || s.substr(e.end, conn.size()) != conn) continue;
      int r = lat_.best_right_neighbor(static_cast<int>(conn_end));
      if (r < 0 || !edges_[r].is_num || edges_[r].num->value.is_none()) continue;
      const Edge& re = edges_[r];
      if (e.num->value.i == 100) {
        if (e.num->value.i >= 0) {
          Edge pe;
          pe.start = e.start;
          pe.end = re.end;
          pe.txt = py_str(re.num->value) + "%";
          pe.type = "percentage";
          int id = lat_.add_edge(std::move(pe));
          replace(id, {idx, r});
        }
      } else if (re.num->value.is_int() && !re.num->value.overflow && e.num->value.i > 0) {
        std::string txt = py_str(re.num->value) + "/" + py_str(e.num->value);
        Edge fe = new_num_edge(e.start, re.end, txt);
        set_fraction(fe, re.num->value.i.to_int64(), e.num->value.i.to_int64());
        fe.type = "fraction";
        int id = lat_.add_edge(std::move(fe));
        replace(id, {idx, r});
      }
    }
  }
}

void NumberBuilder::signs() {  // G6
  const std::u32string_view s = lat_.s_;
  for (int idx : snapshot()) {
    for (int sign = 0; sign < 2; ++sign) {
      const auto& list = sign == 0 ? lat_.data_.minus_signs : lat_.data_.plus_signs;
      for (const auto& m : list) {
        const Edge& e = edges_[idx];
        if (static_cast<size_t>(e.start) < m.size()) continue;
        if (s.substr(e.start - m.size(), m.size()) != m) continue;
        Edge se;
        se.start = e.start - static_cast<int>(m.size());
        se.end = e.end;
        se.txt = (sign == 0 ? "-" : "+") + e.txt;
        se.type = e.type + (sign == 0 ? " -" : " +");
        lat_.add_edge(std::move(se));
      }
    }
  }
}

void NumberBuilder::separators() {  // F1: 23½ -> 23 1/2, 十一五 -> 11·5
  for (int idx : snapshot()) {
    if (!edges_[idx].is_num || edges_[idx].txt.empty()) continue;
    if (!lat_.data_.decimal(first_code_point(edges_[idx].txt))) continue;
    int left = lat_.best_left_neighbor(edges_[idx].start);
    if (left < 0 || edges_[left].txt.empty()) continue;
    if (!lat_.data_.decimal(last_code_point(edges_[left].txt))) continue;
    Edge& e = edges_[idx];
    bool fraction = e.num->has_fraction && e.num->frac_num != 0;
    e.txt = (fraction ? " " : "\u00B7") + e.txt;
  }
}

void NumberBuilder::exceptions() {
  static const std::string_view kSingles = "\u5169\u53C3\u53C2\u4F0D\u9646\u9678\u4EC0";
  for (int idx : snapshot()) {
    Edge& e = edges_[idx];
    if (!(e.is_num && e.active && !e.num->value.is_none())) continue;
    bool big_single = e.end - e.start == 1 && int_gt(e.num->value, PyNum::of_int(1000));
    if (big_single || kSingles.find(e.num->orig_txt) != std::string_view::npos ||
        e.num->orig_txt == "\u4EAC\u5146") {
      e.active = false;
    }
  }
}

void NumberBuilder::remaining_digits() {
  for (int start = 0; start < lat_.n_; ++start) {
    char32_t c = lat_.s_[start];
    auto num = ucd::numeric(c);
    if (!num) continue;
    int best = lat_.best_edge_in_span(start, start + 1);
    if (best >= 0 && edges_[best].is_num) continue;
    if ((lat_.data_.name_flags(c) & ucd::kNameDigit) && *num == static_cast<int>(*num) &&
        *num >= 0 && *num <= 9) {
      Edge e;
      e.start = start;
      e.end = start + 1;
      e.txt = std::to_string(static_cast<int>(*num));
      e.type = "num";
      lat_.add_edge(std::move(e));
    }
  }
}

}  // namespace translit
