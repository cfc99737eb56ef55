"""The serial console driven through a pty pair, byte for byte, as a technician's terminal would."""
import json

from firmware.store.schema import parse_time


def audit_actions(store):
    return [(r["user"], r["action"]) for r in store.records("audit")]


def test_first_boot_forces_the_admin_password(console, store):
    term = console(accounts=False)
    term.expect("First boot: set the admin password.")
    term.expect("New admin password: ")
    term.send("short\r")
    term.expect("Repeat: ")
    term.send("short\r")
    term.expect("too short")
    term.expect("New admin password: ")
    term.send("good-pass-123\r")
    term.expect("Repeat: ")
    term.send("good-pass-123\r")
    term.expect("Admin password set.")
    assert b"good-pass-123" not in term.login("admin", "good-pass-123")
    assert ("admin", "login") in audit_actions(store)


def test_password_is_not_echoed(console):
    term = console()
    term.expect("login: ")
    term.send("admin\r")
    term.expect("Password: ")
    term.send("admin-pass-1\r")
    got = term.expect("admin@e1desk# ")
    assert b"admin-pass-1" not in got and b"*" not in got


def test_wrong_passwords_back_off_then_lock(console, clock, store):
    term = console()
    term.expect("login: ")
    term.send("olga\rwrong-1\r")
    term.expect("Login incorrect")
    term.send("typed during back-off\r")          # dropped: the back-off is not over
    clock.advance(1.0)                             # backoff_s = 1 after the first failure
    term.expect("login: ")
    assert b"typed during" not in term.seen
    for n in range(2, 6):                          # failures 2..5; 5 = max_failures locks
        term.send("olga\r")
        term.expect("Password: ")
        term.send(f"wrong-{n}\r")
        term.expect("Login incorrect")
        clock.advance(60)
        term.expect("login: ")
    user = store.find("users", "olga")
    assert user["locked_until"] > clock()
    term.send("olga\roperator-pass\r")             # right password, but locked
    term.expect("Account locked")
    clock.advance(901)                             # lockout_s = 900
    term.login("olga", "operator-pass")
    assert ("olga", "login") in audit_actions(store)


def test_idle_logout(console, clock, store):
    term = console()
    term.login("vic", "viewer-pass")
    clock.advance(601)                             # idle_timeout_s = 600
    term.expect("idle timeout: logged out")
    term.expect("login: ")
    assert ("vic", "logout") in audit_actions(store)


def test_show_commands_render_the_box_snapshot(console):
    term = console()
    term.login("vic", "viewer-pass")
    term.send("show spans\r")
    out = term.expect("vic@e1desk> ").decode()
    assert "carrier" in out and "RED,LOS" in out and "\r\n" in out
    term.send("show calls --json\r")
    out = term.expect("vic@e1desk> ").decode()
    body = out[out.index("["):out.rindex("]") + 1]
    assert json.loads(body)[0]["ani"] == "13800138000"
    term.send("show queues\r")
    assert "support" in term.expect("vic@e1desk> ").decode()


def test_roles_limit_what_can_be_done(console, store):
    term = console()
    term.login("vic", "viewer-pass")
    term.send("config set retention.cdr 100\r")
    assert b"needs role operator" in term.expect("vic@e1desk> ")
    term.send("logout\r")
    term.login("olga", "operator-pass")
    term.send("user passwd vic\r")
    assert b"needs role admin" in term.expect("olga@e1desk> ")
    term.send("records export audit --format jsonl\r")
    assert b"needs role admin" in term.expect("olga@e1desk> ")
    assert store.config.running_rev() == 0


def test_configure_diff_commit_rollback_on_the_console(console, store):
    term = console()
    term.login("olga", "operator-pass")
    term.send("config set retention.cdr 400\r")
    term.expect("olga@e1desk*> ")                  # * = a candidate is pending
    term.send("diff\r")
    assert b"+ retention.cdr = 400" in term.expect("olga@e1desk*> ")
    term.send('commit -m "keep 400 days"\r')
    assert b"rev" in term.expect("olga@e1desk> ")
    term.send("config set console.page_lines -5\r")
    term.expect("olga@e1desk*> ")
    term.send("commit\r")
    out = term.expect("olga@e1desk*> ")
    assert b"console.page_lines: -5 out of range 0..1000" in out
    assert store.config.running()["console"]["page_lines"] == 24          # nothing applied
    term.send("rollback 1\r")
    term.expect("> ")
    term.send("show revisions\r")
    out = term.expect("> ").decode()
    assert "keep 400 days" in out and "rollback" in out
    revs = store.config.revisions()
    assert [r["user"] for r in revs] == ["olga", "olga"]
    assert ("olga", "config.commit") in audit_actions(store)


