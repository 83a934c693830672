#pragma once
// The Flow grammar (docs/language.md is the contract) as PEGTL rules, one rule per type.
// Include only from parser.cpp: the instantiations are heavy. The file reads bottom-up,
// like PEGTL's lua53 example:
//
//   0. three custom rules: `nested<>` bounds the nesting depth, `recover<>` reports an
//      error and skips to a place where parsing can go on, `chain<>` scopes the operators
//      of one expression
//   1. separators and words: white space, `//` comments, identifiers, keywords
//   2. literals: numbers and durations; strings with `{{ }}` / `{{{ }}}` holes
//   3. expressions: primary, postfix, unary `-`, then one flat chain of binary operators
//   4. statements and blocks
//   5. settings, templates, workflows
//   6. entry points: a .flow file, one expression, the text of an HTML/text template
//   7. error_message: the message of every commit point, in one table
//
// Commit points are `must<>` and `raise<>`: once a keyword or an opening delimiter has
// been read, the rest must follow, and parser.cpp's control turns a failure into the
// rule's message from the table (a commit point without a message does not compile).
// White space is explicit (`sep`) between tokens; a rule never eats the space after it.
//
// Actions (parser.cpp) build the Ast while parsing, so the grammar never backtracks over
// a rule that has an action: every alternative is decided by its first token or two.
// Some rules exist only to give an action its place (`if_start`, `no_reason`, ...).
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze_traits.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace flow::grammar::rules {

using namespace tao::pegtl;  // NOLINT: the grammar reads as PEGTL's own examples

// ---- 0. Custom rules ---------------------------------------------------------------
// They take the parser's builder as their one state; its interface is in parser.cpp.

// Matches Rule one level deeper; the builder reports "nesting too deep" past the limit.
template <typename Rule>
struct nested {
  using rule_t = nested;
  using subs_t = type_list<Rule>;

  template <apply_mode A, rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput, typename Builder>
  [[nodiscard]] static bool match(ParseInput& in, Builder& builder) {
    const auto guard = builder.enter_nested(in.current());
    return Control<Rule>::template match<A, M, Action, Control>(in, builder);
  }
};

// Whether Rule can start with the character c (c is '\0' at the end of the input); the
// rules first_char_sor dispatches on specialise it, every other rule may start anywhere.
template <typename Rule>
struct can_start {
  static constexpr bool test(char) { return true; }
};

// sor<Rules...> that looks at the next character first and tries only the alternatives
// that can start with it, in their order: the same matches and the same errors as the
// sor (an alternative that cannot start with c fails at its first character without
// raising), without a failed attempt per alternative. Statements and primaries go
// through it: an identifier used to try nine primaries before `name_expression`.
template <typename... Rules>
struct first_char_sor {
  using rule_t = first_char_sor;
  using subs_t = type_list<Rules...>;

  template <apply_mode A, rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput, typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&... st) {
    const char c = in.empty() ? '\0' : in.peek_char();
    return ((can_start<Rules>::test(c) &&
             Control<Rules>::template match<A, rewind_mode::required, Action, Control>(in, st...)) ||
            ...);
  }
};

