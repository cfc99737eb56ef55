"""cffi API-mode builder for the DAHDI backend's C helper (placeholder until the backend lands)."""
from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("int e1desk_dahdi_abi_version(void);")
ffibuilder.set_source("drivers.dahdi._dahdi", "static int e1desk_dahdi_abi_version(void) { return 0; }")

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
