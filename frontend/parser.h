// The condition parser: text -> AST, recursive descent with a depth cap.
//
// Grammar (blanks are space, \t, \b, \r, \n and separate tokens):
//
//   Expr        ::= Or
//   Or          ::= And ('or' And)*            `and`/`or` must be followed by a blank or '('
//   And         ::= Not ('and' Not)*
//   Not         ::= 'not' Not | Primary        `not` must be followed by a blank or '('
//   Primary     ::= '(' Expr ')' | Check | MacroName
//   Check       ::= Lhs 'exists'
//                 | Lhs NumOp Rhs                         NumOp  ::= < <= > >=
//                 | Lhs StrOp Rhs                         StrOp  ::= = == != contains icontains
//                 | Lhs StrOp ListMod List                  bcontains startswith bstartswith
//                 | Lhs ListOp (List | Transformed)         endswith glob iglob regex
//                                                         ListOp ::= in intersects pmatch
//                                                         ListMod::= oneof anyof allof
//   Lhs         ::= Field | Transformed
//   Rhs         ::= 'val(' Field ')' | Transformed | Value
//   Transformed ::= TName '(' Arg (',' Arg)* ')' ('[' Selector ']')?     no blank before '('
//   Arg         ::= Field | Transformed | Quoted | Number | '(' (Arg (',' Arg)*)? ')'
//   List        ::= '(' (Value (',' Value)*)? ')'
//   Value       ::= Quoted | Bare
//   Field       ::= Name ('.' Name)+ ('[' (Quoted | [^][\"'blanks]+) ']')?
//   Name        ::= [A-Za-z][A-Za-z0-9_]*
//   MacroName   ::= [A-Za-z][A-Za-z0-9_]*            (no dot: a dotted name is a field)
//   Bare        ::= [^()"'=,blanks]+
//   Quoted      ::= '"' ... '"' | "'" ... "'"    escapes: \b \f \n \r \t \\ \/ and the
//                                                   delimiter itself (\" in "", \' in '')
//
// A bare value is never a field: in `proc.pname = beam.smp` the right side is the string
// "beam.smp". Only `val(...)` or a transformer makes the right side a field.
#pragma once

#include "frontend/ast.h"
#include "frontend/source.h"

#include <string>
#include <vector>

namespace saker {

// A condition as text plus, for every byte, where it came from in a rules file. Text built by
// list substitution and exception expansion keeps pointing at the source that produced it.
struct MappedText {
    std::string text;
    std::vector<SourceLoc> origin; // origin.size() == text.size()
    SourceLoc anchor;              // where the text starts in its file (used when it is empty)

    void append(std::string_view s, SourceLoc loc);
    void append(const MappedText& other);
    SourceLoc loc_at(size_t offset) const;
};

constexpr int kMaxConditionDepth = 200;

// Parses a condition. On error, reports to `diags` (with the location of the offending token)
// and returns nullptr.
ast::ExprPtr parse_condition(const MappedText& text, Diagnostics& diags);

} // namespace saker