constexpr bool is_identifier_first(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

// Where `recover<>` resumes after an error (the scanning is in parser.cpp):
struct line_sync {};  // the next line that starts with a word, or the `}` of the block
struct item_sync {};  // the next line that starts with `template` or `workflow`
struct hole_sync {};  // after the `}}` of the broken hole, or at the next `{{`

// Matches Rule; when Rule raises an error, reports it, forgets the half-built nodes and
// skips to the Sync point. Recovery always moves forward, so a loop around it ends.
template <typename Rule, typename Sync>
struct recover {
  using rule_t = recover;
  using subs_t = type_list<Rule>;

  template <apply_mode A, rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput, typename Builder>
  [[nodiscard]] static bool match(ParseInput& in, Builder& builder) {
    const auto checkpoint = builder.checkpoint(in.current());
    try {
      return Control<Rule>::template match<A, rewind_mode::required, Action, Control>(in, builder);
    } catch (const typename Builder::Failure& failure) {
      if (!builder.can_recover(failure, Sync{})) throw;
      in.iterator() = builder.recover(checkpoint, failure, Sync{});
      return true;
    }
  }
};

// Matches an operator chain (§3) with its own region of the builder's operator stack:
// the operators still pending when it ends are applied then, and none of them leaks into
// an enclosing chain (`a * (b + c)`).
template <typename Rule>
struct chain {
  using rule_t = chain;
  using subs_t = type_list<Rule>;

  template <apply_mode A, rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput, typename Builder>
  [[nodiscard]] static bool match(ParseInput& in, Builder& builder) {
    const auto base = builder.open_chain();
    if (!Control<Rule>::template match<A, M, Action, Control>(in, builder)) {
      builder.drop_chain(base);
      return false;
    }
    builder.close_chain();
    return true;
  }
};

// ---- 1. Separators and words -------------------------------------------------------

struct comment : seq<two<'/'>, star<not_one<'\n'>>> {};
template <> struct can_start<comment> { static constexpr bool test(char c) { return c == '/'; } };
// The comment is tried only at a `/` (first_char_sor): at the end of every separator it
// was a failed rule match with its marker, 3 % of a build's instructions.
struct sep : star<first_char_sor<one<' ', '\t', '\n', '\r', '\f', '\v'>, comment>> {};
struct blanks : star<one<' ', '\t'>> {};
struct word : seq<identifier_first, star<identifier_other>> {};

struct kw_template : TAO_PEGTL_KEYWORD("template") {};
struct kw_workflow : TAO_PEGTL_KEYWORD("workflow") {};
struct kw_on : TAO_PEGTL_KEYWORD("on") {};
struct kw_send : TAO_PEGTL_KEYWORD("send") {};
struct kw_delay : TAO_PEGTL_KEYWORD("delay") {};
struct kw_wait : TAO_PEGTL_KEYWORD("wait") {};
struct kw_for : TAO_PEGTL_KEYWORD("for") {};
struct kw_within : TAO_PEGTL_KEYWORD("within") {};
struct kw_received : TAO_PEGTL_KEYWORD("received") {};
struct kw_timeout : TAO_PEGTL_KEYWORD("timeout") {};
struct kw_if : TAO_PEGTL_KEYWORD("if") {};
struct kw_else : TAO_PEGTL_KEYWORD("else") {};
struct kw_webhook : TAO_PEGTL_KEYWORD("webhook") {};
struct kw_update : TAO_PEGTL_KEYWORD("update") {};
struct kw_contact : TAO_PEGTL_KEYWORD("contact") {};
struct kw_exit : TAO_PEGTL_KEYWORD("exit") {};
struct kw_let : TAO_PEGTL_KEYWORD("let") {};
struct kw_label : TAO_PEGTL_KEYWORD("label") {};
struct kw_goto : TAO_PEGTL_KEYWORD("goto") {};
struct kw_and : TAO_PEGTL_KEYWORD("and") {};
struct kw_or : TAO_PEGTL_KEYWORD("or") {};
struct kw_not : TAO_PEGTL_KEYWORD("not") {};
struct kw_in : TAO_PEGTL_KEYWORD("in") {};
struct kw_true : TAO_PEGTL_KEYWORD("true") {};
struct kw_false : TAO_PEGTL_KEYWORD("false") {};
struct kw_null : TAO_PEGTL_KEYWORD("null") {};
struct kw_file : TAO_PEGTL_KEYWORD("file") {};

// The keywords above, which no name may be. Kept as text because `ident` is the most
// frequent token: reading the word once and looking it up is far cheaper than trying 27
// keyword rules in turn (not_at<sor<kw_template, ...>>), and means the same.
inline constexpr std::array<std::string_view, 27> kReserved = {
    "template", "workflow", "on",      "send",   "delay", "wait",  "for",   "within", "received",
    "timeout",  "if",       "else",    "webhook", "update", "contact", "exit", "let",  "label",
    "goto",     "and",      "or",      "not",    "in",    "true",  "false", "null",  "file"};

// For each first letter, the lengths of the keywords that start with it (bit n: length n).
// Most words differ from every keyword in one or the other, so they need no comparison.
inline constexpr std::array<uint16_t, 26> kReservedLengths = [] {
  std::array<uint16_t, 26> lengths{};
  for (const std::string_view keyword : kReserved) lengths[keyword[0] - 'a'] |= uint16_t{1} << keyword.size();
  return lengths;
}();

constexpr bool is_reserved(std::string_view word) {
  const char first = word[0];
  if (first < 'a' || first > 'z' || word.size() >= 16 || ((kReservedLengths[first - 'a'] >> word.size()) & 1) == 0) {
    return false;
  }
  return std::any_of(kReserved.begin(), kReserved.end(),
                     [&](std::string_view keyword) { return keyword[0] == first && keyword == word; });
}

// A name people choose (template, label, local, function): any word but a keyword. Field
// names and object keys may be keywords (`event.data.label`), so they use `word`. The
// word is read once and looked up: the same as seq<not_at<sor<kw_...>>, word>, which
// tried 27 keyword rules (an earlier not_reserved rule read the word a second time).
struct ident {
  using rule_t = ident;
  using subs_t = empty_list;

  template <apply_mode A, rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput, typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&...) {
    const auto identifier_other = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    };
    const char* const begin = in.current();
    if (begin == in.end() || !is_identifier_first(*begin)) return false;
    const char* end = begin + 1;
    while (end != in.end() && identifier_other(*end)) ++end;
    const std::string_view word(begin, static_cast<std::size_t>(end - begin));
    if (is_reserved(word)) return false;
    in.bump_in_this_line(word.size());
    return true;
  }
};

