//===- csv_test.cpp - CSV datasets ----------------------------------------===//
#include "kiln/dataset.h"
#include "kiln/manifest.h"
#include "test_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kiln {
namespace {

using test::errorOf;
using testing::ElementsAre;
using testing::HasSubstr;

const Manifest &classifier() {
  static const Manifest manifest = parseManifest(test::classifierManifest());
  return manifest;
}

const Manifest &regressor() {
  static const Manifest manifest = parseManifest(test::regressorApi.manifest());
  return manifest;
}

std::string csvError(const std::string &text, const Manifest &manifest) {
  test::TempDir dir;
  test::writeFile(dir.path("d.csv"), text);
  return errorOf([&] { loadCsv(dir.path("d.csv"), manifest); });
}

TEST(Csv, ParsesWithAndWithoutHeader) {
  test::TempDir dir;
  test::writeFile(dir.path("h.csv"), "a,b,c,d,label\n1,2,3,4,0\r\n\n"
                                     "5, 6 ,7,+8e0,2\n");
  test::writeFile(dir.path("n.csv"), "1,2,3,4,0\n5,6,7,8,2");
  // A byte order mark is not part of the first cell.
  test::writeFile(dir.path("bom.csv"), "\xEF\xBB\xBF" "1,2,3,4,0\n5,6,7,8,2");
  test::writeFile(dir.path("bom-h.csv"), "\xEF\xBB\xBF" "a,b,c,d,label\n1,2,3,4,0\n5,6,7,8,2");
  // pandas' default column names: numbers that count the columns.
  test::writeFile(dir.path("pandas.csv"), "0,1,2,3,label\n1,2,3,4,0\n5,6,7,8,2");
  test::writeFile(dir.path("pandas1.csv"), "1,2,3,4,y\n1,2,3,4,0\n5,6,7,8,2");
  for (const char *name : {"h.csv", "n.csv", "bom.csv", "bom-h.csv", "pandas.csv",
                           "pandas1.csv"}) {
    Dataset data = loadCsv(dir.path(name), classifier());
    EXPECT_EQ(data.numSamples, 2) << name;
    EXPECT_THAT(data.inputs, ElementsAre(1, 2, 3, 4, 5, 6, 7, 8)) << name;
    EXPECT_THAT(data.labels, ElementsAre(0, 2)) << name;
  }
}

TEST(Csv, RegressionTakesTheLastColumnsAsTargets) {
  test::TempDir dir;
  test::writeFile(dir.path("r.csv"), "1,2,3,0.5,-1.5\n4,5,6,7,8\n");
  Dataset data = loadCsv(dir.path("r.csv"), regressor());
  EXPECT_FALSE(data.hasLabels());
  EXPECT_EQ(data.targetSize, 2);
  EXPECT_THAT(data.targets, ElementsAre(0.5f, -1.5f, 7, 8));
  EXPECT_THAT(data.inputs, ElementsAre(1, 2, 3, 4, 5, 6));
}

TEST(Csv, ErrorsNameLineAndColumn) {
  EXPECT_THAT(csvError("1,2,3,4,0\n1,x2,3,4,0\n", classifier()),
              HasSubstr("d.csv line 2, column 2: 'x2' is not a number"));
  EXPECT_THAT(csvError("1,2,3,4,3\n", classifier()),
              HasSubstr("line 1, column 5: label 3 is out of range [0, 3)"));
  EXPECT_THAT(csvError("1,2,3,4,-1\n", classifier()),
              HasSubstr("label -1 is out of range"));
  EXPECT_THAT(csvError("1,2,3,4,1.5\n", classifier()),
              HasSubstr("label 1.5 is not an integer"));
  EXPECT_THAT(csvError("1,2,3,4,0\n1,2,3,0\n", classifier()),
              HasSubstr("line 2: expected 5 columns (4 inputs + 1 label), "
                        "got 4"));
  EXPECT_THAT(csvError("1,2,3,4\n", regressor()),
              HasSubstr("expected 5 columns (3 inputs + 2 targets)"));
  // A typo or a NUL in a first data row is an error, not a header that
  // silently drops the sample (issue 11, item 8).
  EXPECT_THAT(csvError("0,0,12,2x,1\n5,6,7,8,2\n", classifier()),
              HasSubstr("line 1, column 4: '2x' is not a number"));
  EXPECT_THAT(csvError("1,2,3x,4,0\n5,6,7,8,2\n", classifier()),
              HasSubstr("line 1, column 3: '3x' is not a number (the first row "
                        "is read as data"));
  EXPECT_THAT(csvError(std::string("1,2,\0,4,0\n5,6,7,8,2\n", 20), classifier()),
              HasSubstr("line 1, column 3: '"));
  EXPECT_THAT(csvError(std::string("a,b,\0,d,label\n5,6,7,8,2\n", 24), classifier()),
              HasSubstr("line 1, column 3: the header holds a control character "
                        "(byte 0x00)"));
  EXPECT_THAT(csvError("a,b\n", classifier()),
              HasSubstr("the header has 2 columns, expected 5"));
  EXPECT_THAT(csvError("a,b,c,d,e\n\n", classifier()),
              HasSubstr("no data rows"));
  EXPECT_THAT(csvError("1,2,3,4,0\n1,2,nan,4,0\n", classifier()),
              HasSubstr("'nan' is not a number"));
  // Beyond float's range: it would be inf in training (issue 11, item 1).
  EXPECT_THAT(csvError("1,2,3,4,0\n1,2,1e39,4,0\n", classifier()),
              HasSubstr("line 2, column 3: '1e39' is not a number"));
  EXPECT_THAT(csvError("1,2,3,4,0\n1,2,3,-3.5e38,0\n", classifier()),
              HasSubstr("'-3.5e38' is not a number"));
}

TEST(Csv, DirectoryWithTrainAndTest) {
  test::TempDir dir;
  test::writeFile(dir.path("train.csv"), test::classifierCsv(20, 1, true));
  test::writeFile(dir.path("test.csv"), test::classifierCsv(5, 2, false));
  DataSplits splits = loadData(dir.getPath(), classifier());
  EXPECT_EQ(splits.train.numSamples, 20);
  ASSERT_TRUE(splits.test.has_value());
  EXPECT_EQ(splits.test->numSamples, 5);

  DataSplits single = loadData(dir.path("train.csv"), classifier());
  EXPECT_EQ(single.train.numSamples, 20);
  EXPECT_FALSE(single.test.has_value());
  EXPECT_EQ(loadTestData(dir.path("test.csv"), classifier()).numSamples, 5);
}

} // namespace
} // namespace kiln