def test_admin_sets_a_password_on_the_console_without_echo(console, store):
    term = console()
    term.login("admin", "admin-pass-1")
    term.send("user passwd nina --role operator\r")
    term.expect("New password for nina: ")
    term.send("nina-pass-77\r")
    term.expect("Repeat: ")
    term.send("nina-pass-77\r")
    out = term.expect("admin@e1desk# ")
    assert b"password of nina set" in out and b"nina-pass-77" not in out
    assert store.find("users", "nina")["role"] == "operator"
    assert ("admin", "user.password") in audit_actions(store)


def test_pager_and_dumb_terminal(console):
    term = console()
    term.login("admin", "admin-pass-1")
    term.send("terminal color off\r")
    term.expect("admin@e1desk# ")
    term.send("show channels\r")
    first = term.expect("--More--")
    assert first.count(b"\r\n") <= 24
    term.send("\r")                                # one more line
    term.expect("--More--")
    term.send("q")
    out = term.expect("admin@e1desk# ")
    term.send("show nothing-here\r")
    out += term.expect("admin@e1desk# ")
    assert b"\x1b" not in first + out              # no ANSI escapes with colour off
    assert b"No such command" in out


def test_garbage_long_lines_and_bad_commands_leave_the_console_usable(console, store):
    term = console()
    term.login("admin", "admin-pass-1")
    term.send(bytes(range(0x80, 0x100)) * 4 + b"\x00\x01\x02\x1b[99~")
    term.send("x" * 5000 + "\r")
    term.expect("admin@e1desk# ")
    term.send('records search cdr --ani "unclosed\r')
    assert b"No closing quotation" in term.expect("admin@e1desk# ")
    term.send("records search cdr --days 99999\r")
    assert b"--days" in term.expect("admin@e1desk# ")
    term.send("run --board sim\r")
    assert b"not on the console" in term.expect("admin@e1desk# ")
    term.send("db restore /tmp/x.tgz\r")
    assert b"only on the host shell" in term.expect("admin@e1desk# ")
    term.send("show spans\r")
    assert b"carrier" in term.expect("admin@e1desk# ")


def test_help_and_completion_over_the_pty(console):
    term = console()
    term.login("vic", "viewer-pass")
    term.send("show ?")
    out = term.expect("vic@e1desk> show ")
    assert b"channels" in out and b"spans" in out
    term.send("\x03")
    term.expect("vic@e1desk> ")
    term.send("show sp\t")
    term.expect("show spans ")
    term.send("\r")
    assert b"carrier" in term.expect("vic@e1desk> ")


def test_console_without_live_box_says_so(console):
    term = console(snapshot=None)
    term.login("vic", "viewer-pass")
    term.send("show spans\r")
    assert b"no live box" in term.expect("vic@e1desk> ")
    term.send("show users\r")
    out = term.expect("vic@e1desk> ")
    assert b"olga" in out and b"scrypt" not in out


def test_every_export_from_the_console_is_audited(console, store):
    store.insert("cdr", {"call_id": "c1", "start": 1_800_000_000})
    term = console()
    term.login("admin", "admin-pass-1")
    term.send("records export cdr --format asterisk\r")
    assert b'"E1desk"' not in term.expect("admin@e1desk# ")
    export = [r for r in store.records("audit") if r["action"] == "records.export"]
    assert export and export[0]["user"] == "admin" and export[0]["source"] == "console"
    assert parse_time(export[0]["time"])


def test_full_disk_login_still_works_and_commands_say_why(console, store, monkeypatch):
    import errno

    from firmware.store import writer as writer_mod

    term = console()

    def full(self):
        self.storage.discard()
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(writer_mod.Partition, "flush", full)
    term.login("olga", "operator-pass")
    term.send("ticket open --caller 123 --category printer\r")
    out = term.expect("olga@e1desk> ")
    assert b"disk full" in out
    term.send("show queues\r")                     # the console stays usable
    assert b"support" in term.expect("olga@e1desk> ")


def test_corrupted_accounts_file_leads_back_to_first_boot(console, store):
    from firmware.console.auth import Accounts
    Accounts(store).set_password("admin", "admin-pass-1")
    users = store.root / "db" / "users" / "all.json"
    users.write_bytes(b"\x00\x01garbage")
    term = console(accounts=False)
    term.expect("First boot: set the admin password.")
    term.send("new-admin-pass\r")
    term.expect("Repeat: ")
    term.send("new-admin-pass\r")
    term.expect("Admin password set.")
    term.login("admin", "new-admin-pass")
    assert list(users.parent.glob("all.json.corrupt*"))          # the damaged file is kept aside