// ---- 2. Literals -------------------------------------------------------------------

// `12`, `3.5`, `1e3`; directly or after blanks a unit makes it a duration: `30s`,
// `30 s`, `24 hours`. Only blanks, not newlines, may come between: `3` at the end of a
// line never takes a unit from the next.
struct number_token : seq<plus<digit>, opt<one<'.'>, plus<digit>>, opt<one<'e', 'E'>, opt<one<'+', '-'>>, plus<digit>>> {};
struct unit_word : sor<TAO_PEGTL_KEYWORD("seconds"), TAO_PEGTL_KEYWORD("second"), TAO_PEGTL_KEYWORD("minutes"),
                       TAO_PEGTL_KEYWORD("minute"), TAO_PEGTL_KEYWORD("hours"), TAO_PEGTL_KEYWORD("hour"),
                       TAO_PEGTL_KEYWORD("days"), TAO_PEGTL_KEYWORD("day"), TAO_PEGTL_KEYWORD("weeks"),
                       TAO_PEGTL_KEYWORD("week")> {};
struct unit_letter : seq<one<'s', 'm', 'h', 'd', 'w'>, not_at<identifier_other>> {};
struct duration_unit : seq<blanks, sor<unit_word, unit_letter>> {};
struct no_glued_word : not_at<identifier_other> {};       // `30hrs`
struct no_stray_word : not_at<blanks, identifier_first> {};  // `delay 30 hrs`
// In an expression a number may be a duration; where a duration is required it must be.
struct number_literal : seq<number_token, opt<duration_unit>, must<no_glued_word>> {};
struct duration : seq<number_token, sor<duration_unit, seq<must<no_stray_word>, tao::pegtl::raise<duration_unit>>>, must<no_glued_word>> {};

struct expression;
struct hole_open : two<'{'> {};
struct hole_close : two<'}'> {};
struct raw_hole_open : three<'{'> {};
struct raw_hole_close : three<'}'> {};
struct hole_expression : seq<expression> {};
struct raw_hole : seq<raw_hole_open, sep, must<hole_expression>, sep, must<raw_hole_close>> {};
struct plain_hole : seq<hole_open, sep, must<hole_expression>, sep, must<hole_close>> {};
struct hole : sor<raw_hole, plain_hole> {};

// A bad escape or a byte that is not UTF-8 is reported but does not end the string.
struct escape_simple : one<'"', '\\', 'n', 't', 'r', '{'> {};
struct escape_unicode : seq<one<'u'>, one<'{'>, rep_min_max<1, 8, xdigit>, one<'}'>> {};
struct escape_invalid : opt<utf8::not_one<'\n', '\r'>> {};
struct escape : seq<one<'\\'>, sor<escape_simple, escape_unicode, escape_invalid>> {};
struct invalid_byte : not_one<'"', '\\', '\n', '\r'> {};

struct short_open : one<'"'> {};
struct short_close : one<'"'> {};
struct short_char : utf8::not_one<'"', '\\', '\n', '\r'> {};
// Printable ASCII but `"`, `\` and `{`: most of a string, taken as one run so that its
// action appends the run at once instead of character by character.
struct short_run : plus<ranges<' ', '!', '#', '[', ']', 'z', '|', '~'>> {};
struct short_string : seq<short_open, star<sor<short_run, hole, escape, short_char, invalid_byte>>, must<short_close>> {};

struct long_open : three<'"'> {};
struct long_close : three<'"'> {};
struct long_char : seq<not_at<long_close>, utf8::not_one<'\\'>> {};
struct long_string : seq<long_open, opt<opt<one<'\r'>>, one<'\n'>>, star<sor<hole, escape, long_char, invalid_byte>>,
                         must<long_close>> {};

struct string_literal : sor<long_string, short_string> {};

// ---- 3. Expressions ------------------------------------------------------------------
// Tightest first: primary, postfix (.field, [index]), unary -, and then the binary
// operators and `not` as one chain (below), whose precedence the Builder resolves.

struct paren_expression : seq<expression> {};
struct paren_close : one<')'> {};
struct paren : seq<one<'('>, sep, must<paren_expression>, sep, must<paren_close>> {};

struct list_open : one<'['> {};
struct list_item : seq<expression> {};
struct list_next : sor<one<','>, at<one<']'>>> {};
struct list : seq<list_open, sep, until<one<']'>, must<list_item>, sep, must<list_next>, sep>> {};

struct object_open : one<'{'> {};
struct object_key_word : seq<word> {};
struct object_key_string : seq<string_literal> {};
struct object_key : sor<object_key_word, object_key_string> {};
struct object_colon : one<':'> {};
struct object_value : seq<expression> {};
struct object_next : sor<one<','>, at<one<'}'>>> {};
struct object : seq<object_open, sep,
                    until<one<'}'>, must<object_key>, sep, must<object_colon>, sep, must<object_value>, sep,
                          must<object_next>, sep>> {};

