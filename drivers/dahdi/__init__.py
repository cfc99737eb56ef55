"""The DAHDI card backend: kernel DAHDI spans through cffi (span.DahdiSpan, address dahdi:N).

    dahdi_abi.h   our own definitions of the DAHDI ioctls and structs (facts of dahdi/user.h)
    dahdi_io.c    C helper: one call reads a block from every channel, one writes to each
    _build.py     cffi API-mode builder of drivers.dahdi._dahdi (compiled at install)
    span.py       DahdiSpan, the drivers.base.Span implementation
    emu/          userspace DAHDI emulation (LD_PRELOAD shim) for tests and peers like OpenR2
"""
