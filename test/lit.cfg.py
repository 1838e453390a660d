# lit configuration for Kiln's IR tests.
import os
import lit.formats
from lit.llvm import llvm_config

config.name = "Kiln"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".json"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt", "unit", "e2e", "Inputs"]
config.test_source_root = os.path.dirname(__file__)

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(
    ["kiln-opt", "kiln-translate", "kilnc", "FileCheck", "not", "split-file"],
    [config.kiln_tools_dir, config.llvm_tools_dir])
config.substitutions.append(("%examples", os.path.join(config.kiln_src_root, "examples")))
config.substitutions.append(("%mlir_c_runner_utils",
                             os.path.join(config.llvm_lib_dir, "libmlir_c_runner_utils.so")))
llvm_config.add_tool_substitutions(["mlir-cpu-runner"], [config.llvm_tools_dir])
# The test command installs valgrind; an ASan build (KILN_SANITIZE) cannot run under it.
if not os.environ.get("KILN_SANITIZE"):
    config.available_features.add("valgrind")