struct true_literal : kw_true {};
struct false_literal : kw_false {};
struct null_literal : kw_null {};
struct contact_variable : kw_contact {};

// A name is a call when `(` follows, else a variable.
struct arguments_open : one<'('> {};
struct argument : seq<expression> {};
struct argument_next : sor<one<','>, at<one<')'>>> {};
struct arguments : seq<sep, arguments_open, sep, until<one<')'>, must<argument>, sep, must<argument_next>, sep>> {};
struct as_variable : success {};
struct name_expression : seq<ident, sor<arguments, as_variable>> {};

template <> struct can_start<paren> { static constexpr bool test(char c) { return c == '('; } };
template <> struct can_start<list> { static constexpr bool test(char c) { return c == '['; } };
template <> struct can_start<object> { static constexpr bool test(char c) { return c == '{'; } };
template <> struct can_start<string_literal> { static constexpr bool test(char c) { return c == '"'; } };
template <> struct can_start<number_literal> { static constexpr bool test(char c) { return c >= '0' && c <= '9'; } };
template <> struct can_start<true_literal> { static constexpr bool test(char c) { return c == 't'; } };
template <> struct can_start<false_literal> { static constexpr bool test(char c) { return c == 'f'; } };
template <> struct can_start<null_literal> { static constexpr bool test(char c) { return c == 'n'; } };
template <> struct can_start<contact_variable> { static constexpr bool test(char c) { return c == 'c'; } };
template <> struct can_start<name_expression> { static constexpr bool test(char c) { return is_identifier_first(c); } };
struct primary : first_char_sor<paren, list, object, string_literal, number_literal, true_literal, false_literal,
                                null_literal, contact_variable, name_expression> {};

struct field_name : seq<word> {};
struct member : seq<sep, one<'.'>, sep, must<field_name>> {};
struct index_expression : seq<expression> {};
struct index_close : one<']'> {};
struct index : seq<sep, one<'['>, sep, must<index_expression>, sep, must<index_close>> {};
struct postfix : seq<primary, star<sor<member, index>>> {};

struct unary;
struct negated : nested<unary> {};
struct negation : seq<one<'-'>, sep, must<negated>> {};
template <> struct can_start<negation> { static constexpr bool test(char c) { return c == '-'; } };
struct unary : first_char_sor<negation, postfix> {};

// Binary operators and `not`, loosest first: or, and, not, comparison (one, not chained),
// ??, + -, * / %. The grammar reads a flat chain `operand (operator operand)*`; the
// Builder resolves precedence as each operator arrives (parser.cpp, push_operator): one
// rule per level would walk every operand through all nine of them.
struct op_or : kw_or {};
struct op_and : kw_and {};
struct in_after_not : kw_in {};
struct op_eq : two<'='> {};
struct op_ne : string<'!', '='> {};
struct op_le : string<'<', '='> {};
struct op_lt : one<'<'> {};
struct op_ge : string<'>', '='> {};
struct op_gt : one<'>'> {};
struct op_in : kw_in {};
struct op_not_in : seq<kw_not, sep, must<in_after_not>> {};
struct comparison_op : sor<op_eq, op_ne, op_le, op_lt, op_ge, op_gt, op_in, op_not_in> {};
struct op_coalesce : two<'?'> {};
struct op_add : one<'+'> {};
struct op_sub : one<'-'> {};
struct op_mul : one<'*'> {};
struct op_div : seq<one<'/'>, not_at<one<'/'>>> {};
struct op_mod : one<'%'> {};
// After `and` / `or` an operand may start with `not`; after the tighter operators it
// may not (`a == not b` is an error, as `not` binds looser than `==`).
struct logical_op : sor<op_or, op_and> {};
struct tight_op : sor<comparison_op, op_coalesce, op_add, op_sub, op_mul, op_div, op_mod> {};

// `not` is read as a prefix here; the Builder applies it once the operators after its
// operand show how far it reaches (`not a == b` is `not (a == b)`).
struct not_start : kw_not {};
struct operand;
struct not_operand : nested<operand> {};
struct negation_not : seq<not_start, sep, must<not_operand>> {};
template <> struct can_start<negation_not> { static constexpr bool test(char c) { return c == 'n'; } };
struct operand : first_char_sor<negation_not, unary> {};

template <typename Operand>
struct operand_after : seq<Operand> {};
template <typename Op, typename Operand>
struct infix : seq<Op, sep, must<operand_after<Operand>>> {};
// Every operator starts with one of these characters; after most operands none follows
// (`)`, `{`, `,`, a new line), and the sixteen operator rules are not tried.
struct operator_first : one<'o', 'a', 'n', 'i', '=', '!', '<', '>', '?', '+', '-', '*', '/', '%'> {};
struct binary_step : seq<sep, at<operator_first>, sor<infix<logical_op, operand>, infix<tight_op, unary>>> {};
// A second comparison in one chain (`a < b < c`) is reported by the Builder when its
// operator arrives, with this rule's message.
struct no_chained_comparison {};
struct operator_chain : seq<operand, star<binary_step>> {};

