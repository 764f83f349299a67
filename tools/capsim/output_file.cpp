#include "tools/capsim/output_file.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <system_error>

namespace capsim::cli {

bool write_output(const std::string& path, const std::string& content) {
  if (path.empty() || path == "-") {
    std::cout << content << std::flush;
    return true;
  }
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
      std::cerr << "capsim: cannot write " << path << '\n';
      std::remove(temporary.c_str());
      return false;
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::cerr << "capsim: cannot write " << path << ": " << error.message() << '\n';
    std::remove(temporary.c_str());
    return false;
  }
  return true;
}

}  // namespace capsim::cli
