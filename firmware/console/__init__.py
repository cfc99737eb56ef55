"""The serial console: login, accounts and roles, a line editor, the session serving the
e1desk command tree on a pyserial port (``firmware.console.server.serve_console``)."""