struct expression : nested<chain<operator_chain>> {};

// ---- 4. Statements and blocks ------------------------------------------------------

// A braced list of items, ended by `}`; a top-level keyword or the end of the file
// before the `}` means the `}` is missing.
struct lbrace : one<'{'> {};
struct rbrace : one<'}'> {};
struct block_continues : not_at<sor<eof, kw_template, kw_workflow>> {};
template <typename Item>
struct braced_items : until<rbrace, must<block_continues>, Item, sep> {};
template <typename Item>
struct braced : seq<lbrace, sep, braced_items<Item>> {};

struct statement;
struct statements : braced_items<recover<must<statement>, line_sync>> {};
struct block : nested<seq<lbrace, sep, statements>> {};

struct template_ref : seq<ident> {};
struct send_stmt : seq<kw_send, sep, must<template_ref>> {};

struct delay_duration : seq<duration> {};
struct delay_stmt : seq<kw_delay, sep, must<delay_duration>> {};

struct wait_start : kw_wait {};
struct for_after_wait : kw_for {};
struct event_name : seq<string_literal> {};
struct within_after_event : kw_within {};
struct within_duration : seq<duration> {};
struct received_start : kw_received {};
struct received_block : seq<block> {};
struct timeout_start : kw_timeout {};
struct timeout_block : seq<block> {};
struct wait_branch : sor<seq<received_start, sep, must<received_block>>, seq<timeout_start, sep, must<timeout_block>>> {};
struct wait_stmt : seq<wait_start, sep, must<for_after_wait>, sep, must<event_name>, sep, must<within_after_event>, sep,
                       must<within_duration>, opt<sep, braced<must<wait_branch>>>> {};

struct if_start : kw_if {};
struct if_condition : seq<expression> {};
struct no_assignment : not_at<one<'='>, not_at<one<'='>>> {};
struct then_block : seq<block> {};
struct condition_and_block : seq<sep, must<if_condition>, sep, must<no_assignment>, must<then_block>> {};
struct else_start : kw_else {};
struct else_if_start : kw_if {};
struct else_if : seq<sep, else_start, sep, else_if_start, condition_and_block> {};
struct else_block : seq<block> {};
struct else_clause : seq<sep, else_start, sep, must<else_block>> {};
struct if_stmt : seq<if_start, condition_and_block, star<else_if>, opt<else_clause>> {};

struct webhook_start : kw_webhook {};
struct http_method : sor<TAO_PEGTL_KEYWORD("get"), TAO_PEGTL_KEYWORD("post"), TAO_PEGTL_KEYWORD("put"),
                         TAO_PEGTL_KEYWORD("patch"), TAO_PEGTL_KEYWORD("delete")> {};
struct webhook_url : seq<expression> {};
struct headers_value : seq<object> {};
struct body_value : seq<expression> {};
struct timeout_value : seq<duration> {};
struct retries_value : seq<number_literal> {};
template <typename Key, typename Value>
struct option : seq<Key, sep, must<Value>> {};
struct webhook_option : sor<option<TAO_PEGTL_KEYWORD("headers"), headers_value>, option<TAO_PEGTL_KEYWORD("body"), body_value>,
                            option<kw_timeout, timeout_value>, option<TAO_PEGTL_KEYWORD("retries"), retries_value>> {};
struct webhook_stmt : seq<webhook_start, sep, must<http_method>, sep, must<webhook_url>,
                          opt<sep, braced<must<webhook_option>>>> {};

struct contact_after_update : kw_contact {};
struct update_fields : seq<object> {};
struct update_stmt : seq<kw_update, sep, must<contact_after_update>, sep, must<update_fields>> {};

struct no_reason : success {};
struct exit_stmt : seq<kw_exit, sor<seq<sep, string_literal>, no_reason>> {};

struct assign_op : seq<one<'='>, not_at<one<'='>>> {};
struct let_name : seq<ident> {};
struct let_equals : seq<assign_op> {};
struct assigned_value : seq<expression> {};
struct let_stmt : seq<kw_let, sep, must<let_name>, sep, must<let_equals>, sep, must<assigned_value>> {};
struct assign_stmt : seq<ident, sep, assign_op, sep, must<assigned_value>> {};

struct label_name : seq<ident> {};
struct label_stmt : seq<kw_label, sep, must<label_name>> {};
struct goto_target : seq<ident> {};
struct goto_stmt : seq<kw_goto, sep, must<goto_target>> {};

// ---- 5. Settings, templates, workflows -------------------------------------------

// `key value`; `name = …` is an assignment, not the `name` setting.
template <typename Word>
struct setting_key : seq<Word, not_at<sep, assign_op>> {};
template <typename Key, typename Value>
struct setting : seq<setting_key<Key>, sep, must<Value>> {};
template <typename Key>
struct string_value : seq<string_literal> {};

