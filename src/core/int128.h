// File: core/int128.h
//
// A 128-bit integer for exact intermediate products in money arithmetic (amount x weight
// never overflows). GCC/Clang builtin; __extension__ keeps -Wpedantic quiet.
#pragma once

namespace cse {
__extension__ typedef __int128 Int128;
}  // namespace cse
