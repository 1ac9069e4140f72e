import os
import sys

# Import the package from this source tree (it finds libAttnC.so in the build
# tree) unless ATTN_TEST_INSTALLED asks for the installed one.
if not os.environ.get("ATTN_TEST_INSTALLED"):
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
