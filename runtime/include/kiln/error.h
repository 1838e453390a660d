//===- error.h - The runtime's single exception type ----------------------===//
//
// Every runtime failure (bad input file, invalid manifest, I/O error) is a
// kiln::Error whose message names the place: the file, line, index or tensor.
// The CLI turns it into `error: <message>` and exit status 1.
//
#ifndef KILN_ERROR_H
#define KILN_ERROR_H

#include <stdexcept>

namespace kiln {

class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

} // namespace kiln

#endif // KILN_ERROR_H
