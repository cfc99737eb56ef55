"""Build hook for the cffi API-mode extension modules (everything else is in pyproject.toml)."""
from setuptools import setup

# Each entry is "path/to/builder.py:ffibuilder"; each builder compiles one small C helper.
CFFI_MODULES = [
    "drivers/dahdi/_build.py:ffibuilder",
    "firmware/e1/_build.py:ffibuilder",
    "firmware/dsp/_build.py:ffibuilder",
]

setup(cffi_modules=CFFI_MODULES)