struct key_type : TAO_PEGTL_KEYWORD("type") {};
struct key_subject : TAO_PEGTL_KEYWORD("subject") {};
struct key_from : TAO_PEGTL_KEYWORD("from") {};
struct key_reply_to : TAO_PEGTL_KEYWORD("reply_to") {};
struct key_html : TAO_PEGTL_KEYWORD("html") {};
struct key_text : TAO_PEGTL_KEYWORD("text") {};
struct key_name : TAO_PEGTL_KEYWORD("name") {};
struct key_description : TAO_PEGTL_KEYWORD("description") {};
struct key_reentry : TAO_PEGTL_KEYWORD("reentry") {};
struct key_enabled : TAO_PEGTL_KEYWORD("enabled") {};

// Words such as `marketing` become Variable expressions; the compiler gives them meaning.
struct template_type : sor<TAO_PEGTL_KEYWORD("marketing"), TAO_PEGTL_KEYWORD("transactional"), TAO_PEGTL_KEYWORD("headless")> {};
struct reentry_value : sor<TAO_PEGTL_KEYWORD("never"), TAO_PEGTL_KEYWORD("allowed")> {};
struct enabled_value : sor<true_literal, false_literal> {};
struct file_path : seq<string_literal> {};
struct file_ref : seq<kw_file, sep, must<file_path>> {};
template <typename Key>
struct body_source : sor<file_ref, string_literal> {};

struct template_setting : sor<setting<key_type, template_type>, setting<key_subject, string_value<key_subject>>,
                              setting<key_from, string_value<key_from>>, setting<key_reply_to, string_value<key_reply_to>>,
                              setting<key_html, body_source<key_html>>, setting<key_text, body_source<key_text>>> {};
struct workflow_setting_key : sor<setting_key<key_name>, setting_key<key_description>, setting_key<key_reentry>,
                                  setting_key<key_enabled>> {};
struct workflow_setting : sor<setting<key_name, string_value<key_name>>, setting<key_description, string_value<key_description>>,
                              setting<key_reentry, reentry_value>, setting<key_enabled, enabled_value>> {};
// A setting among the statements: the workflow's settings come first.
struct misplaced_setting : seq<at<workflow_setting_key>, tao::pegtl::raise<misplaced_setting>> {};

template <> struct can_start<send_stmt> { static constexpr bool test(char c) { return c == 's'; } };
template <> struct can_start<delay_stmt> { static constexpr bool test(char c) { return c == 'd'; } };
template <> struct can_start<wait_stmt> { static constexpr bool test(char c) { return c == 'w'; } };
template <> struct can_start<if_stmt> { static constexpr bool test(char c) { return c == 'i'; } };
template <> struct can_start<webhook_stmt> { static constexpr bool test(char c) { return c == 'w'; } };
template <> struct can_start<update_stmt> { static constexpr bool test(char c) { return c == 'u'; } };
template <> struct can_start<exit_stmt> { static constexpr bool test(char c) { return c == 'e'; } };
template <> struct can_start<let_stmt> { static constexpr bool test(char c) { return c == 'l'; } };
template <> struct can_start<label_stmt> { static constexpr bool test(char c) { return c == 'l'; } };
template <> struct can_start<goto_stmt> { static constexpr bool test(char c) { return c == 'g'; } };
// name, description, reentry, enabled
template <> struct can_start<misplaced_setting> {
  static constexpr bool test(char c) { return c == 'n' || c == 'd' || c == 'r' || c == 'e'; }
};
template <> struct can_start<assign_stmt> { static constexpr bool test(char c) { return is_identifier_first(c); } };
// Dispatched on the first character (first_char_sor): a statement tries only the rules
// that begin with its first letter, then assignment.
struct statement : first_char_sor<send_stmt, delay_stmt, wait_stmt, if_stmt, webhook_stmt, update_stmt, exit_stmt, let_stmt,
                                  label_stmt, goto_stmt, misplaced_setting, assign_stmt> {};

struct template_start : kw_template {};
struct template_name : seq<ident> {};
struct template_body : braced<recover<must<template_setting>, line_sync>> {};
struct template_item : seq<template_start, sep, must<template_name>, sep, must<template_body>> {};

struct workflow_start : kw_workflow {};
struct workflow_name : seq<ident> {};
struct trigger : seq<string_literal> {};
struct workflow_body : seq<lbrace, sep, star<recover<workflow_setting, line_sync>, sep>, statements> {};
struct workflow_item : seq<workflow_start, sep, must<workflow_name>, sep, opt<kw_on, sep, must<trigger>, sep>,
                           must<workflow_body>> {};

// ---- 6. Entry points -----------------------------------------------------------------

struct item : sor<template_item, workflow_item> {};
struct file : seq<sep, until<eof, recover<must<item>, item_sync>, sep>> {};

