// UTF-8 text from input (core/text.h) and input files (core/files.h).

#include "core/text.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "core/files.h"
#include "testing/scratch_dir.h"

namespace cse {
namespace {

TEST(TextTest, FindsTheFirstByteThatIsNotUtf8) {
  EXPECT_EQ(FirstInvalidUtf8("plain ascii"), 11u);
  EXPECT_EQ(FirstInvalidUtf8("Jos\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), 14u);  // é € 😀
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_EQ(FirstInvalidUtf8("ab\xFF"), 2u);            // never a UTF-8 byte
  EXPECT_EQ(FirstInvalidUtf8("a\x80"), 1u);             // a stray continuation byte
  EXPECT_EQ(FirstInvalidUtf8("a\xC3"), 1u);             // a sequence cut short
  EXPECT_EQ(FirstInvalidUtf8("\xC0\xAF"), 0u);          // an overlong '/'
  EXPECT_EQ(FirstInvalidUtf8("\xE0\x80\xAF"), 0u);      // an overlong three-byte form
  EXPECT_EQ(FirstInvalidUtf8("x\xED\xA0\x80"), 1u);     // a UTF-16 surrogate
  EXPECT_EQ(FirstInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(Utf8SequenceLength("\xE2\x82\xAC", 0), 3u);
}

TEST(TextTest, CountsCharactersNotBytes) {
  EXPECT_EQ(CharacterCount(""), 0);
  EXPECT_EQ(CharacterCount("abc"), 3);
  EXPECT_EQ(CharacterCount("\xC3\xA9\xC3\xA9"), 2);  // éé: 4 bytes
  EXPECT_EQ(CharacterCount("a\xFF"
                           "b"),
            3);  // an invalid byte counts as one
}

TEST(TextTest, BlankIsEmptyOrOnlyWhiteSpace) {
  EXPECT_TRUE(IsBlank(""));
  EXPECT_TRUE(IsBlank(" \t\r\n\v\f"));
  EXPECT_FALSE(IsBlank(" x "));
}

TEST(TextTest, TruncationNeverSplitsACharacter) {
  const std::string euro = "\xE2\x82\xAC";
  const std::string text = "ab" + euro + "cd";
  EXPECT_EQ(TruncateUtf8(text, 100), text);
  EXPECT_EQ(TruncateUtf8(text, 5), "ab" + euro);
  EXPECT_EQ(TruncateUtf8(text, 4), "ab");
  EXPECT_EQ(TruncateUtf8(text, 3), "ab");
  EXPECT_EQ(TruncateUtf8(text, 2), "ab");
  EXPECT_EQ(TruncateUtf8(text, 0), "");
  EXPECT_TRUE(IsValidUtf8(TruncateUtf8(std::string(198, 'a') + euro, 200)));
}

TEST(TextTest, AByteOrderMarkIsStrippedOnlyAtTheStart) {
  EXPECT_EQ(StripUtf8Bom("\xEF\xBB\xBFH|B1"), "H|B1");
  EXPECT_EQ(StripUtf8Bom("H|B1"), "H|B1");
  EXPECT_EQ(StripUtf8Bom("a\xEF\xBB\xBF"), "a\xEF\xBB\xBF");
  EXPECT_EQ(StripUtf8Bom("\xEF\xBB"), "\xEF\xBB");
}

TEST(FilesTest, AnInputFileIsARegularFileOrAPipe) {
  testing::ScratchDir dir{"files"};
  const std::string file = dir.path("payments.csv");
  std::ofstream(file) << "key,case_id,amount,date,source\n";
  EXPECT_TRUE(CheckInputFile(file).ok());
  const std::string fifo = dir.path("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_TRUE(CheckInputFile(fifo).ok());

  EXPECT_EQ(CheckInputFile(dir.path("missing.csv")).reason(), "file_not_found");
  EXPECT_EQ(CheckInputFile("").reason(), "file_not_found");
  const Status directory = CheckInputFile(dir.dir().string());
  EXPECT_EQ(directory.reason(), "file_not_regular");
  EXPECT_NE(directory.message().find("is a directory"), std::string::npos);
  EXPECT_EQ(CheckInputFile("/dev/zero").reason(), "file_not_regular");
}

}  // namespace
}  // namespace cse
