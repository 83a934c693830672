#include "runtime/store/result.hpp"

#include <libpq-fe.h>

#include <charconv>

#include "runtime/store/error.hpp"

namespace flow::runtime::store {

Result::Result(PGresult* result) : result_(result, PQclear) {}

int Result::size() const { return PQntuples(result_.get()); }

int Result::columns() const { return PQnfields(result_.get()); }

int64_t Result::affected_rows() const {
  const std::string_view text = PQcmdTuples(result_.get());
  int64_t rows = 0;
  std::from_chars(text.data(), text.data() + text.size(), rows);
  return rows;
}

std::string_view Result::command() const { return PQcmdStatus(result_.get()); }

Row Result::one() const {
  if (size() != 1) throw Error("", "expected exactly one row, got " + std::to_string(size()));
  return (*this)[0];
}

std::vector<Row> Result::rows() const {
  std::vector<Row> out;
  out.reserve(static_cast<size_t>(size()));
  for (int i = 0; i < size(); ++i) out.push_back((*this)[i]);
  return out;
}

int Column::index_in(const PGresult* rows) const {
  if (index_ >= 0) {
    if (index_ >= PQnfields(rows))
      throw Error("", "column index " + std::to_string(index_) + " out of range (" +
                          std::to_string(PQnfields(rows)) + " columns)");
    return index_;
  }
  const int index = PQfnumber(rows, std::string('"' + std::string(name_) + '"').c_str());
  if (index < 0) throw Error("", "no column named '" + std::string(name_) + "' in the result");
  return index;
}

bool Row::is_null(Column column) const {
  return PQgetisnull(rows_.get(), row_, column.index_in(rows_.get())) != 0;
}

namespace {

[[noreturn]] void bad_value(const char* type, const char* column, std::string_view text) {
  throw Error("", std::string("column '") + column + "': cannot read '" + std::string(text.substr(0, 64)) +
                      "' as " + type);
}

template <typename Number>
Number parse_number(const char* type, const char* column, std::string_view text) {
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) bad_value(type, column, text);
  return value;
}

}  // namespace

template <typename T>
T Row::parse(Column column) const {
  PGresult* result = rows_.get();
  const int index = column.index_in(result);
  const char* name = PQfname(result, index);
  if (PQgetisnull(result, row_, index))
    throw Error("", std::string("column '") + name + "' is NULL; read it as std::optional");
  const std::string_view text(PQgetvalue(result, row_, index), PQgetlength(result, row_, index));
  if constexpr (std::is_same_v<T, std::string>) {
    return std::string(text);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (text != "t" && text != "f") bad_value("bool", name, text);
    return text == "t";
  } else if constexpr (std::is_same_v<T, Bytes>) {
    size_t length = 0;
    unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text.data()), &length);
    if (!bytes) bad_value("bytea", name, text);
    Bytes out{std::string(reinterpret_cast<const char*>(bytes), length)};
    PQfreemem(bytes);
    return out;
  } else {
    static_assert(std::is_arithmetic_v<T>, "Row::get supports string, bool, Bytes, integers and double");
    return parse_number<T>(std::is_integral_v<T> ? "an integer" : "a number", name, text);
  }
}

template std::string Row::parse<std::string>(Column) const;
template bool Row::parse<bool>(Column) const;
template Bytes Row::parse<Bytes>(Column) const;
template int32_t Row::parse<int32_t>(Column) const;
template int64_t Row::parse<int64_t>(Column) const;
template double Row::parse<double>(Column) const;

}  // namespace flow::runtime::store