struct end_of_expression : eof {};
struct expression_text : seq<sep, must<expression>, sep, must<end_of_expression>> {};

// An HTML or text template file: literal bytes and holes; `\{` writes `{`.
struct text_escape : seq<one<'\\'>, one<'{'>> {};
struct text_char : any {};
struct template_text : seq<star<sor<recover<hole, hole_sync>, text_escape, text_char>>, eof> {};

// ---- 7. Error messages ---------------------------------------------------------------
// Lower-case, no trailing period, saying what was expected where the mistake is. Three
// placeholders are filled in from the parse: {op} the binary operator just read, {word}
// the word at the error (the error then points at it), {block} the construct whose `{`
// is open (a note then points at that `{`).

template <typename>
inline constexpr const char* error_message = nullptr;

#define FLOW_UNIT_HINT "use s, m, h, d, w or seconds, minutes, hours, days, weeks"
template <> inline constexpr auto error_message<no_glued_word> = "unknown duration unit `{word}`; " FLOW_UNIT_HINT;
template <> inline constexpr auto error_message<no_stray_word> = "unknown duration unit `{word}`; " FLOW_UNIT_HINT;
template <> inline constexpr auto error_message<duration_unit> = "expected a duration unit after the number; " FLOW_UNIT_HINT;
#undef FLOW_UNIT_HINT

template <> inline constexpr auto error_message<hole_expression> = "expected an expression in the `{{ }}` hole";
template <> inline constexpr auto error_message<hole_close> = "expected `}}` to close the `{{` hole";
template <> inline constexpr auto error_message<raw_hole_close> = "expected `}}}` to close the `{{{` hole";
template <> inline constexpr auto error_message<short_close> = "unterminated string";
template <> inline constexpr auto error_message<long_close> = "unterminated string: expected `\"\"\"` to close it";

template <> inline constexpr auto error_message<expression> = "expected an expression";
template <> inline constexpr auto error_message<end_of_expression> = "unexpected text after the expression";
template <> inline constexpr auto error_message<paren_expression> = "expected an expression after `(`";
template <> inline constexpr auto error_message<paren_close> = "expected `)` to close `(`";
template <> inline constexpr auto error_message<list_item> = "expected a list item or `]`";
template <> inline constexpr auto error_message<list_next> = "expected `,` or `]` in the list";
template <> inline constexpr auto error_message<object_key> = "expected a key (a name or a string) or `}` in the object";
template <> inline constexpr auto error_message<object_colon> = "expected `:` after the key";
template <> inline constexpr auto error_message<object_value> = "expected a value after `:`";
template <> inline constexpr auto error_message<object_next> = "expected `,` or `}` in the object";
template <> inline constexpr auto error_message<argument> = "expected an argument or `)`";
template <> inline constexpr auto error_message<argument_next> = "expected `,` or `)` after the argument";
template <> inline constexpr auto error_message<field_name> = "expected a field name after `.`";
template <> inline constexpr auto error_message<index_expression> = "expected an index after `[`";
template <> inline constexpr auto error_message<index_close> = "expected `]` to close `[`";
template <> inline constexpr auto error_message<negated> = "expected an expression after `-`";
template <typename Operand>
inline constexpr auto error_message<operand_after<Operand>> = "expected an expression after `{op}`";
template <> inline constexpr auto error_message<in_after_not> = "expected `in` after `not` (`b not in a`)";
template <> inline constexpr auto error_message<no_chained_comparison> = "comparisons cannot be chained; join them with `and`";
template <> inline constexpr auto error_message<not_operand> = "expected an expression after `not`";

template <> inline constexpr auto error_message<block_continues> = "expected `}` to close the block of {block}";
template <> inline constexpr auto error_message<statement> =
    "expected a statement: send, delay, wait, if, webhook, update, exit, let, label, goto or `name = value`";
template <> inline constexpr auto error_message<template_ref> = "expected a template name after `send`";
template <> inline constexpr auto error_message<delay_duration> = "expected a duration such as `1 day` or `30m` after `delay`";
template <> inline constexpr auto error_message<for_after_wait> = "expected `for` after `wait`";
template <> inline constexpr auto error_message<event_name> = "expected the event name as a string after `wait for`";
template <> inline constexpr auto error_message<within_after_event> = "expected `within` and a duration after the event name";
template <> inline constexpr auto error_message<within_duration> = "expected a duration such as `3 days` after `within`";
template <> inline constexpr auto error_message<received_block> = "expected `{` after `received`";
template <> inline constexpr auto error_message<timeout_block> = "expected `{` after `timeout`";
template <> inline constexpr auto error_message<wait_branch> = "expected `received { … }` or `timeout { … }` in the block of `wait for`";
template <> inline constexpr auto error_message<if_condition> = "expected a condition after `if`";
template <> inline constexpr auto error_message<no_assignment> = "`=` assigns; use `==` to compare";
template <> inline constexpr auto error_message<then_block> = "expected `{` after the condition";
template <> inline constexpr auto error_message<else_block> = "expected `{` or `if` after `else`";
template <> inline constexpr auto error_message<http_method> = "expected an HTTP method after `webhook`: get, post, put, patch or delete";
template <> inline constexpr auto error_message<webhook_url> = "expected the URL after the HTTP method";
template <> inline constexpr auto error_message<headers_value> = "expected an object such as `{ \"X-Key\": \"…\" }` after `headers`";
template <> inline constexpr auto error_message<body_value> = "expected a value after `body`";
template <> inline constexpr auto error_message<timeout_value> = "expected a duration such as `10s` after `timeout`";
template <> inline constexpr auto error_message<retries_value> = "expected a number after `retries`";
template <> inline constexpr auto error_message<webhook_option> = "expected a webhook option: headers, body, timeout or retries";
template <> inline constexpr auto error_message<contact_after_update> = "expected `contact` after `update`";
template <> inline constexpr auto error_message<update_fields> = "expected `{ field: value, … }` after `update contact`";
template <> inline constexpr auto error_message<let_name> = "expected a name after `let`";
template <> inline constexpr auto error_message<let_equals> = "expected `=` after the name of the `let`";
template <> inline constexpr auto error_message<assigned_value> = "expected a value after `=`";
template <> inline constexpr auto error_message<label_name> = "expected a label name after `label`";
template <> inline constexpr auto error_message<goto_target> = "expected a label name after `goto`";
template <> inline constexpr auto error_message<misplaced_setting> = "workflow settings come first: move this setting above the first statement";

template <> inline constexpr auto error_message<template_type> = "expected `marketing`, `transactional` or `headless` after `type`";
template <> inline constexpr auto error_message<string_value<key_subject>> = "expected a string after `subject`";
template <> inline constexpr auto error_message<string_value<key_from>> = "expected a string after `from`";
template <> inline constexpr auto error_message<string_value<key_reply_to>> = "expected a string after `reply_to`";
template <> inline constexpr auto error_message<string_value<key_name>> = "expected a string after `name`";
template <> inline constexpr auto error_message<string_value<key_description>> = "expected a string after `description`";
template <> inline constexpr auto error_message<body_source<key_html>> = "expected a string or `file \"path\"` after `html`";
template <> inline constexpr auto error_message<body_source<key_text>> = "expected a string or `file \"path\"` after `text`";
template <> inline constexpr auto error_message<file_path> = "expected the path as a string after `file`";
template <> inline constexpr auto error_message<reentry_value> = "expected `never` or `allowed` after `reentry`";
template <> inline constexpr auto error_message<enabled_value> = "expected `true` or `false` after `enabled`";
template <> inline constexpr auto error_message<template_setting> =
    "expected a template setting: type, subject, from, reply_to, html or text";
template <> inline constexpr auto error_message<template_name> = "expected a template name after `template`";
template <> inline constexpr auto error_message<template_body> = "expected `{` after the template name";
template <> inline constexpr auto error_message<workflow_name> = "expected a workflow name after `workflow`";
template <> inline constexpr auto error_message<trigger> = "expected the trigger event as a string after `on`";
template <> inline constexpr auto error_message<workflow_body> = "expected `on \"event\"` or `{` after the workflow name";
template <> inline constexpr auto error_message<item> = "expected `template` or `workflow`";

// Errors that point at the opening quote of the string rather than where it stopped.
template <typename Rule>
inline constexpr bool points_at_string_start = false;
template <> inline constexpr bool points_at_string_start<short_close> = true;
template <> inline constexpr bool points_at_string_start<long_close> = true;

// An unclosed block is noticed only at the next item or at the end of the file: the
// error ends the item instead of being recovered inside it (which would report every
// enclosing block again).
template <typename Rule>
inline constexpr bool abandons_item = std::is_same_v<Rule, block_continues>;

}  // namespace flow::grammar::rules

namespace tao::pegtl {

// Consumes at least one character, like the word it reads.
template <typename Name>
struct analyze_traits<Name, flow::grammar::rules::ident> : analyze_any_traits<> {};

template <typename Name, typename Rule>
struct analyze_traits<Name, flow::grammar::rules::nested<Rule>> : analyze_seq_traits<Rule> {};

template <typename Name, typename Rule>
struct analyze_traits<Name, flow::grammar::rules::chain<Rule>> : analyze_seq_traits<Rule> {};

template <typename Name, typename... Rules>
struct analyze_traits<Name, flow::grammar::rules::first_char_sor<Rules...>> : analyze_sor_traits<Rules...> {};

// Consumes what Rule consumes; after an error it always skips forward.
template <typename Name, typename Rule, typename Sync>
struct analyze_traits<Name, flow::grammar::rules::recover<Rule, Sync>> : analyze_seq_traits<Rule> {};

}  // namespace tao::pegtl
